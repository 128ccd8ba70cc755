import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, DeadLettersTable } from '../database.js';
import { appendAudit } from '../api/audit.repository.js';
import { enqueueOutbox } from './outbox.repository.js';

/**
 * Dead letters: the messages a consumer group could not parse or handle, kept with their reason
 * and original key, value and headers, whatever the bus (the Kafka bus also writes `<topic>.dlq`).
 * A replay enqueues the original message onto its source topic through the outbox, in the same
 * transaction that marks the letter replayed and audits it: one replay per letter, never two.
 * Consumers dedupe on the envelope id per group, so groups that had handled it skip it again.
 */
export type DeadLetterExecutor = Kysely<Database> | Transaction<Database>;

export type DeadLetterReasonKind = DeadLettersTable['reason_kind'];

export interface NewDeadLetter {
  consumerGroup: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  key: string | null;
  value: Buffer | null;
  headers: Readonly<Record<string, string>>;
  /** `parse: ...` or `handler: ...` as the bus words it. */
  reason: string;
  failedAt: Date;
}

export interface DeadLetterView {
  id: number;
  consumerGroup: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  key: string | null;
  eventId: string | null;
  merchantId: string | null;
  reasonKind: DeadLetterReasonKind;
  reason: string;
  failures: number;
  failedAt: Date;
  replayedAt: Date | null;
  replayedBy: string | null;
  replayOutboxId: number | null;
}

export interface DeadLetterDetail extends DeadLetterView {
  headers: Record<string, string>;
  /** The original value as text (UTF-8), and whether it is JSON (only JSON can be replayed). */
  payload: string | null;
  payloadIsJson: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseJson(value: Buffer | null): { ok: true; value: unknown } | { ok: false } {
  if (value === null) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(value.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

function envelopeField(value: unknown, field: string): string | null {
  const found = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
  return typeof found === 'string' && found.length > 0 ? found : null;
}

export function reasonKindOf(reason: string): DeadLetterReasonKind {
  return reason.startsWith('parse:') ? 'parse' : 'handler';
}

/**
 * Records letters; a letter already recorded for the group (a redelivered failure, or a replay that
 * failed again) is one row: its reason and time are updated, its failures counted, and it is open again.
 */
export async function recordDeadLetters(db: DeadLetterExecutor, letters: readonly NewDeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  const rows = letters.map((letter) => {
    const json = parseJson(letter.value);
    const eventId = letter.headers['ce_id'] ?? (json.ok ? envelopeField(json.value, 'id') : null);
    const merchant = json.ok ? envelopeField(json.value, 'merchantid') : null;
    const identity =
      eventId !== null
        ? `id:${eventId}`
        : `sha256:${createHash('sha256').update(`${letter.sourceTopic}\0${letter.key ?? ''}\0`).update(letter.value ?? Buffer.alloc(0)).digest('hex')}`;
    return {
      letter_key: `${letter.consumerGroup}|${letter.sourceTopic}|${identity}`,
      consumer_group: letter.consumerGroup,
      source_topic: letter.sourceTopic,
      source_partition: letter.sourcePartition,
      source_offset: letter.sourceOffset,
      message_key: letter.key,
      payload: letter.value,
      headers: JSON.stringify(letter.headers),
      event_id: eventId,
      merchant_id: merchant !== null && UUID.test(merchant) ? merchant : null,
      reason_kind: reasonKindOf(letter.reason),
      reason: letter.reason,
      failed_at: letter.failedAt,
    };
  });
  // One statement per letter: a chunk can hold the same letter twice (a republished outbox row).
  for (const row of rows) {
    await db
      .insertInto('dead_letters')
      .values(row)
      .onConflict((oc) =>
        oc.column('letter_key').doUpdateSet((eb) => ({
          reason: eb.ref('excluded.reason'),
          reason_kind: eb.ref('excluded.reason_kind'),
          failed_at: eb.ref('excluded.failed_at'),
          source_partition: eb.ref('excluded.source_partition'),
          source_offset: eb.ref('excluded.source_offset'),
          failures: sql<number>`dead_letters.failures + 1`,
          replayed_at: null,
          replayed_by: null,
          replay_outbox_id: null,
        })),
      )
      .execute();
  }
}

export type DeadLetterState = 'open' | 'replayed' | 'all';

export interface DeadLetterFilter {
  /** null: every merchant's letters and those of no merchant (the operator); else only these merchants'. */
  merchantIds: readonly string[] | null;
  sourceTopic?: string;
  consumerGroup?: string;
  reasonKind?: DeadLetterReasonKind;
  /** Default 'open'. */
  state?: DeadLetterState;
  /** Letters with an id below this one (the previous page's `nextBefore`): newest first. */
  before?: number;
  limit?: number;
}

type Row = Omit<DeadLettersTable, 'id' | 'failures' | 'headers' | 'failed_at' | 'replayed_at'> & {
  id: number | string;
  failures: number;
  headers: Record<string, string>;
  failed_at: Date;
  replayed_at: Date | null;
};

function view(row: Row): DeadLetterView {
  return {
    id: Number(row.id),
    consumerGroup: row.consumer_group,
    sourceTopic: row.source_topic,
    sourcePartition: row.source_partition,
    sourceOffset: row.source_offset,
    key: row.message_key,
    eventId: row.event_id,
    merchantId: row.merchant_id,
    reasonKind: row.reason_kind,
    reason: row.reason,
    failures: row.failures,
    failedAt: row.failed_at,
    replayedAt: row.replayed_at,
    replayedBy: row.replayed_by,
    replayOutboxId: row.replay_outbox_id === null ? null : Number(row.replay_outbox_id),
  };
}

/** No merchant in scope: nothing to see. */
const nobody = (merchantIds: readonly string[] | null) => merchantIds !== null && merchantIds.length === 0;
const inScope = (merchantIds: readonly string[] | null) => (merchantIds === null ? [] : [...merchantIds]);

/** Newest first, a page at a time: `nextBefore` is the cursor of the next page (null at the end). */
export async function listDeadLetters(db: DeadLetterExecutor, filter: DeadLetterFilter): Promise<{ items: DeadLetterView[]; nextBefore: number | null }> {
  const limit = filter.limit ?? 100;
  if (nobody(filter.merchantIds)) return { items: [], nextBefore: null };
  let query = db
    .selectFrom('dead_letters')
    .selectAll()
    .$if(filter.merchantIds !== null, (q) => q.where('merchant_id', 'in', inScope(filter.merchantIds)));
  const state = filter.state ?? 'open';
  if (state === 'open') query = query.where('replayed_at', 'is', null);
  if (state === 'replayed') query = query.where('replayed_at', 'is not', null);
  if (filter.sourceTopic !== undefined) query = query.where('source_topic', '=', filter.sourceTopic);
  if (filter.consumerGroup !== undefined) query = query.where('consumer_group', '=', filter.consumerGroup);
  if (filter.reasonKind !== undefined) query = query.where('reason_kind', '=', filter.reasonKind);
  if (filter.before !== undefined) query = query.where('id', '<', filter.before);
  const rows = (await query.orderBy('id', 'desc').limit(limit + 1).execute()) as Row[];
  const items = rows.slice(0, limit).map(view);
  return { items, nextBefore: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

export async function findDeadLetter(db: DeadLetterExecutor, id: number, merchantIds: readonly string[] | null): Promise<DeadLetterDetail | undefined> {
  if (nobody(merchantIds)) return undefined;
  const row = (await db
    .selectFrom('dead_letters')
    .selectAll()
    .where('id', '=', id)
    .$if(merchantIds !== null, (q) => q.where('merchant_id', 'in', inScope(merchantIds)))
    .executeTakeFirst()) as Row | undefined;
  if (row === undefined) return undefined;
  const payload = row.payload === null ? null : Buffer.from(row.payload);
  return { ...view(row), headers: row.headers, payload: payload?.toString('utf8') ?? null, payloadIsJson: parseJson(payload).ok };
}

export interface ReplayRequest {
  ids: readonly number[];
  merchantIds: readonly string[] | null;
  /** `key:<id>`, `cli:<user>`: who asked, for the letter and the audit log. */
  actor: string;
  at: Date;
}

export interface ReplayOutcome {
  replayed: { id: number; outboxId: number }[];
  /** Letters not replayed and why: not found (or not in scope), already replayed, not replayable. */
  refused: { id: number; reason: 'not_found' | 'already_replayed' | 'not_json' | 'no_key' }[];
}

/** Header added to a replayed message: which dead letter it came from. */
export const DEAD_LETTER_REPLAY_HEADER = 'x-dead-letter-id';

/**
 * Replays open letters onto their source topic through the outbox, each marked replayed and
 * audited in the same transaction; the rows are locked, so two replays of one letter at once
 * replay it once. Run it in a transaction (`db.transaction().execute`).
 */
export async function replayDeadLetters(trx: Transaction<Database>, request: ReplayRequest): Promise<ReplayOutcome> {
  const outcome: ReplayOutcome = { replayed: [], refused: [] };
  const ids = [...new Set(request.ids)].sort((a, b) => a - b);
  if (ids.length === 0) return outcome;
  const rows = nobody(request.merchantIds)
    ? []
    : ((await trx
        .selectFrom('dead_letters')
        .selectAll()
        .where('id', 'in', ids)
        .$if(request.merchantIds !== null, (q) => q.where('merchant_id', 'in', inScope(request.merchantIds)))
        .orderBy('id')
        .forUpdate()
        .execute()) as Row[]);
  const byId = new Map(rows.map((row) => [Number(row.id), row]));
  for (const id of ids) {
    const row = byId.get(id);
    if (row === undefined) {
      outcome.refused.push({ id, reason: 'not_found' });
      continue;
    }
    if (row.replayed_at !== null) {
      outcome.refused.push({ id, reason: 'already_replayed' });
      continue;
    }
    const json = parseJson(row.payload === null ? null : Buffer.from(row.payload));
    if (!json.ok) {
      outcome.refused.push({ id, reason: 'not_json' });
      continue;
    }
    if (row.message_key === null) {
      outcome.refused.push({ id, reason: 'no_key' });
      continue;
    }
    const [outboxId] = await enqueueOutbox(trx, [
      { topic: row.source_topic, key: row.message_key, event: json.value, headers: { ...row.headers, [DEAD_LETTER_REPLAY_HEADER]: String(id) } },
    ]);
    await trx
      .updateTable('dead_letters')
      .set({ replayed_at: request.at, replayed_by: request.actor, replay_outbox_id: outboxId ?? null })
      .where('id', '=', id)
      .execute();
    await appendAudit(trx, {
      at: request.at,
      actor: request.actor,
      action: 'dead_letter.replayed',
      targetType: 'dead_letter',
      targetId: String(id),
      merchantId: row.merchant_id,
      details: { sourceTopic: row.source_topic, consumerGroup: row.consumer_group, eventId: row.event_id, outboxId, reasonKind: row.reason_kind },
    });
    outcome.replayed.push({ id, outboxId: outboxId ?? 0 });
  }
  return outcome;
}

export interface DeadLetterCount {
  sourceTopic: string;
  reasonKind: DeadLetterReasonKind;
  state: 'open' | 'replayed';
  count: number;
}

/** Letters by source topic, reason kind and state: the dead-letter metric, read at scrape time. */
export async function countDeadLetters(db: DeadLetterExecutor): Promise<DeadLetterCount[]> {
  const rows = await db
    .selectFrom('dead_letters')
    .select((eb) => [
      'source_topic',
      'reason_kind',
      eb.case().when('replayed_at', 'is', null).then('open').else('replayed').end().as('state'),
      eb.fn.countAll<string>().as('n'),
    ])
    .groupBy(['source_topic', 'reason_kind', 'state'])
    .execute();
  return rows.map((row) => ({ sourceTopic: row.source_topic, reasonKind: row.reason_kind, state: row.state as 'open' | 'replayed', count: Number(row.n) }));
}

/** Letters not replayed: what the fault tests' backlog check counts. */
export async function countOpenDeadLetters(db: DeadLetterExecutor): Promise<number> {
  const row = await db.selectFrom('dead_letters').select((eb) => eb.fn.countAll<string>().as('n')).where('replayed_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}
