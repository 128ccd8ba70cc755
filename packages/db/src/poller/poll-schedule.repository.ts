import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, MilestoneColumn } from '../database.js';
import { jsonRecords } from '../json-records.js';

/**
 * The poller's schedule on the shipments table: which shipments are due to be registered with
 * their provider or polled, and when they are due next. A claim moves `next_poll_at` forward
 * by a lease in the claiming statement itself, so the rows stay free for other pollers
 * (SKIP LOCKED) and a crashed poller's claim falls due again once the lease runs out.
 */
export type PollScheduleExecutor = Kysely<Database> | Transaction<Database>;

/** What the poller needs of a shipment to call its provider and plan the next poll. */
export interface PollableShipment {
  id: string;
  merchantId: string;
  orderId: string;
  trackingNumber: string;
  carrier: string;
  provider: string;
  status: MilestoneColumn;
  statusReason: string | null;
  statusAt: Date | null;
  lastCheckpointAt: Date | null;
  deliveredAt: Date | null;
  returnedAt: Date | null;
  createdAt: Date;
  pollAttempts: number;
  /** The lease this claim set: a later write only lands while the row still carries it. */
  leaseUntil: Date;
}

export interface ClaimOptions {
  now: Date;
  leaseUntil: Date;
  limit: number;
}

interface ClaimedRow {
  id: string;
  merchant_id: string;
  order_id: string;
  tracking_number: string;
  carrier: string;
  provider: string;
  status: MilestoneColumn;
  status_reason: string | null;
  status_at: Date | string | null;
  last_checkpoint_at: Date | string | null;
  delivered_at: Date | string | null;
  returned_at: Date | string | null;
  created_at: Date | string;
  poll_attempts: number;
  next_poll_at: Date | string;
}

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));
const toDateOrNull = (value: Date | string | null): Date | null => (value === null ? null : toDate(value));

function toShipment(row: ClaimedRow): PollableShipment {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    orderId: row.order_id,
    trackingNumber: row.tracking_number,
    carrier: row.carrier,
    provider: row.provider,
    status: row.status,
    statusReason: row.status_reason,
    statusAt: toDateOrNull(row.status_at),
    lastCheckpointAt: toDateOrNull(row.last_checkpoint_at),
    deliveredAt: toDateOrNull(row.delivered_at),
    returnedAt: toDateOrNull(row.returned_at),
    createdAt: toDate(row.created_at),
    pollAttempts: Number(row.poll_attempts),
    leaseUntil: toDate(row.next_poll_at),
  };
}

const RETURNING = sql`s.id, s.merchant_id, s.order_id, s.tracking_number, s.carrier, s.provider, s.status, s.status_reason,
  s.status_at, s.last_checkpoint_at, s.delivered_at, s.returned_at, s.created_at, s.poll_attempts, s.next_poll_at`;

/**
 * Shipments their provider does not know yet, oldest first. A null `next_poll_at` counts as
 * due: the ingest path may insert shipments without a schedule.
 */
export async function claimUnregisteredShipments(db: PollScheduleExecutor, options: ClaimOptions): Promise<PollableShipment[]> {
  const result = await sql<ClaimedRow>`
    WITH due AS (
      SELECT id FROM shipments
      WHERE active AND provider_registered_at IS NULL AND (next_poll_at IS NULL OR next_poll_at <= ${options.now})
      ORDER BY created_at, id
      LIMIT ${options.limit}
      FOR NO KEY UPDATE SKIP LOCKED
    )
    UPDATE shipments s SET next_poll_at = ${options.leaseUntil}
    FROM due WHERE s.id = due.id
    RETURNING ${RETURNING}`.execute(db);
  return result.rows.map(toShipment);
}

/** Registered shipments whose poll is due, most overdue first (uses shipments_due_poll_idx). */
export async function claimDueShipments(db: PollScheduleExecutor, options: ClaimOptions): Promise<PollableShipment[]> {
  const result = await sql<ClaimedRow>`
    WITH due AS (
      SELECT id FROM shipments
      WHERE active AND next_poll_at IS NOT NULL AND next_poll_at <= ${options.now} AND provider_registered_at IS NOT NULL
      ORDER BY next_poll_at, id
      LIMIT ${options.limit}
      FOR NO KEY UPDATE SKIP LOCKED
    )
    UPDATE shipments s SET next_poll_at = ${options.leaseUntil}
    FROM due WHERE s.id = due.id
    RETURNING ${RETURNING}`.execute(db);
  return result.rows.map(toShipment);
}

/** The schedule to write for one claimed shipment after its round. */
export interface PollScheduleUpdate {
  id: string;
  /** The lease its claim set; the update is skipped when another poller has claimed it since. */
  leaseUntil: Date;
  /** Null with `active: false` stops polling. */
  nextPollAt: Date | null;
  active: boolean;
  pollAttempts: number;
  /** Set when the provider answered for it. */
  polledAt: Date | null;
  /** Set when the provider now knows the number. */
  registeredAt: Date | null;
  /** Why it could not be polled (`no carrier account for <provider>`); null clears an earlier one. */
  problem: string | null;
}

/**
 * Writes every schedule in one set-based statement and returns the ids it wrote: the caller
 * publishes events only for those, so a poller whose lease ran out (and whose shipments
 * another poller took over) neither overwrites the newer schedule nor publishes twice.
 */
export async function applyPollSchedules(trx: PollScheduleExecutor, updates: readonly PollScheduleUpdate[]): Promise<string[]> {
  if (updates.length === 0) return [];
  const rows = updates.map((u) => ({
    id: u.id,
    lease_until: u.leaseUntil.toISOString(),
    next_poll_at: u.nextPollAt?.toISOString() ?? null,
    active: u.active,
    poll_attempts: u.pollAttempts,
    polled_at: u.polledAt?.toISOString() ?? null,
    registered_at: u.registeredAt?.toISOString() ?? null,
    problem: u.problem,
  }));
  const result = await sql<{ id: string }>`
    UPDATE shipments s SET
      next_poll_at = v.next_poll_at,
      active = v.active,
      poll_attempts = v.poll_attempts,
      last_polled_at = coalesce(v.polled_at, s.last_polled_at),
      provider_registered_at = coalesce(s.provider_registered_at, v.registered_at),
      poll_problem = v.problem,
      updated_at = now()
    FROM ${jsonRecords(rows, sql`id uuid, lease_until timestamptz, next_poll_at timestamptz, active boolean,
      poll_attempts integer, polled_at timestamptz, registered_at timestamptz, problem text`)}
    WHERE s.id = v.id AND s.next_poll_at = v.lease_until
    RETURNING s.id`.execute(trx);
  const written = result.rows.map((row) => row.id);
  // A shipment no longer tracked leaves the detector's schedule too (after its row was updated:
  // every writer that waits locks the shipment before its schedule row, so none waits on the other in reverse).
  const writtenIds = new Set(written);
  const stopped = updates.filter((u) => !u.active && writtenIds.has(u.id)).map((u) => u.id);
  if (stopped.length > 0) await sql`DELETE FROM detection_schedule WHERE shipment_id = ANY(${stopped}::uuid[])`.execute(trx);
  return written;
}
