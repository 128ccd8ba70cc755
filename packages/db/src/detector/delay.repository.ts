import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database.js';
import { jsonRecords } from '../json-records.js';

export type DelayExecutor = Kysely<Database> | Transaction<Database>;
export type DelayAgainstColumn = 'promised' | 'estimated';

/** The largest days late recorded per shipment and reference (absent: none yet). */
export async function loadRecordedDelays(
  db: DelayExecutor,
  shipmentIds: readonly string[],
): Promise<Map<string, Record<DelayAgainstColumn, number>>> {
  const byShipment = new Map<string, Record<DelayAgainstColumn, number>>();
  if (shipmentIds.length === 0) return byShipment;
  const rows = await db
    .selectFrom('delays')
    .select(['shipment_id', 'against', (eb) => eb.fn.max('days_late').as('days_late')])
    .where('shipment_id', 'in', [...new Set(shipmentIds)])
    .groupBy(['shipment_id', 'against'])
    .execute();
  for (const row of rows) {
    const recorded = byShipment.get(row.shipment_id) ?? { promised: 0, estimated: 0 };
    recorded[row.against] = Number(row.days_late);
    byShipment.set(row.shipment_id, recorded);
  }
  return byShipment;
}

export interface NewDelayRow {
  id: string;
  shipmentId: string;
  merchantId: string;
  against: DelayAgainstColumn;
  referenceAt: string;
  daysLate: number;
  /** 0 below tier 1. */
  tier: number;
  computedAt: string;
}

/**
 * Records delay observations in one statement. Idempotent on (shipment, against, days late)
 * (delays_observation_key): returns only the rows that were new, as "shipment|against|days".
 */
export async function recordDelays(db: DelayExecutor, rows: readonly NewDelayRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const records = rows.map((r) => ({
    id: r.id, shipment_id: r.shipmentId, merchant_id: r.merchantId, against: r.against, reference_at: r.referenceAt,
    days_late: r.daysLate, tier: r.tier, computed_at: r.computedAt,
  }));
  const result = await sql<{ shipment_id: string; against: string; days_late: number }>`
    INSERT INTO delays (id, shipment_id, merchant_id, against, reference_at, days_late, tier, computed_at)
    SELECT v.id, v.shipment_id, v.merchant_id, v.against, v.reference_at, v.days_late, v.tier, v.computed_at
    FROM ${jsonRecords(records, sql`id uuid, shipment_id uuid, merchant_id uuid, against text, reference_at timestamptz,
      days_late integer, tier smallint, computed_at timestamptz`)}
    ON CONFLICT ON CONSTRAINT delays_observation_key DO NOTHING
    RETURNING shipment_id, against, days_late`.execute(db);
  return new Set(result.rows.map((row) => delayKey(row.shipment_id, row.against, Number(row.days_late))));
}

export const delayKey = (shipmentId: string, against: string, daysLate: number): string => `${shipmentId}|${against}|${daysLate}`;
