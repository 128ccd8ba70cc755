import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database.js';

/*
 * Upkeep of the monthly checkpoint partitions (checkpoints is PARTITION BY RANGE (occurred_at);
 * see migrations 2026-11-23T0801 and T0940). The SQL functions do the work; these wrappers give
 * them typed arguments. Months are UTC calendar months, named checkpoints_yYYYYmMM.
 *
 * Run `ensureCheckpointPartitions(db, { from: now, months: 3 })` at start-up and daily: a month
 * without its partition still works (rows land in checkpoints_default) but loses the point of
 * partitioning; the function moves such rows into the month when it finally creates it.
 */

type Executor = Kysely<Database> | Transaction<Database>;

export interface CheckpointPartition {
  name: string;
  /** Inclusive lower bound; null for the default partition. */
  from: Date | null;
  /** Exclusive upper bound; null for the default partition. */
  to: Date | null;
}

/** 'YYYY-MM-01' of the instant's UTC month. */
function utcMonthStart(at: Date): string {
  return `${at.getUTCFullYear().toString().padStart(4, '0')}-${String(at.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

/** Creates the month partitions from `from`'s UTC month on, `months` of them; returns how many were new. Idempotent. */
export async function ensureCheckpointPartitions(db: Executor, window: { from: Date; months: number }): Promise<number> {
  if (!Number.isInteger(window.months) || window.months < 0) throw new RangeError(`months must be a whole number >= 0, got ${window.months}`);
  const { rows } = await sql<{ created: number }>`
    SELECT ensure_checkpoint_partitions(${utcMonthStart(window.from)}::date, ${window.months}::integer) AS created`.execute(db);
  return rows[0]?.created ?? 0;
}

/**
 * Detaches every month partition that ends on or before `cutoff`'s UTC month start and returns
 * their names. A detached month is a standalone table (still readable, still cascading from
 * shipments): archive it (pg_dump) and DROP it. Rows in checkpoints_default are not touched.
 *
 * Plain DETACH takes an ACCESS EXCLUSIVE lock on checkpoints for a moment; CONCURRENTLY is not
 * an option while a default partition exists, nor inside a function.
 */
export async function detachCheckpointPartitionsBefore(db: Executor, cutoff: Date): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT detach_checkpoint_partitions_before(${utcMonthStart(cutoff)}::date) AS name`.execute(db);
  return rows.map((r) => r.name);
}

/** The partitions attached to checkpoints, oldest month first, the default partition last. */
export async function listCheckpointPartitions(db: Executor): Promise<CheckpointPartition[]> {
  // The bound reads "FOR VALUES FROM ('2026-11-01 00:00:00+00') TO (...)" (in the session's
  // TimeZone) or "DEFAULT"; PostgreSQL parses the literals back, whatever their offset format.
  const { rows } = await sql<CheckpointPartition>`
    SELECT name, (regexp_match(bound, 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz AS "from",
           (regexp_match(bound, 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS "to"
      FROM (SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
              FROM pg_inherits i
              JOIN pg_class c ON c.oid = i.inhrelid
              JOIN pg_class p ON p.oid = i.inhparent
              JOIN pg_namespace n ON n.oid = p.relnamespace
             WHERE p.relname = 'checkpoints' AND n.nspname = current_schema()) parts
     ORDER BY "from" NULLS LAST, name`.execute(db);
  return rows;
}
