import { sql, type Transaction } from 'kysely';
import type { Database } from '../database.js';

/*
 * The merchant-free carrier performance tables (migration 2026-12-08T0200), rebuilt by the rollup
 * job from carrier_performance_daily in the transaction that rewrote the daily rows of `days`:
 * - carrier_performance_transit: the touched days' hour entries, split by whole transit day;
 * - carrier_performance_cumulative: every lane's running totals from the earliest touched day to
 *   the newest registration day (deliveries land on recent days, so a round rewrites ~lanes x the
 *   days since the oldest shipment it touched).
 */

export const COUNT_COLUMNS = ['shipments', 'delivered', 'delivered_with_promise', 'delivered_on_time', 'transit_measured', 'with_exception', 'customs_holds', 'lost'] as const;
export type LaneCounts = Record<(typeof COUNT_COLUMNS)[number], number>;

const DAY_MS = 86_400_000;
const dayNumber = (isoDay: string) => Date.parse(`${isoDay}T00:00:00Z`) / DAY_MS;
const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

export async function refreshLaneRollups(trx: Transaction<Database>, days: string[]): Promise<void> {
  await sql`DELETE FROM carrier_performance_transit WHERE day = ANY(${days}::date[])`.execute(trx);
  await sql`
    INSERT INTO carrier_performance_transit (carrier, origin_country, destination_country, transit_day, day, transit_hours, transit_counts)
    SELECT carrier, origin_country, destination_country, hours / 24, day, array_agg(hours ORDER BY hours), array_agg(n ORDER BY hours)
    FROM (
      SELECT carrier, origin_country, destination_country, day, hours, sum(n)::int AS n
      FROM (
        SELECT r.carrier, coalesce(r.origin_country, '') AS origin_country, coalesce(r.destination_country, '') AS destination_country, r.day,
          unnest(r.transit_hours) AS hours, unnest(r.transit_counts) AS n
        FROM carrier_performance_daily r WHERE r.day = ANY(${days}::date[])
      ) entries
      GROUP BY 1, 2, 3, 4, 5
    ) merged
    GROUP BY 1, 2, 3, 4, 5`.execute(trx);
  await rebuildCumulative(trx, Math.min(...days.map(dayNumber)));
}

async function rebuildCumulative(trx: Transaction<Database>, earliestTouched: number): Promise<void> {
  const bounds = await sql<{ built_to: string | null; first: string | null; last: string | null }>`
    SELECT (SELECT max(day)::text FROM carrier_performance_cumulative) AS built_to,
      (SELECT min(day)::text FROM carrier_performance_daily) AS first, (SELECT max(day)::text FROM carrier_performance_daily) AS last`.execute(trx);
  const { built_to: builtTo, first, last } = bounds.rows[0]!;
  // Every lane has a row on every day from its first to the newest: start no later than the day
  // after the newest built row, so no day is skipped.
  const start = builtTo === null ? (first === null ? earliestTouched : dayNumber(first)) : Math.min(earliestTouched, dayNumber(builtTo) + 1);
  await sql`DELETE FROM carrier_performance_cumulative WHERE day >= ${isoDay(start)}::date`.execute(trx);
  if (last === null || dayNumber(last) < start) return;
  const end = dayNumber(last);

  type Key = { carrier: string; origin_country: string; destination_country: string };
  type Row = LaneCounts & Key & { day: string; transit_days: Array<number | string> };
  const from = isoDay(start);
  const base = await sql<Row>`SELECT *, day::text AS day FROM carrier_performance_cumulative WHERE day = ${isoDay(start - 1)}::date`.execute(trx);
  const counts = await sql<Row>`
    SELECT carrier, coalesce(origin_country, '') AS origin_country, coalesce(destination_country, '') AS destination_country, day::text AS day,
      ${sql.join(COUNT_COLUMNS.map((c) => sql`sum(${sql.ref(c)})::int AS ${sql.ref(c)}`))}
    FROM carrier_performance_daily WHERE day >= ${from}::date
    GROUP BY 1, 2, 3, 4`.execute(trx);
  const buckets = await sql<Key & { day: string; transit_day: number; n: number }>`
    SELECT carrier, origin_country, destination_country, day::text AS day, transit_day, (SELECT sum(c)::int FROM unnest(transit_counts) c) AS n
    FROM carrier_performance_transit WHERE day >= ${from}::date`.execute(trx);

  const laneKey = (r: Key) => `${r.carrier}|${r.origin_country}|${r.destination_country}`;
  interface Lane {
    key: Key;
    running: LaneCounts & { transit_days: number[] };
    firstDay: number;
    days: Map<number, { counts?: LaneCounts; buckets: Array<[number, number]> }>;
  }
  const lanes = new Map<string, Lane>();
  const lane = (r: Key, firstDay: number): Lane => {
    let found = lanes.get(laneKey(r));
    if (found === undefined) {
      const zero = Object.fromEntries(COUNT_COLUMNS.map((c) => [c, 0])) as LaneCounts;
      found = { key: { carrier: r.carrier, origin_country: r.origin_country, destination_country: r.destination_country }, running: { ...zero, transit_days: [] }, firstDay, days: new Map() };
      lanes.set(laneKey(r), found);
    }
    found.firstDay = Math.min(found.firstDay, firstDay);
    return found;
  };
  const dayOf = (l: Lane, day: number) => {
    let found = l.days.get(day);
    if (found === undefined) l.days.set(day, (found = { buckets: [] }));
    return found;
  };
  for (const r of base.rows) {
    const l = lane(r, start);
    for (const c of COUNT_COLUMNS) l.running[c] = Number(r[c]);
    l.running.transit_days = r.transit_days.map(Number);
  }
  for (const r of counts.rows) dayOf(lane(r, dayNumber(r.day)), dayNumber(r.day)).counts = r;
  for (const r of buckets.rows) dayOf(lane(r, dayNumber(r.day)), dayNumber(r.day)).buckets.push([r.transit_day, r.n]);

  const columns: Record<string, unknown[]> = { carrier: [], origin_country: [], destination_country: [], day: [], transit_days: [], ...Object.fromEntries(COUNT_COLUMNS.map((c) => [c, []])) };
  for (const l of lanes.values()) {
    for (let day = l.firstDay; day <= end; day += 1) {
      const added = l.days.get(day);
      if (added?.counts !== undefined) for (const c of COUNT_COLUMNS) l.running[c] += added.counts[c];
      for (const [bucket, n] of added?.buckets ?? []) {
        while (l.running.transit_days.length <= bucket) l.running.transit_days.push(0);
        l.running.transit_days[bucket] = (l.running.transit_days[bucket] ?? 0) + n;
      }
      columns['carrier']!.push(l.key.carrier);
      columns['origin_country']!.push(l.key.origin_country);
      columns['destination_country']!.push(l.key.destination_country);
      columns['day']!.push(isoDay(day));
      columns['transit_days']!.push(`{${l.running.transit_days.join(',')}}`);
      for (const c of COUNT_COLUMNS) columns[c]!.push(l.running[c]);
    }
  }
  if (columns['day']!.length === 0) return;
  await sql`
    INSERT INTO carrier_performance_cumulative (carrier, origin_country, destination_country, day, ${sql.join(COUNT_COLUMNS.map((c) => sql.ref(c)))}, transit_days)
    SELECT carrier, origin_country, destination_country, day, ${sql.join(COUNT_COLUMNS.map((c) => sql.ref(c)))}, transit_days::bigint[]
    FROM unnest(${columns['carrier']}::text[], ${columns['origin_country']}::text[], ${columns['destination_country']}::text[], ${columns['day']}::date[],
      ${sql.join(COUNT_COLUMNS.map((c) => sql`${columns[c]}::bigint[]`))}, ${columns['transit_days']}::text[])
      AS u(carrier, origin_country, destination_country, day, ${sql.join(COUNT_COLUMNS.map((c) => sql.ref(c)))}, transit_days)`.execute(trx);
}
