import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database.js';
import { jsonRecords } from '../json-records.js';

export type TransitHistoryExecutor = Kysely<Database> | Transaction<Database>;

export interface Lane {
  carrier: string;
  originCountry: string;
  destinationCountry: string;
}

export interface LaneTransit extends Lane {
  /** Delivered shipments measured (pickup to delivery). */
  samples: number;
  p50Days: number;
  p90Days: number;
}

/**
 * Median and p90 transit days (first carrier scan to delivery) of the shipments of each lane
 * delivered since `since`, through shipments_lane_perf_idx. Lanes without deliveries are absent.
 */
export async function loadLaneTransit(db: TransitHistoryExecutor, lanes: readonly Lane[], since: Date): Promise<LaneTransit[]> {
  if (lanes.length === 0) return [];
  const records = lanes.map((lane) => ({ carrier: lane.carrier, origin_country: lane.originCountry, destination_country: lane.destinationCountry }));
  // LATERAL: one index range scan per lane on shipments_lane_perf_idx; the casts to char(2) keep
  // the comparison on the column's own type (a text comparison would bypass the index).
  const result = await sql<{ carrier: string; origin_country: string; destination_country: string; samples: number; p50_days: number; p90_days: number }>`
    SELECT v.carrier, v.origin_country, v.destination_country, t.samples, t.p50_days, t.p90_days
    FROM ${jsonRecords(records, sql`carrier text, origin_country text, destination_country text`)}
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS samples,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.delivered_at - s.picked_up_at) / 86400) AS p50_days,
        percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM s.delivered_at - s.picked_up_at) / 86400) AS p90_days
      FROM shipments s
      WHERE s.carrier = v.carrier AND s.origin_country = v.origin_country::char(2) AND s.destination_country = v.destination_country::char(2)
        AND s.delivered_at >= ${since} AND s.picked_up_at IS NOT NULL AND s.delivered_at > s.picked_up_at
    ) AS t
    WHERE t.samples > 0`.execute(db);
  return result.rows.map((row) => ({
    carrier: row.carrier,
    originCountry: row.origin_country,
    destinationCountry: row.destination_country,
    samples: Number(row.samples),
    p50Days: Number(row.p50_days),
    p90Days: Number(row.p90_days),
  }));
}
