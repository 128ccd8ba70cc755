import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../database.js';
import type { PerformanceQuery, PerformanceRow } from './report-analytics.repository.js';
import { scopeCondition } from './report.repository.js';
import { compareText, interpolate, performanceOfAllMerchants } from './lane-performance.repository.js';
import { cohortRows, shipmentsOfPairs } from './report-rollup.repository.js';

const DAY_MS = 86_400_000;
const PERCENTILES = [0.5, 0.9] as const;

/**
 * Carrier and lane performance for the shipments registered in [from, to), read from the daily
 * rollup: the whole UTC days inside the range sum their rollup rows; the partial days at its
 * edges (a range given as instants, e.g. "the last 90 days" from now) are aggregated from their
 * shipments directly, so the result equals carrierPerformanceFromShipments on the same data once
 * the rollup job has consumed the markers of earlier writes. Transit percentiles merge the
 * hour histograms and interpolate exactly as percentile_cont does over transit hours / 24.
 */
export async function carrierPerformance(db: Kysely<Database>, q: PerformanceQuery): Promise<PerformanceRow[]> {
  // One snapshot for the stale list, the counts and the percentiles.
  return db.transaction().setIsolationLevel('repeatable read').execute((trx) => performanceIn(trx, q));
}

async function performanceIn(trx: Kysely<Database>, q: PerformanceQuery): Promise<PerformanceRow[]> {
  const plan = rangePlan(q.from.getTime(), q.to.getTime(), q.scope === null);
  const [fullFrom, fullTo] = plan.days ?? [0, 0];
  const hasDays = plan.days !== null;
  const piecesOf = (sign: 1 | -1) => plan.pieces.filter((p) => p.sign === sign).map((p): [Date, Date] => [new Date(p.from), new Date(p.to)]);
  const edges = piecesOf(1);
  const within = (pieces: Array<[Date, Date]>) =>
    pieces.length === 0 ? sql`false` : sql`(${sql.join(pieces.map(([a, b]) => sql`(s.created_at >= ${a} AND s.created_at < ${b})`), sql` OR `)})`;
  const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  const days = (column: RawBuilder<unknown>) => (hasDays ? sql`${column} >= ${isoDay(fullFrom)}::date AND ${column} < ${isoDay(fullTo)}::date` : sql`false`);
  // Pairs still marked stale are read from their shipments instead of the rollup, so the result
  // is exact whatever the job's lag. Usually none or a few: listed first, skipped when empty.
  const stale = await sql<{ merchant_id: string; day: string }>`
    SELECT DISTINCT merchant_id::text AS merchant_id, day::text AS day FROM carrier_performance_stale
    WHERE ${days(sql`day`)} AND ${scopeCondition(sql`merchant_id`, q.scope)}`.execute(trx);
  const staleMerchants = stale.rows.map((row) => row.merchant_id);
  const staleDays = stale.rows.map((row) => row.day);
  const stalePairs = sql`SELECT * FROM unnest(${staleDays}::date[], ${staleMerchants}::uuid[]) AS u(day, merchant_id)`;
  const rollupConditions: RawBuilder<unknown>[] = [days(sql`r.day`), scopeCondition(sql`r.merchant_id`, q.scope)];
  const edgeConditions: RawBuilder<unknown>[] = [within(edges), scopeCondition(sql`s.merchant_id`, q.scope)];
  const minusConditions: RawBuilder<unknown>[] = [within(piecesOf(-1))];
  const staleConditions: RawBuilder<unknown>[] = [];
  const filter = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    rollupConditions.push(sql`${sql.ref(`r.${column}`)} = ${value}`);
    for (const conditions of [edgeConditions, minusConditions, staleConditions]) conditions.push(sql`${sql.ref(`s.${column}`)} = ${value}`);
  };
  filter('carrier', q.carrier);
  filter('origin_country', q.originCountry);
  filter('destination_country', q.destinationCountry);
  const filters = rollupConditions.slice(2);
  if (stale.rows.length > 0) rollupConditions.push(sql`(r.day, r.merchant_id) NOT IN (${stalePairs})`);
  // Shipments read directly: the partial days at the edges and the stale pairs.
  const shipmentsRead = (sign: RawBuilder<unknown>) => sql`
      ${cohortRows(sql`shipments s`, sql.join(edgeConditions, sql` AND `), sign)}
      ${stale.rows.length === 0 ? sql`` : sql`UNION ALL ${cohortRows(shipmentsOfPairs(stalePairs), staleConditions.length === 0 ? sql`true` : sql.join(staleConditions, sql` AND `), sign)}`}`;
  const edge = shipmentsRead(sql``);
  await sql`SET LOCAL jit = off`.execute(trx);
  if (q.scope === null) {
    const removedConditions = [sql`(r.day, r.merchant_id) IN (${stalePairs})`, ...filters];
    return performanceOfAllMerchants(trx, q, {
      days: hasDays ? { from: isoDay(fullFrom), to: isoDay(fullTo) } : null,
      added: sql`${shipmentsRead(sql`1 AS sign,`)} UNION ALL ${cohortRows(sql`shipments s`, sql.join(minusConditions, sql` AND `), sql`-1 AS sign,`)}`,
      removed: stale.rows.length === 0 ? null : sql`SELECT r.* FROM carrier_performance_daily r WHERE ${sql.join(removedConditions, sql` AND `)}`,
    });
  }
  const lane = q.groupBy === 'lane';
  const origin = (t: string) => (lane ? sql`${sql.ref(`${t}.origin_country`)}::text` : sql`NULL::text`);
  const destination = (t: string) => (lane ? sql`${sql.ref(`${t}.destination_country`)}::text` : sql`NULL::text`);
  const parts = sql`
    rollup AS (SELECT r.* FROM carrier_performance_daily r WHERE ${sql.join(rollupConditions, sql` AND `)}),
    edge AS (${edge})`;

  type Counts = Omit<PerformanceRow, 'median_transit_days' | 'p90_transit_days'>;
  type Ranks = { carrier: string; origin_country: string | null; destination_country: string | null; total: number; lo0: number; hi0: number; lo1: number; hi1: number };
  // The histogram merge takes ~370,000 (group, hour) entries on 90 days of 1M shipments: with the
  // default 4MB the planner sorted them on disk instead of hashing them into ~50,000 groups.
  await sql`SET LOCAL work_mem = '64MB'`.execute(trx);
  const counts = await sql<Counts>`
    WITH ${parts}
    SELECT carrier, origin_country, destination_country,
      sum(shipments)::int AS shipments, sum(delivered)::int AS delivered, sum(delivered_with_promise)::int AS delivered_with_promise,
      sum(delivered_on_time)::int AS delivered_on_time, sum(transit_measured)::int AS transit_measured,
      sum(with_exception)::int AS with_exception, sum(customs_holds)::int AS customs_holds, sum(lost)::int AS lost
    FROM (
      SELECT r.carrier, ${origin('r')} AS origin_country, ${destination('r')} AS destination_country, r.shipments, r.delivered,
        r.delivered_with_promise, r.delivered_on_time, r.transit_measured, r.with_exception, r.customs_holds, r.lost
      FROM rollup r
      UNION ALL
      SELECT e.carrier, ${origin('e')}, ${destination('e')}, 1, e.delivered::int, e.delivered_with_promise::int, e.delivered_on_time::int,
        (e.transit_hours IS NOT NULL)::int, e.with_exception::int, e.customs_hold::int, e.lost::int
      FROM edge e
    ) x
    GROUP BY 1, 2, 3`.execute(trx);
  // The value at 0-based rank k is the smallest hour whose running count exceeds k; a
  // percentile p interpolates between ranks floor and ceil of p * (n - 1), as percentile_cont.
  const rank = (p: number, round: 'floor' | 'ceil') => sql`${sql.raw(round)}(${p}::float8 * (total - 1))::bigint`;
  const ranks = await sql<Ranks>`
    WITH ${parts},
    hist AS MATERIALIZED (
      -- Integers throughout: a sum over bigint is numeric, and comparing numeric with the float
      -- ranks below converted every row through text. unnest in the select list (a ProjectSet)
      -- rather than a lateral join, which the planner memoized by hashing every row's arrays.
      SELECT carrier, origin_country, destination_country, hours, sum(n)::int AS n
      FROM (
        SELECT r.carrier, ${origin('r')} AS origin_country, ${destination('r')} AS destination_country,
          unnest(r.transit_hours) AS hours, unnest(r.transit_counts) AS n
        FROM rollup r
        UNION ALL
        SELECT e.carrier, ${origin('e')}, ${destination('e')}, e.transit_hours, 1 FROM edge e WHERE e.transit_hours IS NOT NULL
      ) x
      GROUP BY 1, 2, 3, 4
    ),
    running AS (
      SELECT carrier, origin_country, destination_country, hours,
        sum(n) OVER (PARTITION BY carrier, origin_country, destination_country ORDER BY hours) AS upto,
        sum(n) OVER (PARTITION BY carrier, origin_country, destination_country) AS total
      FROM hist
    )
    SELECT carrier, origin_country, destination_country, total::int AS total,
      min(hours) FILTER (WHERE upto > ${rank(PERCENTILES[0], 'floor')}) AS lo0,
      min(hours) FILTER (WHERE upto > ${rank(PERCENTILES[0], 'ceil')}) AS hi0,
      min(hours) FILTER (WHERE upto > ${rank(PERCENTILES[1], 'floor')}) AS lo1,
      min(hours) FILTER (WHERE upto > ${rank(PERCENTILES[1], 'ceil')}) AS hi1
    FROM running
    GROUP BY 1, 2, 3, 4`.execute(trx);
  const key = (r: { carrier: string; origin_country: string | null; destination_country: string | null }) => `${r.carrier}|${r.origin_country ?? ''}|${r.destination_country ?? ''}`;
  const percentiles = new Map(
    ranks.rows.map((r) => [key(r), [interpolate(PERCENTILES[0], r.total, r.lo0, r.hi0), interpolate(PERCENTILES[1], r.total, r.lo1, r.hi1)]]),
  );
  return counts.rows
    .map((row) => {
      const [median, p90] = percentiles.get(key(row)) ?? [];
      return { ...row, median_transit_days: median ?? null, p90_transit_days: p90 ?? null };
    })
    .sort((a, b) => compareText(a.carrier, b.carrier) || compareText(a.origin_country ?? '', b.origin_country ?? '') || compareText(a.destination_country ?? '', b.destination_country ?? ''));
}

interface RangePlan {
  /** Whole UTC days [from, to) read from the rollup (ms), or null. */
  days: [number, number] | null;
  /** Instants [from, to) read from shipments, added (1) or taken away (-1). */
  pieces: Array<{ from: number; to: number; sign: 1 | -1 }>;
}

/**
 * How a range splits into whole days and partial ones read from shipments. The plain way adds the
 * partial days at the edges. With `complements` (the all-merchant path, which can subtract), an
 * edge may instead take in its whole day and subtract the rest of it, whichever reads fewer hours
 * of shipments: "the last 90 days" at 00:25 reads 50 minutes instead of 24 hours.
 */
export function rangePlan(from: number, to: number, complements: boolean): RangePlan {
  const floor = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
  const ceil = (ms: number) => Math.ceil(ms / DAY_MS) * DAY_MS;
  const plain: RangePlan = ceil(from) < floor(to) ? plan(ceil(from), floor(to)) : { days: null, pieces: [{ from, to, sign: 1 }] };
  function plan(lo: number, hi: number): RangePlan {
    const pieces: RangePlan['pieces'] = [
      lo >= from ? { from, to: lo, sign: 1 } : { from: lo, to: from, sign: -1 },
      hi <= to ? { from: hi, to, sign: 1 } : { from: to, to: hi, sign: -1 },
    ];
    return { days: lo < hi ? [lo, hi] : null, pieces: pieces.filter((p) => p.from < p.to) };
  }
  if (!complements || from >= to) return plain;
  const cost = (p: RangePlan) => p.pieces.reduce((sum, piece) => sum + piece.to - piece.from, 0);
  const candidates = [plain, plan(floor(from), floor(to)), plan(floor(from), ceil(to)), ...(ceil(from) <= ceil(to) ? [plan(ceil(from), ceil(to))] : [])];
  return candidates.reduce((best, p) => (cost(p) < cost(best) ? p : best));
}
