import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database.js';

/**
 * The transactional outbox. A service writes its state change and the events announcing it in
 * one transaction (`enqueueOutbox`); the relay (packages/bus `OutboxRelay`) publishes committed
 * rows afterwards. An event whose transaction rolls back is never published; one whose
 * transaction commits is published at least once (see the relay for the crash window).
 */
export type OutboxExecutor = Kysely<Database> | Transaction<Database>;

export interface NewOutboxMessage {
  topic: string;
  /** The Kafka key: the shipment id. */
  key: string;
  /** The CloudEvents envelope, JSON-serializable. Its `id` must be stable: consumers dedupe on it. */
  event: unknown;
  headers?: Readonly<Record<string, string>>;
}

export interface OutboxMessage {
  id: number;
  topic: string;
  key: string;
  event: unknown;
  headers: Record<string, string>;
  createdAt: Date;
}

const OUTBOX_RECORD = sql`topic text, message_key text, event jsonb, headers jsonb`;

/** The executors (transactions) that enqueued outbox rows; weak, so a finished transaction goes. */
const outboxWriters = new WeakSet<object>();

/**
 * Whether outbox rows were enqueued through `trx`: once it commits, a relay in this process can
 * be woken instead of finding them at its next poll.
 */
export function enqueuedOutboxIn(trx: object): boolean {
  return outboxWriters.has(trx);
}

/** Call inside the transaction that changes the state the events describe. Returns the row ids in order. */
export async function enqueueOutbox(trx: OutboxExecutor, messages: readonly NewOutboxMessage[]): Promise<number[]> {
  if (messages.length === 0) return [];
  outboxWriters.add(trx);
  const records = messages.map((message) => ({ topic: message.topic, message_key: message.key, event: message.event, headers: message.headers ?? {} }));
  // WITH ORDINALITY + ORDER BY: ids follow the input order, so a shipment's events keep theirs.
  const rows = await sql<{ id: string | number }>`
    INSERT INTO outbox (topic, message_key, event, headers)
    SELECT v.topic, v.message_key, v.event, v.headers
    FROM jsonb_array_elements(${JSON.stringify(records)}::jsonb) WITH ORDINALITY AS r(record, n)
    CROSS JOIN LATERAL jsonb_to_record(r.record) AS v(${OUTBOX_RECORD})
    ORDER BY r.n
    RETURNING id`.execute(trx);
  return rows.rows.map((row) => Number(row.id));
}

/**
 * Takes the oldest unpublished rows and locks them until the caller's transaction ends;
 * SKIP LOCKED lets another relay take the next rows instead of waiting. Ordered by id, so
 * one relay publishes a shipment's events in the order they were written. `excluding`: ids
 * already handed over and not yet marked (the embedded bus's hand-overs in flight).
 */
export async function claimOutboxBatch(trx: Transaction<Database>, limit: number, excluding: readonly number[] = []): Promise<OutboxMessage[]> {
  const rows = await trx
    .selectFrom('outbox')
    .select(['id', 'topic', 'message_key', 'event', 'headers', 'created_at'])
    .where('published_at', 'is', null)
    // Rows this relay has handed over and waits to see processed (the embedded bus).
    .$if(excluding.length > 0, (q) => q.where('id', 'not in', [...excluding]))
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((row) => ({
    id: row.id,
    topic: row.topic,
    key: row.message_key,
    event: row.event,
    headers: row.headers,
    createdAt: row.created_at,
  }));
}

export async function markOutboxPublished(trx: OutboxExecutor, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('outbox')
    // The time of the broker's ack, not the round's start: the relay's delay shows as it is.
    .set({ published_at: sql<Date>`clock_timestamp()` })
    .where('id', 'in', [...ids])
    .execute();
}

// Any constant works; it only has to be the same for every relay of one database.
const OUTBOX_RELAY_LOCK = 7_265_778_276_450_882n;

/**
 * One relay at a time publishes (until its transaction ends): with several relays, SKIP LOCKED
 * alone would let relay B publish rows 101-200 before relay A has sent rows 1-100, and a
 * shipment's events would leave out of order.
 */
export async function tryLockOutboxRelay(trx: Transaction<Database>): Promise<boolean> {
  const result = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${OUTBOX_RELAY_LOCK}) as locked`.execute(trx);
  return result.rows[0]?.locked === true;
}

/** Rows still waiting to be published: the relay's backlog, for metrics and health. */
export async function countUnpublishedOutbox(db: OutboxExecutor): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('published_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Published rows are only kept for inspection: deletes up to `limit` of those published before
 * `publishedBefore`, lowest ids (the oldest) first; returns how many went. Unpublished rows are
 * never touched, whatever their age.
 */
export async function deletePublishedOutbox(db: OutboxExecutor, publishedBefore: Date, limit = 5_000): Promise<number> {
  const rows = await db
    .deleteFrom('outbox')
    .where('id', 'in', (eb) => eb.selectFrom('outbox').select('id').where('published_at', 'is not', null).where('published_at', '<', publishedBefore).orderBy('id').limit(limit))
    .returning('id')
    .execute();
  return rows.length;
}

/** Which consumer group reads which topics (for counting what a group has not processed yet). */
export interface OutboxReader {
  group: string;
  topics: readonly string[];
}

/** The newest outbox id (0 when empty). */
export async function maxOutboxId(db: OutboxExecutor): Promise<number> {
  const row = await db.selectFrom('outbox').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
  return Number(row.id ?? 0);
}

/**
 * What the pipeline still owes: per consumer group, the outbox messages after `afterId` (up to the
 * newest) of the topics it reads that it has not recorded as processed, plus every message not yet
 * relayed. Zero means every reader has caught up with everything written so far.
 */
export async function countUnprocessedOutbox(
  db: OutboxExecutor,
  readers: readonly OutboxReader[],
  afterId: number,
): Promise<{ total: number; maxId: number; byGroup: Record<string, number> }> {
  const maxId = await maxOutboxId(db);
  const pairs = sql.join(readers.flatMap((r) => r.topics.map((topic) => sql`(${r.group}, ${topic})`)));
  const rows = await sql<{ group_id: string; n: string }>`
    SELECT r.group_id, count(*) AS n
    FROM outbox o
    JOIN (VALUES ${pairs}) AS r(group_id, topic) ON r.topic = o.topic
    WHERE o.id > ${afterId} AND o.id <= ${maxId}
      AND NOT EXISTS (SELECT 1 FROM processed_messages p WHERE p.consumer_group = r.group_id AND p.message_id = o.event->>'id')
    GROUP BY r.group_id`.execute(db);
  const byGroup = Object.fromEntries(rows.rows.map((row) => [row.group_id, Number(row.n)]));
  const unpublished = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<string>().as('n')).where('published_at', 'is', null).executeTakeFirstOrThrow();
  const total = Object.values(byGroup).reduce((sum, n) => sum + n, 0) + Number(unpublished.n);
  return { total, maxId, byGroup };
}
