import { sql, type Transaction } from 'kysely';
import type { Database } from '../database.js';

/*
 * The merchant-free carrier performance tables (migration 2026-12-08T0200): running totals over
 * registration days, rebuilt by the rollup job from carrier_performance_daily in the transaction
 * that rewrote the daily rows of the touched days. Every row from the earliest touched day on is
 * written again (deliveries land on recent registration days, so a round usually rewrites the
 * last few weeks: ~lanes x days rows of counts and ~one transit row per lane, bucket and day).
 * - carrier_performance_cumulative: one row per lane and day, from the lane's first day to the
 *   newest registration day.
 * - carrier_performance_transit: one row per lane, whole transit day and registration day that
 *   added deliveries to that bucket (a day without any keeps the earlier row's totals).
 */

export const COUNT_COLUMNS = ['shipments', 'delivered', 'delivered_with_promise', 'delivered_on_time', 'transit_measured', 'with_exception', 'customs_holds', 'lost'] as const;
export type LaneCounts = Record<(typeof COUNT_COLUMNS)[number], number>;
type Lane = { carrier: string; origin_country: string; destination_country: string };

const DAY_MS = 86_400_000;
const dayNumber = (isoDay: string) => Date.parse(`${isoDay}T00:00:00Z`) / DAY_MS;
const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const laneKey = (r: Lane) => `${r.carrier}|${r.origin_country}|${r.destination_country}`;
const MERCHANT_FREE_LANE = sql`carrier, coalesce(origin_country::text, '') AS origin_country, coalesce(destination_country::text, '') AS destination_country`;

interface LaneDays {
  lane: Lane;
  running: LaneCounts & { transit_days: number[] };
  firstDay: number;
  counts: Map<number, LaneCounts>;
  /** Day -> hour -> deliveries added that day. */
  hours: Map<number, Map<number, number>>;
}

export async function refreshLaneRollups(trx: Transaction<Database>, touchedDays: string[]): Promise<void> {
  const bounds = await sql<{ built_to: string | null; first: string | null; last: string | null }>`
    SELECT (SELECT max(day)::text FROM carrier_performance_cumulative) AS built_to,
      (SELECT min(day)::text FROM carrier_performance_daily) AS first, (SELECT max(day)::text FROM carrier_performance_daily) AS last`.execute(trx);
  const { built_to: builtTo, first, last } = bounds.rows[0]!;
  const earliestTouched = Math.min(...touchedDays.map(dayNumber));
  // Every lane has a counts row on every day from its first to the newest: start no later than
  // the day after the newest built row, so no day is skipped.
  const start = builtTo === null ? (first === null ? earliestTouched : dayNumber(first)) : Math.min(earliestTouched, dayNumber(builtTo) + 1);
  await sql`DELETE FROM carrier_performance_cumulative WHERE day >= ${isoDay(start)}::date`.execute(trx);
  await sql`DELETE FROM carrier_performance_transit WHERE day >= ${isoDay(start)}::date`.execute(trx);
  if (last === null || dayNumber(last) < start) return;

  const lanes = new Map<string, LaneDays>();
  const laneOf = (r: Lane, firstDay: number): LaneDays => {
    let found = lanes.get(laneKey(r));
    if (found === undefined) {
      const zero = Object.fromEntries(COUNT_COLUMNS.map((c) => [c, 0])) as LaneCounts;
      found = { lane: { carrier: r.carrier, origin_country: r.origin_country, destination_country: r.destination_country }, running: { ...zero, transit_days: [] }, firstDay, counts: new Map(), hours: new Map() };
      lanes.set(laneKey(r), found);
    }
    found.firstDay = Math.min(found.firstDay, firstDay);
    return found;
  };
  const base = await sql<Lane & Record<(typeof COUNT_COLUMNS)[number], string> & { transit_days: string[] }>`
    SELECT * FROM carrier_performance_cumulative WHERE day = ${isoDay(start - 1)}::date`.execute(trx);
  for (const r of base.rows) {
    const l = laneOf(r, start);
    for (const c of COUNT_COLUMNS) l.running[c] = Number(r[c]);
    l.running.transit_days = r.transit_days.map(Number);
  }
  const counts = await sql<Lane & LaneCounts & { day: string }>`
    SELECT ${MERCHANT_FREE_LANE}, day::text AS day, ${sql.join(COUNT_COLUMNS.map((c) => sql`sum(${sql.ref(c)})::int AS ${sql.ref(c)}`))}
    FROM carrier_performance_daily WHERE day >= ${isoDay(start)}::date
    GROUP BY 1, 2, 3, 4`.execute(trx);
  for (const r of counts.rows) laneOf(r, dayNumber(r.day)).counts.set(dayNumber(r.day), r);
  const entries = await sql<Lane & { day: string; hours: number; n: number }>`
    SELECT carrier, origin_country, destination_country, day, hours, sum(n)::int AS n
    FROM (SELECT ${MERCHANT_FREE_LANE}, day::text AS day, unnest(transit_hours) AS hours, unnest(transit_counts) AS n
      FROM carrier_performance_daily WHERE day >= ${isoDay(start)}::date) e
    GROUP BY 1, 2, 3, 4, 5`.execute(trx);
  for (const r of entries.rows) {
    const l = laneOf(r, dayNumber(r.day));
    const day = l.hours.get(dayNumber(r.day)) ?? new Map<number, number>();
    day.set(r.hours, r.n);
    l.hours.set(dayNumber(r.day), day);
  }
  // The transit totals each (lane, bucket) had before `start`.
  const bucketBase = await sql<Lane & { transit_day: number; transit_hours: number[]; transit_counts: string[] }>`
    SELECT DISTINCT ON (carrier, origin_country, destination_country, transit_day) carrier, origin_country, destination_country, transit_day, transit_hours, transit_counts
    FROM carrier_performance_transit WHERE day < ${isoDay(start)}::date
    ORDER BY carrier, origin_country, destination_country, transit_day, day DESC`.execute(trx);
  const buckets = new Map<string, Map<number, number>>();
  for (const r of bucketBase.rows) buckets.set(`${laneKey(r)}|${r.transit_day}`, new Map(r.transit_hours.map((h, i) => [h, Number(r.transit_counts[i])])));

  const cumulative = new Rows(['carrier', 'origin_country', 'destination_country', 'day', ...COUNT_COLUMNS, 'transit_days']);
  const transit = new Rows(['carrier', 'origin_country', 'destination_country', 'transit_day', 'day', 'transit_hours', 'transit_counts']);
  for (const l of lanes.values()) {
    const { carrier, origin_country: origin, destination_country: destination } = l.lane;
    for (let day = l.firstDay; day <= dayNumber(last); day += 1) {
      const added = l.counts.get(day);
      if (added !== undefined) for (const c of COUNT_COLUMNS) l.running[c] += added[c];
      const touched = new Set<number>();
      for (const [hours, n] of l.hours.get(day) ?? []) {
        const bucket = Math.floor(hours / 24);
        while (l.running.transit_days.length <= bucket) l.running.transit_days.push(0);
        l.running.transit_days[bucket] = (l.running.transit_days[bucket] ?? 0) + n;
        const key = `${laneKey(l.lane)}|${bucket}`;
        const totals = buckets.get(key) ?? new Map<number, number>();
        totals.set(hours, (totals.get(hours) ?? 0) + n);
        buckets.set(key, totals);
        touched.add(bucket);
      }
      for (const bucket of touched) {
        const totals = [...buckets.get(`${laneKey(l.lane)}|${bucket}`)!].sort((a, b) => a[0] - b[0]);
        transit.push([carrier, origin, destination, bucket, isoDay(day), literal(totals.map(([h]) => h)), literal(totals.map(([, n]) => n))]);
      }
      cumulative.push([carrier, origin, destination, isoDay(day), ...COUNT_COLUMNS.map((c) => l.running[c]), literal(l.running.transit_days)]);
    }
  }
  await sql`
    INSERT INTO carrier_performance_cumulative (carrier, origin_country, destination_country, day, ${sql.join(COUNT_COLUMNS.map((c) => sql.ref(c)))}, transit_days)
    SELECT carrier, origin_country, destination_country, day, ${sql.join(COUNT_COLUMNS.map((c) => sql.ref(c)))}, transit_days::bigint[]
    FROM unnest(${cumulative.column('carrier')}::text[], ${cumulative.column('origin_country')}::text[], ${cumulative.column('destination_country')}::text[],
      ${cumulative.column('day')}::date[], ${sql.join(COUNT_COLUMNS.map((c) => sql`${cumulative.column(c)}::bigint[]`))}, ${cumulative.column('transit_days')}::text[])
      AS u(carrier, origin_country, destination_country, day, ${sql.join(COUNT_COLUMNS.map((c) => sql.ref(c)))}, transit_days)`.execute(trx);
  await sql`
    INSERT INTO carrier_performance_transit (carrier, origin_country, destination_country, transit_day, day, transit_hours, transit_counts)
    SELECT carrier, origin_country, destination_country, transit_day, day, transit_hours::int[], transit_counts::bigint[]
    FROM unnest(${transit.column('carrier')}::text[], ${transit.column('origin_country')}::text[], ${transit.column('destination_country')}::text[],
      ${transit.column('transit_day')}::int[], ${transit.column('day')}::date[], ${transit.column('transit_hours')}::text[], ${transit.column('transit_counts')}::text[])
      AS u(carrier, origin_country, destination_country, transit_day, day, transit_hours, transit_counts)`.execute(trx);
}

/** An array literal, for arrays passed through unnest (PostgreSQL arrays of arrays must be rectangular). */
const literal = (values: number[]) => `{${values.join(',')}}`;

/** Rows gathered column by column, for one INSERT ... SELECT FROM unnest(...). */
class Rows {
  private readonly columns: Map<string, unknown[]>;
  constructor(names: string[]) {
    this.columns = new Map(names.map((name) => [name, []]));
  }
  push(values: unknown[]): void {
    [...this.columns.values()].forEach((column, i) => column.push(values[i]));
  }
  column(name: string): unknown[] {
    return this.columns.get(name)!;
  }
}
