import { newId, type Provider } from '@parcelwatch/contracts';
import type { TrackOutcome } from '@parcelwatch/carriers';
import { applyPollSchedules, claimDueShipments, enqueueOutbox, type NewOutboxMessage, type PollableShipment, type PollScheduleUpdate, transactionWithOutbox } from '@parcelwatch/db';
import { groupByChoice, type ClientChoice } from './carrier-account.directory.js';
import { buildTrackingSnapshot } from './domain/tracking-snapshot.builder.js';
import type { PollerClient } from './poller.clients.js';
import { normalizeKey, planSchedule, queryKeyOf } from './poll-schedule.planner.js';
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
  /** Set aside: no carrier account for their provider (the problem is on each shipment). */
  withoutAccount: number;
  /** Numbers 17TRACK was told to stop tracking (final shipments). */
  stopTracked: number;
  /** Ids of the shipments each provider call was about: for tests and diagnostics. */
  polledIds: string[];
}

interface ProviderResult {
  answered: Map<string, NewOutboxMessage>;
  shipments: PollableShipment[];
}

async function pollProvider(ctx: PollRoundContext, provider: Provider, client: PollerClient, shipments: PollableShipment[]): Promise<ProviderResult> {
  const answered = new Map<string, NewOutboxMessage>();
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
          provider,
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
  const report: PollReport = { claimed: claimed.length, snapshots: 0, failed: 0, stopped: 0, withoutAccount: 0, stopTracked: 0, polledIds: claimed.map((s) => s.id) };
  if (claimed.length === 0) return report;

  const choose = await ctx.accounts.chooser(claimed);
  await Promise.all(groupByChoice(claimed, choose).map((group) => pollGroup(ctx, group.choice, group.shipments, report)));
  return report;
}

/** One client's (one account's) share of the round, or one problem's: call, plan, write, then stop final 17TRACK numbers. */
async function pollGroup(ctx: PollRoundContext, choice: ClientChoice, shipments: PollableShipment[], report: PollReport): Promise<void> {
  if (!choice.ok) {
    ctx.metrics.noAccount.inc({ provider: choice.provider }, shipments.length);
    ctx.logger.warn({ provider: choice.provider, problem: choice.problem, shipments: shipments.length }, 'poll postponed');
  }
  const { answered } = choice.ok ? await pollProvider(ctx, choice.provider, choice.client, shipments) : { answered: new Map<string, NewOutboxMessage>() };
  const now = ctx.now();
  const updates: PollScheduleUpdate[] = [];
  const final: PollableShipment[] = [];
  for (const shipment of shipments) {
    const result = !choice.ok ? { kind: 'no_account' as const, problem: choice.problem } : answered.has(shipment.id) ? { kind: 'answered' as const } : { kind: 'failed' as const };
    const { update, decision } = planSchedule(shipment, result, now, ctx.cadence);
    updates.push(update);
    if (decision.kind === 'stop') {
      final.push(shipment);
      ctx.logger.info({ shipmentId: shipment.id, reason: decision.reason }, 'polling stopped');
    }
  }
  const written = await transactionWithOutbox(ctx.db, async (trx) => {
    const ids = new Set(await applyPollSchedules(trx, updates));
    // Only for rows this poller still held: a lapsed lease means another poller took over.
    await enqueueOutbox(trx, [...answered].filter(([id]) => ids.has(id)).map(([, message]) => message));
    return ids;
  });
  for (const update of updates) {
    if (!written.has(update.id)) continue;
    if (update.problem !== null) report.withoutAccount += 1;
    else if (answered.has(update.id)) report.snapshots += 1;
    else report.failed += 1;
    if (!update.active) report.stopped += 1;
  }
  if (choice.ok) report.stopTracked += await stopTracking(ctx, choice.client, final.filter((s) => written.has(s.id)));
}

/**
 * Tells 17TRACK to stop tracking numbers we poll no more (delivered, returned, expired), so the
 * account's tracked set holds only live parcels. Once: a stopped shipment is never claimed again.
 * A failed call is logged and counted; 17TRACK then expires the number on its own.
 */
async function stopTracking(ctx: PollRoundContext, client: PollerClient, shipments: PollableShipment[]): Promise<number> {
  if (shipments.length === 0 || client.provider !== '17track' || !client.stop) return 0;
  const numbers = [...new Set(shipments.map(queryKeyOf))];
  let stopped = 0;
  try {
    for (const outcome of await client.stop(numbers, { signal: ctx.signal })) {
      ctx.metrics.stopTracking.inc({ outcome: outcome.ok ? 'stopped' : 'failed' }, outcome.numbers.length);
      if (outcome.ok) stopped += outcome.numbers.length;
      else ctx.logger.warn({ provider: '17track', numbers: outcome.numbers.length, err: outcome.error }, 'stoptrack failed; 17TRACK expires the numbers itself');
    }
  } catch (err) {
    ctx.metrics.stopTracking.inc({ outcome: 'failed' }, numbers.length);
    ctx.logger.warn({ err, provider: '17track', numbers: numbers.length }, 'stoptrack failed; 17TRACK expires the numbers itself');
  }
  return stopped;
}
