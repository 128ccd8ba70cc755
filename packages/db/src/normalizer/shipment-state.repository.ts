import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, EstimatedDeliverySource, MilestoneColumn } from '../database.js';
import { jsonRecords } from '../json-records.js';

export type ShipmentStateExecutor = Kysely<Database> | Transaction<Database>;

/** The first-occurrence timestamps the normalizer keeps on a shipment. */
export const MILESTONE_TIMESTAMP_COLUMNS = [
  'info_received_at',
  'picked_up_at',
  'departed_origin_at',
  'arrived_destination_at',
  'customs_cleared_at',
  'out_for_delivery_at',
  'first_attempt_at',
  'available_for_pickup_at',
  'delivered_at',
  'exception_at',
  'returned_at',
] as const;
export type MilestoneTimestampColumn = (typeof MILESTONE_TIMESTAMP_COLUMNS)[number];

/** The estimated delivery and its late bound, ISO-8601 UTC, and where it comes from. */
export interface ShipmentDeliveryEstimate {
  at: string;
  latestAt: string | null;
  source: EstimatedDeliverySource;
}

/** A shipment's tracking state; instants are ISO-8601 UTC strings (or null). */
export interface ShipmentTrackingState {
  id: string;
  merchantId: string;
  carrier: string;
  status: MilestoneColumn;
  statusReason: string | null;
  statusAt: string | null;
  lastCheckpointAt: string | null;
  milestones: Record<MilestoneTimestampColumn, string | null>;
  failedAttempts: number;
  /** Read only: the lane and the buyer's zone, which place a learned or carrier estimate. */
  originCountry: string | null;
  destinationCountry: string | null;
  buyerTimezone: string;
  estimatedDelivery: ShipmentDeliveryEstimate | null;
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

/**
 * Reads and locks (FOR NO KEY UPDATE: inserts referencing the shipment are not blocked; in id
 * order so two transactions never lock in opposite orders)
 * the tracking state of `ids`, in one query. Unknown ids are absent from the result.
 */
export async function lockShipmentStates(trx: Transaction<Database>, ids: readonly string[]): Promise<Map<string, ShipmentTrackingState>> {
  if (ids.length === 0) return new Map();
  const rows = await trx
    .selectFrom('shipments')
    .select(['id', 'merchant_id', 'carrier', 'status', 'status_reason', 'status_at', 'last_checkpoint_at', 'failed_attempts'])
    .select(['origin_country', 'destination_country', 'buyer_timezone', 'estimated_delivery_at', 'estimated_delivery_latest_at', 'estimated_delivery_source'])
    .select([...MILESTONE_TIMESTAMP_COLUMNS])
    .where('id', 'in', [...new Set(ids)])
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        merchantId: row.merchant_id,
        carrier: row.carrier,
        status: row.status,
        statusReason: row.status_reason,
        statusAt: iso(row.status_at),
        lastCheckpointAt: iso(row.last_checkpoint_at),
        milestones: Object.fromEntries(MILESTONE_TIMESTAMP_COLUMNS.map((column) => [column, iso(row[column])])) as Record<
          MilestoneTimestampColumn,
          string | null
        >,
        failedAttempts: row.failed_attempts,
        originCountry: row.origin_country,
        destinationCountry: row.destination_country,
        buyerTimezone: row.buyer_timezone,
        estimatedDelivery:
          row.estimated_delivery_at === null || row.estimated_delivery_source === null
            ? null
            : { at: row.estimated_delivery_at.toISOString(), latestAt: iso(row.estimated_delivery_latest_at), source: row.estimated_delivery_source },
      },
    ]),
  );
}

const STATE_RECORD = sql.raw(
  ['id uuid, status text, status_reason text, status_at timestamptz, last_checkpoint_at timestamptz, failed_attempts integer',
    'estimated_delivery_at timestamptz, estimated_delivery_latest_at timestamptz, estimated_delivery_source text',
    ...MILESTONE_TIMESTAMP_COLUMNS.map((column) => `${column} timestamptz`)].join(', '),
);
const MILESTONE_ASSIGNMENTS = sql.raw(MILESTONE_TIMESTAMP_COLUMNS.map((column) => `${column} = v.${column}`).join(', '));

/** Writes the tracking state of many shipments in one statement (UPDATE ... FROM jsonb_to_recordset). */
export async function updateShipmentStates(db: ShipmentStateExecutor, states: readonly ShipmentTrackingState[]): Promise<number> {
  if (states.length === 0) return 0;
  const records = states.map((s) => ({
    id: s.id,
    status: s.status,
    status_reason: s.statusReason,
    status_at: s.statusAt,
    last_checkpoint_at: s.lastCheckpointAt,
    failed_attempts: s.failedAttempts,
    estimated_delivery_at: s.estimatedDelivery?.at ?? null,
    estimated_delivery_latest_at: s.estimatedDelivery?.latestAt ?? null,
    estimated_delivery_source: s.estimatedDelivery?.source ?? null,
    ...s.milestones,
  }));
  const result = await sql`
    UPDATE shipments AS s SET
      status = v.status, status_reason = v.status_reason, status_at = v.status_at,
      last_checkpoint_at = v.last_checkpoint_at, failed_attempts = v.failed_attempts,
      estimated_delivery_at = v.estimated_delivery_at, estimated_delivery_latest_at = v.estimated_delivery_latest_at,
      estimated_delivery_source = v.estimated_delivery_source,
      ${MILESTONE_ASSIGNMENTS}, updated_at = now()
    FROM ${jsonRecords(records, STATE_RECORD)}
    WHERE s.id = v.id`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
