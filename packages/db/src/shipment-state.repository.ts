import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, MilestoneColumn } from './database.js';

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
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

/**
 * Reads and locks (FOR UPDATE, in id order so two transactions never lock in opposite orders)
 * the tracking state of `ids`, in one query. Unknown ids are absent from the result.
 */
export async function lockShipmentStates(trx: Transaction<Database>, ids: readonly string[]): Promise<Map<string, ShipmentTrackingState>> {
  if (ids.length === 0) return new Map();
  const rows = await trx
    .selectFrom('shipments')
    .select(['id', 'merchant_id', 'carrier', 'status', 'status_reason', 'status_at', 'last_checkpoint_at', 'failed_attempts'])
    .select([...MILESTONE_TIMESTAMP_COLUMNS])
    .where('id', 'in', [...new Set(ids)])
    .orderBy('id')
    .forUpdate()
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
      },
    ]),
  );
}

/** Writes the tracking state of many shipments in one statement (UPDATE ... FROM unnest). */
export async function updateShipmentStates(db: ShipmentStateExecutor, states: readonly ShipmentTrackingState[]): Promise<number> {
  if (states.length === 0) return 0;
  const col = <T>(pick: (state: ShipmentTrackingState) => T): T[] => states.map(pick);
  const at = (column: MilestoneTimestampColumn) => sql`${col((s) => s.milestones[column])}::timestamptz[]`;
  const result = await sql`
    UPDATE shipments AS s SET
      status = v.status, status_reason = v.status_reason, status_at = v.status_at,
      last_checkpoint_at = v.last_checkpoint_at, failed_attempts = v.failed_attempts,
      info_received_at = v.info_received_at, picked_up_at = v.picked_up_at, departed_origin_at = v.departed_origin_at,
      arrived_destination_at = v.arrived_destination_at, customs_cleared_at = v.customs_cleared_at,
      out_for_delivery_at = v.out_for_delivery_at, first_attempt_at = v.first_attempt_at,
      available_for_pickup_at = v.available_for_pickup_at, delivered_at = v.delivered_at,
      exception_at = v.exception_at, returned_at = v.returned_at, updated_at = now()
    FROM unnest(
      ${col((s) => s.id)}::uuid[], ${col((s) => s.status)}::text[], ${col((s) => s.statusReason)}::text[],
      ${col((s) => s.statusAt)}::timestamptz[], ${col((s) => s.lastCheckpointAt)}::timestamptz[],
      ${col((s) => s.failedAttempts)}::integer[],
      ${at('info_received_at')}, ${at('picked_up_at')}, ${at('departed_origin_at')}, ${at('arrived_destination_at')},
      ${at('customs_cleared_at')}, ${at('out_for_delivery_at')}, ${at('first_attempt_at')},
      ${at('available_for_pickup_at')}, ${at('delivered_at')}, ${at('exception_at')}, ${at('returned_at')}
    ) AS v(id, status, status_reason, status_at, last_checkpoint_at, failed_attempts,
           info_received_at, picked_up_at, departed_origin_at, arrived_destination_at, customs_cleared_at,
           out_for_delivery_at, first_attempt_at, available_for_pickup_at, delivered_at, exception_at, returned_at)
    WHERE s.id = v.id`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
