import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, MilestoneColumn } from '../database.js';
import { jsonRecords } from '../json-records.js';

/**
 * The detector's schedule on the shipments table: `next_check_at` is the earliest instant one
 * of a shipment's time rules can change its verdict. The sweep claims due rows with
 * FOR NO KEY UPDATE SKIP LOCKED through shipments_due_check_idx (active AND next_check_at IS NOT NULL),
 * so it reads only the due rows and concurrent detectors never take the same one; the lock
 * is held until the batch's transaction commits with the new deadlines.
 */
export type DetectionExecutor = Kysely<Database> | Transaction<Database>;

/** What the rules read of a shipment. */
export interface DetectionShipment {
  id: string;
  merchantId: string;
  carrier: string;
  originCountry: string | null;
  destinationCountry: string | null;
  status: MilestoneColumn;
  statusReason: string | null;
  statusAt: Date | null;
  lastCheckpointAt: Date | null;
  createdAt: Date;
  infoReceivedAt: Date | null;
  pickedUpAt: Date | null;
  customsClearedAt: Date | null;
  outForDeliveryAt: Date | null;
  availableForPickupAt: Date | null;
  deliveredAt: Date | null;
  returnedAt: Date | null;
  failedAttempts: number;
  /** 'YYYY-MM-DD' in the buyer's zone. */
  promisedDeliveryDate: string | null;
  buyerTimezone: string;
  active: boolean;
}

interface DetectionRow {
  id: string;
  merchant_id: string;
  carrier: string;
  origin_country: string | null;
  destination_country: string | null;
  status: MilestoneColumn;
  status_reason: string | null;
  status_at: Date | null;
  last_checkpoint_at: Date | null;
  created_at: Date;
  info_received_at: Date | null;
  picked_up_at: Date | null;
  customs_cleared_at: Date | null;
  out_for_delivery_at: Date | null;
  available_for_pickup_at: Date | null;
  delivered_at: Date | null;
  returned_at: Date | null;
  failed_attempts: number;
  promised_delivery_date: string | null;
  buyer_timezone: string;
  active: boolean;
}

const COLUMNS = sql.raw(`id, merchant_id, carrier, origin_country, destination_country, status, status_reason, status_at,
  last_checkpoint_at, created_at, info_received_at, picked_up_at, customs_cleared_at, out_for_delivery_at,
  available_for_pickup_at, delivered_at, returned_at, failed_attempts, promised_delivery_date, buyer_timezone, active`);

function toShipment(row: DetectionRow): DetectionShipment {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    carrier: row.carrier,
    originCountry: row.origin_country,
    destinationCountry: row.destination_country,
    status: row.status,
    statusReason: row.status_reason,
    statusAt: row.status_at,
    lastCheckpointAt: row.last_checkpoint_at,
    createdAt: row.created_at,
    infoReceivedAt: row.info_received_at,
    pickedUpAt: row.picked_up_at,
    customsClearedAt: row.customs_cleared_at,
    outForDeliveryAt: row.out_for_delivery_at,
    availableForPickupAt: row.available_for_pickup_at,
    deliveredAt: row.delivered_at,
    returnedAt: row.returned_at,
    failedAttempts: Number(row.failed_attempts),
    promisedDeliveryDate: row.promised_delivery_date,
    buyerTimezone: row.buyer_timezone,
    active: row.active,
  };
}

/**
 * Claims up to `limit` active shipments whose check is due, most overdue first, locking them
 * until the transaction ends; rows another detector holds are skipped, not waited for.
 * NO KEY UPDATE, not UPDATE: an insert elsewhere that references the shipment (a checkpoint, a
 * notification, a proof) takes KEY SHARE on it, which FOR UPDATE would conflict with, so
 * SKIP LOCKED would pass over a due shipment for a whole sweep because of an unrelated insert.
 */
export async function claimDueDetections(trx: Transaction<Database>, options: { now: Date; limit: number }): Promise<DetectionShipment[]> {
  const result = await sql<DetectionRow>`
    SELECT ${COLUMNS} FROM shipments
    WHERE active AND next_check_at IS NOT NULL AND next_check_at <= ${options.now}
    ORDER BY next_check_at
    LIMIT ${options.limit}
    FOR NO KEY UPDATE SKIP LOCKED`.execute(trx);
  return result.rows.map(toShipment);
}

/**
 * Reads and locks the given shipments (in id order, so two transactions never lock in opposite
 * orders) for an event-driven evaluation; waits for a sweep holding one of them. Unknown ids are absent.
 */
export async function lockDetectionShipments(trx: Transaction<Database>, ids: readonly string[]): Promise<DetectionShipment[]> {
  if (ids.length === 0) return [];
  const result = await sql<DetectionRow>`
    SELECT ${COLUMNS} FROM shipments
    WHERE id IN (${sql.join([...new Set(ids)])})
    ORDER BY id
    FOR NO KEY UPDATE`.execute(trx);
  return result.rows.map(toShipment);
}

/** Writes every evaluated shipment's next deadline in one statement; null takes it off the schedule. */
export async function setNextCheckAt(db: DetectionExecutor, checks: ReadonlyArray<{ id: string; nextCheckAt: Date | null }>): Promise<number> {
  if (checks.length === 0) return 0;
  const records = checks.map((check) => ({ id: check.id, next_check_at: check.nextCheckAt?.toISOString() ?? null }));
  const result = await sql`
    UPDATE shipments AS s SET next_check_at = v.next_check_at
    FROM ${jsonRecords(records, sql`id uuid, next_check_at timestamptz`)}
    WHERE s.id = v.id`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
