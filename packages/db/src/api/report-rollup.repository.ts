import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../database.js';
import { refreshLaneRollups } from './lane-rollup.repository.js';

/*
 * The carrier/lane performance rollup (migration 2026-11-23T1700): one row per registration day
 * (UTC), merchant, carrier and lane with the report's counts and a transit-time histogram in
 * whole hours. Triggers append touched (merchant, day) pairs to carrier_performance_stale; the
 * job below re-aggregates those pairs from shipments. The report (report-analytics) sums the
 * rows of whole days and aggregates the partial days at a range's edges from shipments directly.
 */

/** Transit time of a shipment `s`, picked up -> delivered, rounded to whole hours; null when not measurable. */
export const TRANSIT_HOURS = sql<number | null>`CASE WHEN s.delivered_at >= s.picked_up_at THEN round(date_part('epoch', s.delivered_at - s.picked_up_at) / 3600)::int END`;

/** Shipments `s` registered on the (merchant, day) pairs `p` of `pairs` (a subquery with merchant_id and day). */
export const shipmentsOfPairs = (pairs: RawBuilder<unknown>) => sql`(${pairs}) p
  JOIN shipments s ON s.merchant_id = p.merchant_id AND s.created_at >= p.day::timestamp AT TIME ZONE 'UTC' AND s.created_at < (p.day + 1)::timestamp AT TIME ZONE 'UTC'`;

/**
 * One row per shipment `s` with the report's flags; `source` is a FROM item naming shipments `s`
 * and `where` selects them. An exception of any kind or state counts (exceptions open after
 * their shipment is registered).
 */
export function cohortRows(source: RawBuilder<unknown>, where: RawBuilder<unknown>, extra: RawBuilder<unknown> = sql``): RawBuilder<unknown> {
  return sql`
    SELECT s.merchant_id, s.carrier, s.origin_country, s.destination_country, ${extra}
      s.delivered_at IS NOT NULL AS delivered,
      s.delivered_at IS NOT NULL AND s.promised_delivery_date IS NOT NULL AS delivered_with_promise,
      coalesce(s.delivered_at < (s.promised_delivery_date + 1)::timestamp AT TIME ZONE s.buyer_timezone, false) AS delivered_on_time,
      f.shipment_id IS NOT NULL AS with_exception,
      coalesce(f.customs_hold, false) AS customs_hold,
      coalesce(f.lost, false) AS lost,
      ${TRANSIT_HOURS} AS transit_hours
    FROM ${source}
    LEFT JOIN LATERAL (
      SELECT e.shipment_id, bool_or(e.kind = 'customs_hold') AS customs_hold, bool_or(e.kind = 'lost') AS lost
      FROM exceptions e WHERE e.shipment_id = s.id GROUP BY e.shipment_id
    ) f ON true
    WHERE ${where}`;
}

// Any constant works; it only has to be the same for every rollup job of one database.
const ROLLUP_JOB_LOCK = 7_265_778_276_450_917n;

async function tryLockRollupJob(trx: Transaction<Database>): Promise<boolean> {
  const result = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${ROLLUP_JOB_LOCK}) AS locked`.execute(trx);
  return result.rows[0]?.locked === true;
}

export interface RollupRound {
  /** False when another job held the lock; nothing was done. */
  locked: boolean;
  /** Stale markers consumed. */
  markers: number;
  /** Distinct (merchant, day) pairs re-aggregated. */
  pairs: number;
}

/**
 * One round: claims up to `maxMarkers` stale markers, deletes their pairs' rollup rows and
 * aggregates those pairs again from shipments, all in one transaction (the markers come back if
 * it fails). A marker committed after this round's claim stays for the next round, and one
 * committed before it names a change this round's aggregate reads, so the rollup never misses a
 * committed change. Idempotent: running it again on the same data writes the same rows. One job
 * at a time (advisory lock); writers only append markers, so they never wait on it.
 */
export async function refreshCarrierPerformanceRollup(db: Kysely<Database>, options: { maxMarkers?: number } = {}): Promise<RollupRound> {
  const maxMarkers = options.maxMarkers ?? 5_000;
  return db.transaction().execute(async (trx) => {
    if (!(await tryLockRollupJob(trx))) return { locked: false, markers: 0, pairs: 0 };
    const claimed = await sql<{ merchant_id: string; day: string }>`
      DELETE FROM carrier_performance_stale
      WHERE id IN (SELECT id FROM carrier_performance_stale ORDER BY id LIMIT ${maxMarkers})
      RETURNING merchant_id::text AS merchant_id, day::text AS day`.execute(trx);
    const pairs = new Map(claimed.rows.map((row) => [`${row.merchant_id}|${row.day}`, row]));
    if (pairs.size === 0) return { locked: true, markers: 0, pairs: 0 };
    const days = [...pairs.values()].map((p) => p.day);
    const merchants = [...pairs.values()].map((p) => p.merchant_id);
    await sql`SET LOCAL jit = off`.execute(trx);
    await sql`
      DELETE FROM carrier_performance_daily d
      USING unnest(${days}::date[], ${merchants}::uuid[]) AS p(day, merchant_id)
      WHERE d.day = p.day AND d.merchant_id = p.merchant_id`.execute(trx);
    const source = shipmentsOfPairs(sql`SELECT * FROM unnest(${days}::date[], ${merchants}::uuid[]) AS u(day, merchant_id)`);
    await sql`
      WITH cohort AS (${cohortRows(source, sql`true`, sql`p.day,`)}),
      per_hour AS (
        SELECT day, merchant_id, carrier, origin_country, destination_country, transit_hours,
          count(*)::int AS shipments,
          count(*) FILTER (WHERE delivered)::int AS delivered,
          count(*) FILTER (WHERE delivered_with_promise)::int AS delivered_with_promise,
          count(*) FILTER (WHERE delivered_on_time)::int AS delivered_on_time,
          count(*) FILTER (WHERE with_exception)::int AS with_exception,
          count(*) FILTER (WHERE customs_hold)::int AS customs_holds,
          count(*) FILTER (WHERE lost)::int AS lost
        FROM cohort
        GROUP BY 1, 2, 3, 4, 5, 6
      )
      INSERT INTO carrier_performance_daily (day, merchant_id, carrier, origin_country, destination_country, shipments, delivered,
        delivered_with_promise, delivered_on_time, transit_measured, with_exception, customs_holds, lost, transit_hours, transit_counts)
      SELECT day, merchant_id, carrier, origin_country, destination_country, sum(shipments), sum(delivered),
        sum(delivered_with_promise), sum(delivered_on_time), coalesce(sum(shipments) FILTER (WHERE transit_hours IS NOT NULL), 0),
        sum(with_exception), sum(customs_holds), sum(lost),
        coalesce(array_agg(transit_hours ORDER BY transit_hours) FILTER (WHERE transit_hours IS NOT NULL), '{}'),
        coalesce(array_agg(shipments ORDER BY transit_hours) FILTER (WHERE transit_hours IS NOT NULL), '{}')
      FROM per_hour
      GROUP BY 1, 2, 3, 4, 5`.execute(trx);
    await refreshLaneRollups(trx, [...new Set(days)]);
    return { locked: true, markers: claimed.rows.length, pairs: pairs.size };
  });
}

/** Rounds until no marker is left (or another job holds the lock); the totals. */
export async function drainCarrierPerformanceRollup(db: Kysely<Database>, options: { maxMarkers?: number } = {}): Promise<RollupRound> {
  const total: RollupRound = { locked: true, markers: 0, pairs: 0 };
  for (;;) {
    const round = await refreshCarrierPerformanceRollup(db, options);
    total.markers += round.markers;
    total.pairs += round.pairs;
    if (!round.locked) return { ...total, locked: total.markers > 0 };
    if (round.markers === 0) return total;
  }
}

/** Markers waiting: the job's backlog, for metrics and health. */
export async function countStaleCarrierPerformance(db: Kysely<Database>): Promise<number> {
  const result = await sql<{ n: string }>`SELECT count(*) AS n FROM carrier_performance_stale`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}
