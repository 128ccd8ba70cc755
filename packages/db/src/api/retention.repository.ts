import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../database.js';

// Any constant unused by the other advisory locks (outbox relay, proof chains, budgets).
const RETENTION_LOCK = 7_265_778_276_450_883n;

/** One pruning round at a time per database (until the transaction ends): other instances skip theirs. */
export async function tryLockRetention(trx: Transaction<Database>): Promise<boolean> {
  const result = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${RETENTION_LOCK}) as locked`.execute(trx);
  return result.rows[0]?.locked === true;
}

/** The database's clock: ages of columns it stamps itself (`DEFAULT now()`) are measured on it. */
export async function databaseNow(db: Kysely<Database> | Transaction<Database>): Promise<Date> {
  const result = await sql<{ now: Date | string }>`select now() as now`.execute(db);
  return new Date(result.rows[0]!.now);
}

/**
 * Deletes up to `limit` rows of `table` stamped (`stampedAt`) before `before`, oldest first,
 * picked by their primary key `key`; returns how many went. Counted by RETURNING, which every
 * dialect reports (PGlite's affected-row count is not reported on every path).
 */
export async function deleteOldestRows(
  db: Kysely<Database> | Transaction<Database>,
  table: 'processed_messages' | 'webhook_receipts',
  key: readonly [string, string],
  stampedAt: string,
  before: Date,
  limit: number,
  only: RawBuilder<unknown> = sql`true`,
): Promise<number> {
  const keys = sql.join(key.map((column) => sql.ref(column)));
  const result = await sql`
    DELETE FROM ${sql.table(table)}
    WHERE (${keys}) IN (SELECT ${keys} FROM ${sql.table(table)} WHERE ${sql.ref(stampedAt)} < ${before} AND ${only} ORDER BY ${sql.ref(stampedAt)} LIMIT ${limit})
    RETURNING 1`.execute(db);
  return result.rows.length;
}
