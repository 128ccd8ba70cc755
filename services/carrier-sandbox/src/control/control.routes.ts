import { PROVIDERS, type Provider } from '@parcelwatch/contracts';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { validateFaults, type FaultSettings } from '../faults/fault.settings.js';
import type { ShipmentInput } from '../journeys/journey.store.js';
import type { Journey, JourneyIncident, JourneyOutcome, Lane } from '../journeys/journey.types.js';
import { wordingOf } from '../journeys/wording.js';
import type { SandboxContext } from '../sandbox.context.js';
import type { WebhookDispatcher, WebhookTargets } from '../webhooks/webhook-dispatcher.js';

const LANES: readonly Lane[] = ['CN-US', 'CN-EU'];
const OUTCOMES: readonly JourneyOutcome[] = ['delivered', 'returned', 'lost'];
const INCIDENTS: readonly JourneyIncident[] = ['stall', 'customs_documents', 'failed_attempts', 'damaged', 'silent_loss', 'missorted', 'silent_until_delivery', 'out_for_delivery_overnight'];

class BadRequest extends Error {
  readonly statusCode = 400;
}

/** A journey as the ground truth reports it: everything, plus what is visible now. */
export function groundTruth(journey: Journey, now: DateTime) {
  const visible = journey.events.filter((event) => Date.parse(event.occurredAt) <= now.toMillis());
  const last = visible[visible.length - 1];
  return {
    trackingNumber: journey.trackingNumber,
    orderId: journey.orderId,
    lane: journey.lane,
    originCarrier: journey.originCarrier,
    lastMileCarrier: journey.lastMileCarrier,
    origin: journey.origin,
    destination: journey.destination,
    shippedAt: journey.shippedAt,
    promisedDeliveryDate: journey.promisedDeliveryDate,
    carrierEstimate: journey.carrierEstimate,
    outcome: journey.outcome,
    incidents: journey.incidents,
    failedAttempts: journey.failedAttempts,
    finalStatus: journey.finalStatus,
    /** The true status at the sandbox's now (pending before the first scan). */
    statusNow: last ? { milestone: last.milestone, reason: last.reason } : { milestone: 'pending', reason: null },
    visibleEvents: visible.length,
    complete: visible.length === journey.events.length,
    events: journey.events.map((event) => ({ ...event, text: wordingOf(event.kind, 0) })),
  };
}

function parseShipment(input: unknown): ShipmentInput {
  if (typeof input !== 'object' || input === null) throw new BadRequest('each shipment must be an object');
  const item = input as Record<string, unknown>;
  if (typeof item.trackingNumber !== 'string' || item.trackingNumber.trim() === '') throw new BadRequest('trackingNumber is required');
  const shipment: ShipmentInput = { trackingNumber: item.trackingNumber.trim() };
  if (item.lane !== undefined) {
    if (!LANES.includes(item.lane as Lane)) throw new BadRequest(`lane must be one of ${LANES.join(', ')}`);
    shipment.lane = item.lane as Lane;
  }
  if (item.outcome !== undefined) {
    if (!OUTCOMES.includes(item.outcome as JourneyOutcome)) throw new BadRequest(`outcome must be one of ${OUTCOMES.join(', ')}`);
    shipment.outcome = item.outcome as JourneyOutcome;
  }
  if (item.incidents !== undefined) {
    if (!Array.isArray(item.incidents) || item.incidents.some((i) => !INCIDENTS.includes(i as JourneyIncident))) {
      throw new BadRequest(`incidents must list ${INCIDENTS.join(', ')}`);
    }
    shipment.incidents = item.incidents as JourneyIncident[];
  }
  if (item.shippedAt !== undefined) {
    const at = typeof item.shippedAt === 'string' ? DateTime.fromISO(item.shippedAt, { setZone: true }) : null;
    if (!at?.isValid) throw new BadRequest('shippedAt must be an ISO-8601 instant');
    shipment.shippedAt = at;
  }
  if (typeof item.orderId === 'string') shipment.orderId = item.orderId;
  if (item.carrierEstimate !== undefined) {
    if (typeof item.carrierEstimate !== 'boolean') throw new BadRequest('carrierEstimate must be true or false');
    shipment.carrierEstimate = item.carrierEstimate;
  }
  return shipment;
}

/** /sandbox/*: create shipments, read the ground truth, steer faults and webhooks, read stats. */
export function registerControlRoutes(app: FastifyInstance, ctx: SandboxContext, webhooks: WebhookDispatcher): void {
  app.get('/sandbox/clock', async () => ({ now: ctx.clock.now().toISO() }));

  app.post('/sandbox/shipments', async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const created: Journey[] = [];
    if (body.shipments !== undefined) {
      if (!Array.isArray(body.shipments)) throw new BadRequest('shipments must be an array');
      created.push(...ctx.store.create(body.shipments.map(parseShipment)));
    }
    if (body.count !== undefined) {
      const count = Number(body.count);
      if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new BadRequest('count must be an integer in [1, 10000]');
      const spreadDays = body.spreadDays === undefined ? 0 : Number(body.spreadDays);
      if (!(spreadDays >= 0)) throw new BadRequest('spreadDays must be >= 0');
      const lane = body.lane === undefined ? undefined : (body.lane as Lane);
      if (lane !== undefined && !LANES.includes(lane)) throw new BadRequest(`lane must be one of ${LANES.join(', ')}`);
      created.push(...ctx.store.createBatch({ count, spreadDays, ...(lane ? { lane } : {}) }));
    }
    if (created.length === 0) throw new BadRequest('give shipments[] or count');
    return {
      created: created.map((journey) => ({
        trackingNumber: journey.trackingNumber,
        orderId: journey.orderId,
        lane: journey.lane,
        shippedAt: journey.shippedAt,
        outcome: journey.outcome,
        incidents: journey.incidents,
      })),
    };
  });

  app.get('/sandbox/ground-truth/:trackingNumber', async (request, reply) => {
    const journey = ctx.store.get((request.params as { trackingNumber: string }).trackingNumber);
    if (!journey) return reply.code(404).send({ error: 'unknown tracking number' });
    return groundTruth(journey, ctx.clock.now());
  });

  // Bulk: all shipments, or the ones named in ?trackingNumbers=a,b or a POST body.
  const bulk = (numbers: string[] | null) => {
    const now = ctx.clock.now();
    const journeys = numbers ? numbers.map((n) => ctx.store.get(n)) : ctx.store.all();
    return {
      now: now.toISO(),
      shipments: journeys.filter((j): j is Journey => j !== undefined).map((journey) => groundTruth(journey, now)),
      missing: numbers ? numbers.filter((n) => !ctx.store.get(n)) : [],
    };
  };
  app.get('/sandbox/ground-truth', async (request) => {
    const list = (request.query as { trackingNumbers?: string }).trackingNumbers;
    return bulk(list ? list.split(',').map((n) => n.trim()).filter(Boolean) : null);
  });
  app.post('/sandbox/ground-truth', async (request) => {
    const numbers = (request.body as { trackingNumbers?: unknown } | undefined)?.trackingNumbers;
    if (!Array.isArray(numbers) || numbers.some((n) => typeof n !== 'string')) throw new BadRequest('trackingNumbers must be an array of strings');
    return bulk(numbers as string[]);
  });

  app.get('/sandbox/faults', async () => ({ faults: ctx.faults.current() }));
  app.put('/sandbox/faults', async (request) => {
    try {
      ctx.faults.configure(validateFaults(request.body ?? {}));
    } catch (err) {
      throw new BadRequest((err as Error).message);
    }
    return { faults: ctx.faults.current() };
  });
  app.patch('/sandbox/faults/:provider', async (request) => {
    const provider = (request.params as { provider: string }).provider;
    if (provider !== 'default' && !PROVIDERS.includes(provider as Provider)) throw new BadRequest(`unknown provider ${provider}`);
    try {
      const settings = validateFaults({ [provider]: request.body ?? {} })[provider as Provider] as Partial<FaultSettings>;
      ctx.faults.update(provider as Provider, settings);
    } catch (err) {
      throw new BadRequest((err as Error).message);
    }
    return { faults: ctx.faults.current() };
  });

  app.get('/sandbox/stats', async () => ctx.stats.report(ctx.faults.injected()));
  app.get('/sandbox/requests', async (request) => {
    const provider = (request.query as { provider?: string }).provider;
    return { requests: ctx.stats.requests(provider as Provider | undefined) };
  });
  app.delete('/sandbox/stats', async (_request, reply) => {
    ctx.stats.reset();
    return reply.code(204).send();
  });

  app.delete('/sandbox/tokens', async (_request, reply) => {
    ctx.tokens.revokeAll();
    return reply.code(204).send();
  });

  app.get('/sandbox/webhooks', async () => ({ targets: webhooks.targets(), deliveries: webhooks.deliveries().slice(-100) }));
  app.put('/sandbox/webhooks', async (request) => {
    webhooks.configure((request.body ?? {}) as WebhookTargets);
    return { targets: webhooks.targets() };
  });
  app.post('/sandbox/webhooks/flush', async () => ({ deliveries: await webhooks.flush() }));
}
