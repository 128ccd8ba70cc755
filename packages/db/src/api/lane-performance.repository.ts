import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../database.js';
import { COUNT_COLUMNS, type LaneCounts } from './lane-rollup.repository.js';
import type { PerformanceQuery, PerformanceRow } from './report-analytics.repository.js';

/*
 * Carrier performance for all merchants from the merchant-free tables (migration 2026-12-08T0200).
 * Per lane, the whole days of the range are the cumulative row of its last day minus that of the
 * day before it; the corrections (partial edge days and still-stale pairs from shipments, minus
 * the stale pairs' daily rows, which the cumulative rows still hold) come from one small
 * statement. The day histogram locates the whole transit day holding each percentile's rank;
 * only that bucket's running hour totals are read, the same way: a request reads ~2 rows per lane
 * and ~4 per lane and percentile bucket instead of one histogram entry per delivered shipment.
 */

export interface LaneSources {
  /** Whole UTC days [from, to) as ISO dates, or null when the range holds none. */
  days: { from: string; to: string } | null;
  /** A CTE body of cohort rows (cohortRows) with a `sign`: edge pieces and stale pairs added (1), edge pieces taken away (-1). */
  added: RawBuilder<unknown>;
  /** A CTE body of carrier_performance_daily rows to take away (stale pairs inside the days), or null. */
  removed: RawBuilder<unknown> | null;
}

type Lane = { carrier: string; origin_country: string; destination_country: string };
interface Group {
  row: Omit<PerformanceRow, 'median_transit_days' | 'p90_transit_days'>;
  lanes: Lane[];
  /** Deliveries per whole transit day. */
  buckets: number[];
  /** Hour entries of the corrections, by hour. */
  extra: Map<number, number>;
}

const PERCENTILES = [0.5, 0.9] as const;

/** The newest running totals before `day` of the lane and bucket of probe `w`. */
const bucketTotals = (w: RawBuilder<unknown>, day: string) => sql`
  SELECT t.transit_hours, t.transit_counts FROM carrier_performance_transit t
  WHERE t.carrier = ${w}.carrier AND t.origin_country = ${w}.origin_country AND t.destination_country = ${w}.destination_country
    AND t.transit_day = ${w}.bucket AND t.day < ${day}::date
  ORDER BY t.day DESC LIMIT 1`;

export async function performanceOfAllMerchants(trx: Kysely<Database>, q: PerformanceQuery, sources: LaneSources): Promise<PerformanceRow[]> {
  const byLane = q.groupBy === 'lane';
  const groups = new Map<string, Group>();
  const groupOf = (l: Lane): Group => {
    const origin = byLane && l.origin_country !== '' ? l.origin_country : null;
    const destination = byLane && l.destination_country !== '' ? l.destination_country : null;
    const key = `${l.carrier}|${byLane ? `${l.origin_country}|${l.destination_country}` : ''}`;
    let group = groups.get(key);
    if (group === undefined) {
      const zero = Object.fromEntries(COUNT_COLUMNS.map((c) => [c, 0])) as LaneCounts;
      group = { row: { carrier: l.carrier, origin_country: origin, destination_country: destination, ...zero }, lanes: [], buckets: [], extra: new Map() };
      groups.set(key, group);
    }
    if (!group.lanes.some((x) => x.origin_country === l.origin_country && x.destination_country === l.destination_country)) group.lanes.push(l);
    return group;
  };
  const addBucket = (group: Group, bucket: number, n: number) => {
    while (group.buckets.length <= bucket) group.buckets.push(0);
    group.buckets[bucket] = (group.buckets[bucket] ?? 0) + n;
  };

  const filters: RawBuilder<unknown>[] = [];
  if (q.carrier !== undefined) filters.push(sql`c.carrier = ${q.carrier}`);
  if (q.originCountry !== undefined) filters.push(sql`c.origin_country = ${q.originCountry}`);
  if (q.destinationCountry !== undefined) filters.push(sql`c.destination_country = ${q.destinationCountry}`);
  if (sources.days !== null) {
    type Cumulative = Lane & Record<string, string | string[] | null>;
    const cumulative = await sql<Cumulative>`
      WITH lanes AS (
        SELECT c.carrier, c.origin_country, c.destination_country FROM carrier_performance_cumulative c
        WHERE c.day = (SELECT max(day) FROM carrier_performance_cumulative) ${filters.length === 0 ? sql`` : sql`AND ${sql.join(filters, sql` AND `)}`}
      )
      SELECT l.carrier, l.origin_country, l.destination_country,
        ${sql.join(COUNT_COLUMNS.map((c) => sql`hi.${sql.ref(c)} AS ${sql.ref(`hi_${c}`)}, lo.${sql.ref(c)} AS ${sql.ref(`lo_${c}`)}`))},
        hi.transit_days AS hi_transit_days, lo.transit_days AS lo_transit_days
      FROM lanes l
      JOIN LATERAL (
        SELECT * FROM carrier_performance_cumulative c
        WHERE (c.carrier, c.origin_country, c.destination_country) = (l.carrier, l.origin_country, l.destination_country) AND c.day < ${sources.days.to}::date
        ORDER BY c.day DESC LIMIT 1
      ) hi ON true
      LEFT JOIN LATERAL (
        SELECT * FROM carrier_performance_cumulative c
        WHERE (c.carrier, c.origin_country, c.destination_country) = (l.carrier, l.origin_country, l.destination_country) AND c.day < ${sources.days.from}::date
        ORDER BY c.day DESC LIMIT 1
      ) lo ON true`.execute(trx);
    for (const r of cumulative.rows) {
      const shipments = Number(r['hi_shipments']) - Number(r['lo_shipments'] ?? 0);
      if (shipments === 0) continue;
      const group = groupOf(r);
      for (const c of COUNT_COLUMNS) group.row[c] += Number(r[`hi_${c}`]) - Number(r[`lo_${c}`] ?? 0);
      const lo = (r['lo_transit_days'] as string[] | null) ?? [];
      (r['hi_transit_days'] as string[]).forEach((n, bucket) => addBucket(group, bucket, Number(n) - Number(lo[bucket] ?? 0)));
    }
  }

  // Corrections, signed, per lane and transit hour (null: not delivered or not measurable).
  const corrections = await sql<Lane & LaneCounts & { hours: number | null }>`
    WITH added AS (${sources.added})
    SELECT carrier, origin_country, destination_country, hours, ${sql.join(COUNT_COLUMNS.map((c) => sql`sum(${sql.ref(c)})::int AS ${sql.ref(c)}`))}
    FROM (
      SELECT a.carrier, coalesce(a.origin_country::text, '') AS origin_country, coalesce(a.destination_country::text, '') AS destination_country,
        a.transit_hours AS hours, a.sign AS shipments, a.delivered::int * a.sign AS delivered, a.delivered_with_promise::int * a.sign AS delivered_with_promise,
        a.delivered_on_time::int * a.sign AS delivered_on_time, (a.transit_hours IS NOT NULL)::int * a.sign AS transit_measured,
        a.with_exception::int * a.sign AS with_exception, a.customs_hold::int * a.sign AS customs_holds, a.lost::int * a.sign AS lost
      FROM added a
      ${
        sources.removed === null
          ? sql``
          : sql`UNION ALL
      SELECT r.carrier, coalesce(r.origin_country::text, ''), coalesce(r.destination_country::text, ''), NULL,
        -r.shipments, -r.delivered, -r.delivered_with_promise, -r.delivered_on_time, 0, -r.with_exception, -r.customs_holds, -r.lost
      FROM (${sources.removed}) r
      UNION ALL
      SELECT r.carrier, coalesce(r.origin_country::text, ''), coalesce(r.destination_country::text, ''), h.hours,
        0, 0, 0, 0, -h.n, 0, 0, 0
      FROM (${sources.removed}) r CROSS JOIN LATERAL unnest(r.transit_hours, r.transit_counts) AS h(hours, n)`
      }
    ) x
    GROUP BY 1, 2, 3, 4`.execute(trx);
  for (const r of corrections.rows) {
    const group = groupOf(r);
    for (const c of COUNT_COLUMNS) group.row[c] += r[c];
    if (r.hours === null) continue;
    addBucket(group, Math.floor(r.hours / 24), r.transit_measured);
    group.extra.set(r.hours, (group.extra.get(r.hours) ?? 0) + r.transit_measured);
  }

  // Each percentile's two ranks (floor and ceil of p * (n - 1), as percentile_cont) located in a
  // whole transit day; then that bucket's hour entries decide the hour.
  const wanted = new Map<Group, Array<{ rank: number; bucket: number; within: number }>>();
  for (const group of groups.values()) {
    const total = group.row.transit_measured;
    if (total === 0 || group.row.shipments === 0) continue;
    const ranks = PERCENTILES.flatMap((p) => [Math.floor(p * (total - 1)), Math.ceil(p * (total - 1))]);
    wanted.set(group, ranks.map((rank) => {
      let below = 0;
      let bucket = 0;
      while (below + (group.buckets[bucket] ?? 0) <= rank) {
        if (bucket >= group.buckets.length) throw new Error(`carrier performance: rank ${rank} beyond the ${below} deliveries of ${group.row.carrier}`);
        below += group.buckets[bucket++] ?? 0;
      }
      return { rank, bucket, within: rank - below };
    }));
  }
  const probes = [...wanted].flatMap(([group, ranks]) => [...new Set(ranks.map((r) => r.bucket))].flatMap((bucket) => group.lanes.map((lane) => ({ lane, bucket }))));
  const fine = new Map<string, Map<number, number>>();
  if (sources.days !== null && probes.length > 0) {
    const totals = await sql<{ probe: string; hi_hours: number[]; hi_counts: string[]; lo_hours: number[] | null; lo_counts: string[] | null }>`
      SELECT w.probe, hi.transit_hours AS hi_hours, hi.transit_counts AS hi_counts, lo.transit_hours AS lo_hours, lo.transit_counts AS lo_counts
      FROM unnest(${probes.map((p) => p.lane.carrier)}::text[], ${probes.map((p) => p.lane.origin_country)}::text[],
          ${probes.map((p) => p.lane.destination_country)}::text[], ${probes.map((p) => p.bucket)}::int[])
          WITH ORDINALITY AS w(carrier, origin_country, destination_country, bucket, probe)
        JOIN LATERAL (${bucketTotals(sql`w`, sources.days.to)}) hi ON true
        LEFT JOIN LATERAL (${bucketTotals(sql`w`, sources.days.from)}) lo ON true`.execute(trx);
    for (const r of totals.rows) {
      const { lane } = probes[Number(r.probe) - 1]!;
      const key = `${lane.carrier}|${lane.origin_country}|${lane.destination_country}`;
      const hours = fine.get(key) ?? new Map<number, number>();
      r.hi_hours.forEach((h, i) => hours.set(h, (hours.get(h) ?? 0) + Number(r.hi_counts[i])));
      (r.lo_hours ?? []).forEach((h, i) => hours.set(h, (hours.get(h) ?? 0) - Number(r.lo_counts![i])));
      fine.set(key, hours);
    }
  }

  return [...groups.values()]
    .filter((group) => group.row.shipments !== 0)
    .map((group) => {
      const ranks = wanted.get(group);
      if (ranks === undefined) return { ...group.row, median_transit_days: null, p90_transit_days: null };
      const hourAt = ({ bucket, within }: { bucket: number; within: number }) => {
        const counts = new Map(group.extra);
        for (const lane of group.lanes) {
          for (const [hours, n] of fine.get(`${lane.carrier}|${lane.origin_country}|${lane.destination_country}`) ?? []) counts.set(hours, (counts.get(hours) ?? 0) + n);
        }
        const inBucket = [...counts].filter(([hours, n]) => Math.floor(hours / 24) === bucket && n !== 0).sort((a, b) => a[0] - b[0]);
        let upto = 0;
        for (const [hours, n] of inBucket) {
          upto += n;
          if (upto > within) return hours;
        }
        throw new Error(`carrier performance: rank ${within} beyond bucket ${bucket} of ${group.row.carrier}`);
      };
      const [lo0, hi0, lo1, hi1] = ranks.map(hourAt) as [number, number, number, number];
      const total = group.row.transit_measured;
      return { ...group.row, median_transit_days: interpolate(PERCENTILES[0], total, lo0, hi0), p90_transit_days: interpolate(PERCENTILES[1], total, lo1, hi1) };
    })
    .sort((a, b) => compareText(a.carrier, b.carrier) || compareText(a.origin_country ?? '', b.origin_country ?? '') || compareText(a.destination_country ?? '', b.destination_country ?? ''));
}

/** PostgreSQL's percentile_cont over values in days: first + (second - first) * fraction, in float8. */
export function interpolate(p: number, total: number, loHours: number, hiHours: number): number {
  const position = p * (total - 1);
  const first = Number(loHours) / 24;
  const second = Number(hiHours) / 24;
  return first + (second - first) * (position - Math.floor(position));
}

export const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
