/* eslint-disable @typescript-eslint/no-explicit-any -- policy drafts and event payloads are edited loosely in tests on purpose */
import { readFileSync } from 'node:fs';
import { createIdempotentHandler, type ReceivedMessage } from '@parcelwatch/bus';
import {
  EVENT_TYPES,
  createEnvelope,
  delayDetectedEventSchema,
  exceptionOpenedEventSchema,
  exceptionResolvedEventSchema,
  idFromName,
  parseMoney,
  type CurrencyCode,
  type DelayDetectedEvent,
  type ExceptionKind,
  type ExceptionOpenedEvent,
  type ExceptionResolvedEvent,
} from '@parcelwatch/contracts';
import { insertBuyers, insertExceptions, lockShipmentStates, recordBuyerActivity, recordDelays, registerShipments, updateShipmentStates, type Compensation, type Database } from '@parcelwatch/db';
import type { Kysely } from 'kysely';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_POLICY_PATH, parsePolicy, type CompensationPolicy, type PolicySource } from '@parcelwatch/policy';
import { createTriggerApplier, type TriggerEvent } from '../src/trigger.handler.js';
import { createLogger } from '@parcelwatch/logger';
import type { Clock } from '@parcelwatch/service-kit';

export const DETECTED_AT = '2026-11-23T08:00:00Z';

/** The shipped policy file, optionally with some fields changed. */
export function defaultPolicy(edit: (raw: Record<string, any>) => void = () => undefined): CompensationPolicy {
  const raw = parseYaml(readFileSync(DEFAULT_POLICY_PATH, 'utf8')) as Record<string, any>;
  edit(raw);
  const parsed = parsePolicy(raw);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.policy;
}

export function fixedPolicy(policy: CompensationPolicy): PolicySource {
  return { current: () => policy };
}

let sequence = 0;
/** A deterministic lowercase UUID per name, so scenarios read as words. */
export const uuid = (...name: string[]) => idFromName('test', ...name);

export interface SeededShipment {
  shipmentId: string;
  merchantId: string;
  orderId: string;
}

/**
 * A merchant (one per scenario keeps daily budgets apart), a buyer and a shipment, written by
 * the repositories the api's registration uses: the shipment, its buyer and the order counted
 * towards the buyer's lifetime spend. `spentBefore` (USD) is the seller's history for the buyer;
 * `buyer` names a buyer shared by several seeds (default: one per seed).
 */
export async function seedShipment(
  db: Kysely<Database>,
  input: {
    name: string;
    orderValue?: string | null;
    currency?: CurrencyCode;
    spentBefore?: string;
    buyer?: string;
    merchantId?: string;
    status?: 'in_transit' | 'delivered';
    /** The delivery date promised to the buyer (their local calendar), if any. */
    promised?: string;
  },
): Promise<SeededShipment> {
  sequence += 1;
  const merchantId = input.merchantId ?? uuid('merchant', input.name);
  const shipmentId = uuid('shipment', input.name);
  const buyerId = uuid('buyer', input.buyer ?? input.name);
  const currency = input.currency ?? 'USD';
  await db.insertInto('merchants').values({ id: merchantId, name: `merchant ${input.name}` }).onConflict((oc) => oc.column('id').doNothing()).execute();
  const value = input.orderValue === undefined ? '29.99' : input.orderValue;
  const orderValue = value === null ? null : parseMoney(value, currency);
  const orderId = `order-${input.name}-${sequence}`;
  const at = new Date(DETECTED_AT);
  await db.transaction().execute(async (trx) => {
    await insertBuyers(trx, [{ id: buyerId, merchantId, identifiedBy: 'email' }]);
    const outcome = await registerShipments(trx, [
      {
        id: shipmentId,
        merchantId,
        orderId,
        trackingNumber: `LX${String(sequence).padStart(9, '0')}CN`,
        carrier: 'china-post',
        provider: '17track',
        originCountry: 'CN',
        destinationCountry: 'US',
        promisedDeliveryDate: input.promised ?? null,
        buyerTimezone: 'America/New_York',
        orderValueMinor: orderValue?.amountMinor ?? null,
        orderCurrency: orderValue?.currency ?? null,
        contact: null,
        buyerId,
        nextPollAt: at,
        registeredAt: at,
      },
    ]);
    if (outcome.results[0]?.created !== true) throw new Error(`seed ${input.name}: shipment ${shipmentId} already exists`);
    const history = input.spentBefore === undefined ? [] : [{ buyerId, orders: null, spend: parseMoney(input.spentBefore, 'USD') }];
    await recordBuyerActivity(trx, { orders: [{ buyerId, merchantId, orderId, value: orderValue, registeredAt: at }], histories: history, at });
  });
  // What the normalizer would have recorded for a delivered parcel; only the status matters to a decision.
  if (input.status === 'delivered') await db.updateTable('shipments').set({ status: 'delivered' }).where('id', '=', shipmentId).execute();
  return { shipmentId, merchantId, orderId };
}

export function delayEvent(s: SeededShipment, daysLate: number, detectedAt = DETECTED_AT): DelayDetectedEvent {
  return delayDetectedEventSchema.parse(createEnvelope({
    id: uuid('delay', s.shipmentId, String(daysLate)),
    type: EVENT_TYPES.delayDetected,
    source: 'parcelwatch/detector',
    subject: s.shipmentId,
    merchantid: s.merchantId,
    time: detectedAt,
    data: {
      shipmentId: s.shipmentId,
      daysLate,
      against: 'promised',
      referenceDate: '2026-11-01',
      timeZone: 'America/New_York',
      tier: daysLate >= 14 ? 2 : daysLate >= 3 ? 1 : null,
      detectedAt,
      status: { milestone: 'in_transit', reason: 'arrived_hub' },
      lastCheckpointAt: null,
    },
  }));
}

export function exceptionEvent(s: SeededShipment, kind: ExceptionKind, facts: object = {}): ExceptionOpenedEvent {
  return exceptionOpenedEventSchema.parse(createEnvelope({
    id: uuid('exception', s.shipmentId, kind, JSON.stringify(facts)),
    type: EVENT_TYPES.exceptionOpened,
    source: 'parcelwatch/detector',
    subject: s.shipmentId,
    merchantid: s.merchantId,
    time: DETECTED_AT,
    data: {
      shipmentId: s.shipmentId,
      exceptionId: uuid('exception-id', s.shipmentId, kind),
      kind,
      severity: 'high',
      openedAt: DETECTED_AT,
      ruleFired: `${kind}@v1`,
      status: { milestone: 'exception', reason: kind === 'damaged' ? 'damaged' : 'lost' },
      lastCheckpointAt: null,
      checkpointId: null,
      facts,
    },
  }));
}

export function deliveredEvent(s: SeededShipment, kind: ExceptionKind = 'lost'): ExceptionResolvedEvent {
  return exceptionResolvedEventSchema.parse(createEnvelope({
    id: uuid('resolved', s.shipmentId, kind),
    type: EVENT_TYPES.exceptionResolved,
    source: 'parcelwatch/detector',
    subject: s.shipmentId,
    merchantid: s.merchantId,
    time: DETECTED_AT,
    data: {
      shipmentId: s.shipmentId,
      exceptionId: uuid('exception-id', s.shipmentId, kind),
      kind,
      resolution: 'delivered',
      resolvedAt: DETECTED_AT,
      resolvedBy: { kind: 'system', ref: null },
      checkpointId: null,
    },
  }));
}

export function received(events: readonly TriggerEvent[], topic = 'shipment.delays'): ReceivedMessage<TriggerEvent>[] {
  return events.map((event, offset) => ({
    topic,
    partition: 0,
    offset: String(offset),
    key: event.subject,
    value: Buffer.from(JSON.stringify(event)),
    headers: {},
    timestamp: DETECTED_AT,
    event,
  })) as unknown as ReceivedMessage<TriggerEvent>[];
}

export async function compensationsOf(db: Kysely<Database>, shipmentId: string): Promise<Compensation[]> {
  return db.selectFrom('compensations').selectAll().where('shipment_id', '=', shipmentId).orderBy('tier').execute();
}

export async function outboxEvents(db: Kysely<Database>, shipmentId?: string): Promise<{ type: string; id: string; data: Record<string, any> }[]> {
  let query = db.selectFrom('outbox').select(['event', 'message_key']).orderBy('id');
  if (shipmentId !== undefined) query = query.where('message_key', '=', shipmentId);
  return (await query.execute()).map((row) => row.event as { type: string; id: string; data: Record<string, any> });
}

export async function waitFor(description: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * What the detector records in the transaction that produces these events (the days late it
 * observed, the exceptions it opened), through its own repositories: compensation checks every
 * trigger against that record. Idempotent, like the detector's writes.
 */
export async function recordDetectorFacts(db: Kysely<Database>, events: readonly TriggerEvent[]): Promise<void> {
  const delays = events.filter((e): e is DelayDetectedEvent => e.type === EVENT_TYPES.delayDetected);
  await recordDelays(db, delays.map((e) => ({
    id: uuid('delay-row', e.data.shipmentId, e.data.against, String(e.data.daysLate)),
    shipmentId: e.data.shipmentId,
    merchantId: e.merchantid,
    against: e.data.against,
    referenceAt: `${e.data.referenceDate}T00:00:00Z`,
    daysLate: e.data.daysLate,
    tier: e.data.tier ?? 0,
    computedAt: e.data.detectedAt,
  })));
  const opened = events.filter((e): e is ExceptionOpenedEvent => e.type === EVENT_TYPES.exceptionOpened);
  await insertExceptions(db, opened.map((e) => ({
    id: e.data.exceptionId,
    shipmentId: e.data.shipmentId,
    merchantId: e.merchantid,
    kind: e.data.kind,
    status: 'open' as const,
    severity: e.data.severity,
    level: 0,
    openedAt: e.data.openedAt,
    escalatedAt: null,
    details: { ruleFired: e.data.ruleFired, facts: e.data.facts },
  })));
  // A "resolved: delivered" follows the normalizer recording the delivery.
  const delivered = events.filter((e): e is ExceptionResolvedEvent => e.type === EVENT_TYPES.exceptionResolved && e.data.resolution === 'delivered').map((e) => e.data.shipmentId);
  if (delivered.length > 0) {
    await db.transaction().execute(async (trx) => {
      const states = await lockShipmentStates(trx, delivered);
      await updateShipmentStates(trx, [...states.values()].map((state) => ({ ...state, status: 'delivered' as const, statusReason: 'signed', statusAt: DETECTED_AT, milestones: { ...state.milestones, delivered_at: DETECTED_AT } })));
    });
  }
}

/** Delivers events to the compensation consumer's handler, as the bus would (dedupe included), after the detector's record of them. */
export async function applyTriggers(db: Kysely<Database>, policy: PolicySource, clock: Clock, events: readonly TriggerEvent[], topic = 'compensations'): Promise<void> {
  await recordDetectorFacts(db, events);
  const handler = createIdempotentHandler<TriggerEvent>({ db, groupId: 'compensation', apply: createTriggerApplier({ policy, compensationsTopic: topic, now: () => clock.now() }) });
  const logger = createLogger({ name: 'compensation-test', level: 'silent' });
  await handler(received(events), { groupId: 'compensation', topic: 'shipment.delays', partition: 0, logger, heartbeat: async () => undefined, isRunning: () => true });
}
