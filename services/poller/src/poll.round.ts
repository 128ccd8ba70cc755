import { newId, PROVIDERS, type Provider } from '@parcelwatch/contracts';
import type { TrackOutcome } from '@parcelwatch/carriers';
import { applyPollSchedules, claimDueShipments, enqueueOutbox, type NewOutboxMessage, type PollableShipment, type PollScheduleUpdate } from '@parcelwatch/db';
import { buildTrackingSnapshot } from './domain/tracking-snapshot.builder.js';
import { groupByProvider, normalizeKey, planSchedule, queryKeyOf } from './poll-schedule.planner.js';
import type { RoundContext } from './registration.round.js';

export interface PollRoundContext extends RoundContext {
  topic: string;
  source: string;
}

export interface PollReport {
  claimed: number;
  snapshots: number;
  failed: number;
  stopped: number;
  /** Ids of the shipments each provider call was about: for tests and diagnostics. */
  polledIds: string[];
}

const isProvider = (value: string): value is Provider => (PROVIDERS as readonly string[]).includes(value);

interface ProviderResult {
  answered: Map<string, NewOutboxMessage>;
  shipments: PollableShipment[];
}

async function pollProvider(ctx: PollRoundContext, provider: string, shipments: PollableShipment[]): Promise<ProviderResult> {
  const answered = new Map<string, NewOutboxMessage>();
  const client = isProvider(provider) ? ctx.clients[provider] : undefined;
  if (!client) {
    ctx.logger.warn({ provider, shipments: shipments.length }, 'no client for this provider; poll postponed');
    return { answered, shipments };
  }
  const byKey = new Map<string, PollableShipment[]>();
  for (const shipment of shipments) {
    const key = normalizeKey(queryKeyOf(shipment));
    byKey.set(key, [...(byKey.get(key) ?? []), shipment]);
  }
  let outcomes: TrackOutcome[];
  try {
    // The client batches within the provider's limits and paces, retries and guards the calls.
    outcomes = await client.track([...new Set(shipments.map(queryKeyOf))], { signal: ctx.signal });
  } catch (err) {
    ctx.logger.warn({ err, provider, shipments: shipments.length }, 'poll failed; retried after backoff');
    return { answered, shipments };
  }
  const capturedAt = ctx.now();
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      ctx.logger.warn({ provider, kind: outcome.error.kind, numbers: outcome.numbers.length, err: outcome.error }, 'provider call failed; retried after backoff');
      continue;
    }
    for (const number of outcome.numbers) {
      for (const shipment of byKey.get(normalizeKey(number)) ?? []) {
        const built = buildTrackingSnapshot({
          shipment,
          provider: provider as Provider,
          queriedNumber: number,
          response: { ...outcome.response, fetchedAt: capturedAt.toISOString() },
          batchSize: outcome.numbers.length,
          snapshotId: newId(capturedAt.getTime()),
          capturedAt: capturedAt.toISOString(),
          source: ctx.source,
        });
        if (!built.ok) {
          ctx.logger.warn({ provider, shipmentId: shipment.id, reason: built.reason }, 'no snapshot from this answer; retried after backoff');
          continue;
        }
        // The transport's own receipt time is kept next to the Clock's.
        built.event.data.metadata.receivedAt = outcome.response.fetchedAt;
        answered.set(shipment.id, { topic: ctx.topic, key: shipment.id, event: built.event });
      }
    }
  }
  return { answered, shipments };
}

/**
 * One round: claim due shipments (leased), ask each provider about its share, then write the
 * snapshots and every claimed shipment's next poll in one transaction per provider. A shipment
 * without an answer (failed call, missing from the body) keeps its place with a backoff.
 */
export async function runPollRound(ctx: PollRoundContext): Promise<PollReport> {
  const claimedAt = ctx.now();
  const claimed = await claimDueShipments(ctx.db, {
    now: claimedAt,
    leaseUntil: new Date(claimedAt.getTime() + ctx.leaseMs),
    limit: ctx.claimLimit,
  });
  const report: PollReport = { claimed: claimed.length, snapshots: 0, failed: 0, stopped: 0, polledIds: claimed.map((s) => s.id) };
  if (claimed.length === 0) return report;

  await Promise.all(
    [...groupByProvider(claimed)].map(async ([provider, shipments]) => {
      const { answered } = await pollProvider(ctx, provider, shipments);
      const now = ctx.now();
      const updates: PollScheduleUpdate[] = [];
      for (const shipment of shipments) {
        const { update, decision } = planSchedule(shipment, answered.has(shipment.id) ? { kind: 'answered' } : { kind: 'failed' }, now, ctx.cadence);
        updates.push(update);
        if (decision.kind === 'stop') ctx.logger.info({ shipmentId: shipment.id, reason: decision.reason }, 'polling stopped');
      }
      const written = await ctx.db.transaction().execute(async (trx) => {
        const ids = new Set(await applyPollSchedules(trx, updates));
        // Only for rows this poller still held: a lapsed lease means another poller took over.
        await enqueueOutbox(trx, [...answered].filter(([id]) => ids.has(id)).map(([, message]) => message));
        return ids;
      });
      for (const update of updates) {
        if (!written.has(update.id)) continue;
        if (answered.has(update.id)) report.snapshots += 1;
        else report.failed += 1;
        if (!update.active) report.stopped += 1;
      }
    }),
  );
  return report;
}
