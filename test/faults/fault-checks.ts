// What every fault test asserts once the fault has healed: nothing lost, nothing twice, nothing
// left waiting. Each check compares with an expected set worked out apart from the services
// (the sandbox's ground truth, the exception oracle, the notification spec of the e2e).
import { expect } from '@jest/globals';
import { deadLetterTopic } from '@parcelwatch/bus';
import { EVENT_TYPES } from '@parcelwatch/contracts';
import { countOpenDeadLetters } from '@parcelwatch/db';
import { sql } from 'kysely';
import { diffOutcomes, storedOutcomes } from '../e2e/exception-pipeline.expectations.js';
import { causeEvents, expectedMessages, storedMessages } from '../e2e/notification-pipeline.expectations.js';
import { groundTruthAt, storedTimelines } from '../e2e/tracking-pipeline.expectations.js';
import type { FaultPipeline } from './fault-pipeline.js';

/** Every checkpoint the sandbox showed by the last poll is stored, once. */
export async function lostCheckpoints(p: FaultPipeline): Promise<string[]> {
  const truth = groundTruthAt(p.sandbox, p.planned.map((x) => x.journey.trackingNumber), p.lastStepAt());
  const stored = await storedTimelines(p.db);
  const problems: string[] = [];
  for (const t of truth) {
    const have = stored.get(t.trackingNumber)?.keys ?? [];
    const missing = t.keys.filter((k) => !have.includes(k));
    const extra = have.filter((k, i) => !t.keys.includes(k) || have.indexOf(k) !== i);
    if (missing.length + extra.length > 0) problems.push(`${t.trackingNumber}: missing ${missing.join(', ') || '-'}; extra or twice ${extra.join(', ') || '-'}`);
  }
  return problems;
}

export async function checkpointCount(p: FaultPipeline): Promise<number> {
  const row = await p.db.selectFrom('checkpoints').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The exceptions, delays and compensation decisions the oracle expects, each once. */
export async function outcomeDiffs(p: FaultPipeline): Promise<string[]> {
  const expected = p.planned.map(({ expected: { ambiguous: _ambiguous, ...outcome } }) => outcome);
  // A paid compensation was approved: whether it was paid, and once, is payoutCheck's business.
  const stored = new Map(
    [...(await storedOutcomes(p.db))].map(([tracking, o]) => [tracking, { ...o, compensations: o.compensations.map((c) => (c.status === 'executed' ? { ...c, status: 'approved' as const } : c)) }]),
  );
  return diffOutcomes(expected, stored);
}

/** Compensation decisions published more than once (by compensation id and event type). */
export async function repeatedCompensationEvents(p: FaultPipeline): Promise<string[]> {
  const rows = await sql<{ key: string; n: string }>`
    SELECT event->>'type' || ' ' || (event->'data'->>'compensationId') AS key, count(*) AS n
    FROM outbox WHERE topic = ${p.topics.compensations}
    GROUP BY 1 HAVING count(*) > 1`.execute(p.db);
  return rows.rows.map((r) => `${r.key} x${r.n}`);
}

/**
 * Payouts counted at the marketplace (the sandbox's per-key counts, through its control API):
 * every approved compensation that was not cancelled is executed, and its execution key was
 * applied exactly once there; nothing else was paid. Returns the problems and the figures.
 */
export async function payoutCheck(p: FaultPipeline): Promise<{ problems: string[]; executed: number; refusedRequests: number; requests: number }> {
  const response = await fetch(`${p.sandbox.url}/sandbox/marketplace/keys`);
  const { keys } = (await response.json()) as { keys: Record<string, { requests: number; applied: number; repeated: number; refused: number }> };
  const rows = await p.db.selectFrom('compensations').select(['id', 'status', 'approved_at', 'execution_key']).execute();
  const problems: string[] = [];
  const ours = new Set<string>();
  for (const row of rows) {
    ours.add(row.execution_key);
    const applied = keys[row.execution_key]?.applied ?? 0;
    if (row.approved_at !== null && row.status !== 'cancelled' && row.status !== 'executed') problems.push(`${row.id} approved but ${row.status}`);
    if (row.status === 'executed' && applied !== 1) problems.push(`${row.id} executed, paid ${applied} times at the marketplace`);
    if (row.status !== 'executed' && applied !== 0) problems.push(`${row.id} ${row.status}, paid ${applied} times at the marketplace`);
  }
  for (const [key, count] of Object.entries(keys)) if (!ours.has(key)) problems.push(`key ${key} paid ${count.applied} times, no compensation has it`);
  const counts = Object.values(keys);
  return {
    problems,
    executed: rows.filter((r) => r.status === 'executed').length,
    refusedRequests: counts.reduce((n, c) => n + c.refused, 0),
    requests: counts.reduce((n, c) => n + c.requests, 0),
  };
}

/** Messages planned per the e2e's spec, against the stored ones, each sent once to its server. */
export async function messageDiffs(p: FaultPipeline): Promise<{ expected: string[]; got: string[]; unsent: string[]; serverDuplicates: string[]; serverMismatch: boolean }> {
  const t = p.topics;
  const shipments = await p.db.selectFrom('shipments').select(['id', 'order_id', 'tracking_number']).execute();
  const index = new Map(shipments.map((s) => [s.id, Number(s.order_id.slice('E2E-X-'.length))]));
  const tracking = new Map(shipments.map((s) => [s.id, s.tracking_number]));
  const events = await causeEvents(p.db, [t.shipmentEvents, t.shipmentExceptions, t.shipmentDelays, t.compensations]);
  const expected = expectedMessages(events, p.planned, index, p.stages.watermarks);
  const stored = await storedMessages(p.db);
  const got = stored.map((m) => `${tracking.get(m.shipmentId)} ${m.key} ${m.channel} ${m.template}`).sort();
  const unsent = stored.filter((m) => m.status !== 'sent').map((m) => `${tracking.get(m.shipmentId)} ${m.key} ${m.channel} ${m.status}`);
  const mails = p.stages.smtp!.received().map((m) => String(m.messageId));
  const sms = p.stages.sms!.received().map((m) => String(m.sid));
  const market = p.stages.marketplace!.received().map((m) => String(m.messageId));
  const serverDuplicates = [mails, sms, market].flatMap((ids) => ids.filter((id, i) => ids.indexOf(id) !== i));
  const sent = (channel: string) => stored.filter((m) => m.channel === channel).map((m) => m.providerMessageId ?? '').sort();
  const serverMismatch =
    JSON.stringify([...mails].sort()) !== JSON.stringify(sent('email')) ||
    JSON.stringify([...sms].sort()) !== JSON.stringify(sent('sms')) ||
    JSON.stringify([...market].sort()) !== JSON.stringify(sent('marketplace_message'));
  return { expected, got, unsent, serverDuplicates, serverMismatch };
}

/** What is still waiting once the pipeline should be idle: lag, unpublished outbox rows, dead letters, pending sends. */
export async function backlog(p: FaultPipeline): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [group, topics] of p.subscriptions()) out[`lag ${group}`] = await p.lag(group, topics);
  const unpublished = await p.db.selectFrom('outbox').select((eb) => eb.fn.countAll<string>().as('n')).where('published_at', 'is', null).executeTakeFirstOrThrow();
  out['outbox unpublished'] = Number(unpublished.n);
  const pending = await p.db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '!=', 'sent').executeTakeFirstOrThrow();
  out['notifications not sent'] = Number(pending.n);
  const hooks = await p.db.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
  out['webhook deliveries pending'] = Number(hooks.n);
  const admin = p.kafkaAdmin();
  await admin.connect();
  try {
    let dead = 0;
    for (const topic of Object.values(p.topics)) {
      const ends = await admin.fetchTopicOffsets(deadLetterTopic(topic));
      dead += ends.reduce((n, e) => n + Number(e.high), 0);
    }
    out['dead letters'] = dead;
  } finally {
    await admin.disconnect();
  }
  // The dead-letter store (`parcelwatch dlq`): letters not replayed, whichever bus wrote them.
  out['dead letters stored'] = await countOpenDeadLetters(p.db);
  return out;
}

/** The checks every fault test ends with. */
export async function expectRecovered(p: FaultPipeline): Promise<void> {
  expect(await lostCheckpoints(p)).toEqual([]);
  expect(await checkpointCount(p)).toBeGreaterThan(100);
  expect((await outcomeDiffs(p)).join('\n')).toBe('');
  expect(await repeatedCompensationEvents(p)).toEqual([]);
  const compensations = await p.db.selectFrom('compensations').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  expect(Number(compensations.n)).toBeGreaterThanOrEqual(5);
  // Paid through the marketplace exactly once each, counted at the marketplace.
  const payouts = await payoutCheck(p);
  expect(payouts.problems).toEqual([]);
  // The automatic ones of the fault journeys (the others wait for a supervisor): a tier 1 coupon and a tier 2 refund.
  expect(payouts.executed).toBeGreaterThanOrEqual(2);
  const messages = await messageDiffs(p);
  expect(messages.got).toEqual(messages.expected);
  expect(messages.got.length).toBeGreaterThan(50);
  expect(messages.unsent).toEqual([]);
  expect(messages.serverDuplicates).toEqual([]);
  expect(messages.serverMismatch).toBe(false);
  const left = await backlog(p);
  expect(Object.entries(left).filter(([, n]) => n !== 0)).toEqual([]);
  // The raw snapshots and proofs of every shipped / delivered parcel are archived.
  const snapshots = await p.written([p.topics.trackingSnapshots]);
  const archived = await p.db.selectFrom('tracking_snapshots').where('blob_key', 'is not', null).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  expect(Number(archived.n)).toBe(snapshots);
  expect(await missingProofs(p)).toEqual([]);
}

/** Shipments with a shipped / delivered milestone published and no proof of it stored. */
export async function missingProofs(p: FaultPipeline): Promise<string[]> {
  const rows = await sql<{ subject: string; milestone: string }>`
    SELECT DISTINCT event->>'subject' AS subject, event->'data'->>'journeyMilestone' AS milestone FROM outbox
    WHERE topic = ${p.topics.shipmentEvents} AND event->>'type' = ${EVENT_TYPES.milestoneReached}
      AND event->'data'->>'journeyMilestone' IN ('shipped', 'delivered')`.execute(p.db);
  const proofs = await p.db.selectFrom('proofs').select(['shipment_id', 'kind']).execute();
  const have = new Set(proofs.map((r) => `${r.shipment_id} ${r.kind}`));
  return rows.rows.map((r) => `${r.subject} ${r.milestone === 'shipped' ? 'shipment' : 'delivery'}`).filter((k) => !have.has(k));
}
