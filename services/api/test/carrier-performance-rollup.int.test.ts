import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import {
  carrierPerformance,
  carrierPerformanceFromShipments,
  countStaleCarrierPerformance,
  createDb,
  drainCarrierPerformanceRollup,
  refreshCarrierPerformanceRollup,
  type Database,
  type ExceptionKindColumn,
  type MerchantScope,
  type PerformanceQuery,
} from '@parcelwatch/db';
import { createTestDatabase } from '@parcelwatch/test-harness';
import { createMerchant, NOW, seedException, seedShipment, startReportApi, type ReportApi } from './report-test-kit.js';

/*
 * The carrier performance report read from the daily rollup equals the same report computed
 * from shipments alone, on PostgreSQL 15, for ranges that start and end mid-day, by lane and by
 * carrier, filtered, and scoped to one merchant; before the rollup job has caught up (stale
 * pairs are read from shipments), after it, and after it runs again.
 */

// A small deterministic generator, so a failure can be replayed.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const CARRIERS = ['ups', 'yunexpress', 'china-post'] as const;
const LANES = [['CN', 'US'], ['CN', 'DE'], ['HK', 'US'], [null, 'GB']] as const;
const KINDS: ExceptionKindColumn[] = ['customs_hold', 'lost', 'stalled', 'late'];

async function seedMerchantShipments(db: Kysely<Database>, merchantId: string, count: number, rnd: () => number): Promise<string[]> {
  const now = Date.parse(NOW);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const createdAt = new Date(now - rnd() * 40 * DAY);
    const lane = LANES[Math.floor(rnd() * LANES.length)]!;
    const pickedUp = rnd() < 0.9 ? new Date(createdAt.getTime() + rnd() * 2 * DAY) : null;
    // Transit in minutes, so percentiles land between hours and interpolate.
    const delivered = pickedUp !== null && rnd() < 0.7 ? new Date(pickedUp.getTime() + Math.floor(rnd() * 20 * 24 * 60) * 60_000) : null;
    const id = await seedShipment(db, {
      merchantId,
      carrier: CARRIERS[Math.floor(rnd() * CARRIERS.length)]!,
      origin: lane[0],
      destination: lane[1],
      status: delivered !== null ? 'delivered' : 'in_transit',
      createdAt,
      pickedUpAt: pickedUp,
      deliveredAt: delivered,
      promised: rnd() < 0.8 ? new Date(createdAt.getTime() + (8 + Math.floor(rnd() * 8)) * DAY).toISOString().slice(0, 10) : null,
      buyerTimezone: rnd() < 0.5 ? 'America/Los_Angeles' : 'Europe/Berlin',
    });
    if (rnd() < 0.3) await seedException(db, id, merchantId, KINDS[Math.floor(rnd() * KINDS.length)]!, { openedAt: new Date(createdAt.getTime() + 3 * DAY) });
    ids.push(id);
  }
  return ids;
}

describe('carrier performance from the daily rollup (PostgreSQL 15)', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let t: ReportApi;
  let merchantA: string;
  let merchantB: string;
  let shipmentsA: string[];
  const rnd = random(7);

  const now = Date.parse(NOW);
  const ranges: Array<{ name: string; from: Date; to: Date }> = [
    { name: '30 days to now (mid-day edges)', from: new Date(now - 30 * DAY), to: new Date(now) },
    { name: 'from before the first shipment to after the last', from: new Date(now - 60 * DAY - 5 * HOUR), to: new Date(now + 3 * DAY) },
    { name: 'whole days', from: new Date('2026-01-25T00:00:00Z'), to: new Date('2026-02-20T00:00:00Z') },
    // All merchants: an edge near its day's far end takes in the whole day and subtracts the rest.
    { name: 'whole days minus an hour at each end', from: new Date('2026-01-25T01:00:00Z'), to: new Date('2026-02-04T23:00:00Z') },
    { name: 'whole days minus an hour, then plus an hour', from: new Date('2026-01-25T01:00:00Z'), to: new Date('2026-02-04T01:00:00Z') },
    { name: 'within one day', from: new Date('2026-02-10T03:00:00Z'), to: new Date('2026-02-10T21:30:00Z') },
    { name: 'across one midnight', from: new Date('2026-02-10T20:00:00Z'), to: new Date('2026-02-11T05:00:00Z') },
  ];
  const scopes: Array<[string, () => MerchantScope]> = [
    ['all merchants', () => null],
    ['merchant A', () => [merchantA]],
    ['merchant B', () => [merchantB]],
    ['no merchant', () => []],
  ];

  async function expectEqualToShipments(): Promise<void> {
    for (const range of ranges) {
      for (const [scopeName, scope] of scopes) {
        for (const variant of [{ groupBy: 'lane' }, { groupBy: 'carrier' }, { groupBy: 'lane', carrier: 'ups' }, { groupBy: 'lane', destinationCountry: 'US', originCountry: 'CN' }] as const) {
          const q: PerformanceQuery = { from: range.from, to: range.to, scope: scope(), ...variant };
          const expected = await carrierPerformanceFromShipments(db, q);
          const actual = await carrierPerformance(db, q);
          expect({ range: range.name, scope: scopeName, variant, rows: actual }).toEqual({ range: range.name, scope: scopeName, variant, rows: expected });
        }
      }
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 4 });
    t = await startReportApi({}, db);
    merchantA = await createMerchant(db);
    merchantB = await createMerchant(db);
    shipmentsA = await seedMerchantShipments(db, merchantA, 300, rnd);
    await seedMerchantShipments(db, merchantB, 200, rnd);
  });
  afterAll(async () => {
    await t.close();
    await db.destroy();
    await database.drop();
  });

  it('equals the report from shipments while every pair is still stale (nothing rolled up yet)', async () => {
    expect(await countStaleCarrierPerformance(db)).toBeGreaterThan(0);
    expect(Number((await sql<{ n: string }>`SELECT count(*) AS n FROM carrier_performance_daily`.execute(db)).rows[0]!.n)).toBe(0);
    await expectEqualToShipments();
  });

  it('equals it once the job has rolled every pair up, and the rollup holds the data', async () => {
    const drained = await drainCarrierPerformanceRollup(db, { maxMarkers: 50 });
    expect(drained.pairs).toBeGreaterThan(40);
    expect(await countStaleCarrierPerformance(db)).toBe(0);
    const rolled = await sql<{ shipments: string }>`SELECT sum(shipments) AS shipments FROM carrier_performance_daily`.execute(db);
    expect(Number(rolled.rows[0]!.shipments)).toBe(500);
    await expectEqualToShipments();
    const sample = await carrierPerformance(db, { from: new Date(now - 40 * DAY), to: new Date(now), scope: [merchantA], groupBy: 'carrier' });
    expect(sample.reduce((sum, row) => sum + row.shipments, 0)).toBe(300);
    expect(sample.every((row) => row.median_transit_days !== null && row.p90_transit_days! >= row.median_transit_days!)).toBe(true);
  });

  it('follows deliveries, new exceptions, new shipments and a deletion: exact before and after the job runs', async () => {
    const delivered = await db.selectFrom('shipments').select('id').where('id', 'in', shipmentsA).where('delivered_at', 'is', null).where('picked_up_at', 'is not', null).limit(20).execute();
    for (const { id } of delivered) {
      await db.updateTable('shipments').set({ delivered_at: new Date(now - 2 * HOUR), status: 'delivered' }).where('id', '=', id).execute();
    }
    await seedException(db, shipmentsA[0]!, merchantA, 'lost', { openedAt: new Date(now - HOUR) });
    await seedException(db, shipmentsA[1]!, merchantA, 'customs_hold', { openedAt: new Date(now - HOUR) });
    await seedMerchantShipments(db, merchantA, 30, rnd);
    await db.deleteFrom('exceptions').where('shipment_id', '=', shipmentsA[2]!).execute();
    await db.deleteFrom('shipments').where('id', '=', shipmentsA[2]!).execute();
    // Updates that the report does not read leave no marker.
    const before = await countStaleCarrierPerformance(db);
    await db.updateTable('shipments').set({ last_checkpoint_at: new Date(now) }).where('id', 'in', shipmentsA.slice(3, 50)).execute();
    expect(await countStaleCarrierPerformance(db)).toBe(before);
    expect(before).toBeGreaterThan(0);

    await expectEqualToShipments();
    await drainCarrierPerformanceRollup(db);
    expect(await countStaleCarrierPerformance(db)).toBe(0);
    await expectEqualToShipments();
  });

  it('is idempotent: rolling every pair up again writes the same rows', async () => {
    const snapshot = async () => [
      (await sql<Record<string, unknown>>`SELECT * FROM carrier_performance_daily ORDER BY day, merchant_id, carrier, origin_country, destination_country`.execute(db)).rows,
      (await sql<Record<string, unknown>>`SELECT * FROM carrier_performance_cumulative ORDER BY carrier, origin_country, destination_country, day`.execute(db)).rows,
      (await sql<Record<string, unknown>>`SELECT * FROM carrier_performance_transit ORDER BY carrier, origin_country, destination_country, transit_day, day`.execute(db)).rows,
    ];
    const first = await snapshot();
    await sql`INSERT INTO carrier_performance_stale (merchant_id, day) SELECT merchant_id, day FROM carrier_performance_daily`.execute(db);
    await drainCarrierPerformanceRollup(db);
    await refreshCarrierPerformanceRollup(db);
    expect(await snapshot()).toEqual(first);
  });

  it('keeps the merchant-free running totals equal to the daily rows of every merchant', async () => {
    // Each lane's newest running row (counts and transit-day histogram) and each (lane, transit
    // day)'s newest hour totals, against the daily rows of every merchant and day summed directly.
    const LANE = (t: string) => sql.raw(`${t}.carrier || '|' || coalesce(${t}.origin_country, '') || '|' || coalesce(${t}.destination_country, '')`);
    const newest = await sql<{ lane: string; shipments: string; lost: string; transit_measured: string; days: string[] }>`
      SELECT DISTINCT ON (carrier, origin_country, destination_country) ${LANE('c')} AS lane, shipments::text, lost::text, transit_measured::text, transit_days::text[] AS days
      FROM carrier_performance_cumulative c ORDER BY carrier, origin_country, destination_country, day DESC`.execute(db);
    const summed = await sql<{ lane: string; shipments: string; lost: string; transit_measured: string }>`
      SELECT ${LANE('d')} AS lane, sum(shipments)::text AS shipments, sum(lost)::text AS lost, sum(transit_measured)::text AS transit_measured
      FROM carrier_performance_daily d GROUP BY 1`.execute(db);
    const byLane = <T extends { lane: string }>(rows: T[]) => [...rows].sort((a, b) => (a.lane < b.lane ? -1 : 1));
    expect(summed.rows.length).toBeGreaterThan(8);
    expect(byLane(newest.rows).map(({ days: _, ...counts }) => counts)).toEqual(byLane(summed.rows));
    const buckets = await sql<{ lane: string; bucket: number; n: string }>`
      SELECT ${LANE('d')} AS lane, x.hours / 24 AS bucket, sum(x.n)::text AS n
      FROM carrier_performance_daily d CROSS JOIN LATERAL unnest(d.transit_hours, d.transit_counts) AS x(hours, n) GROUP BY 1, 2`.execute(db);
    const days = new Map<string, string[]>();
    for (const { lane, bucket, n } of buckets.rows) {
      const histogram = days.get(lane) ?? [];
      while (histogram.length <= bucket) histogram.push('0');
      histogram[bucket] = n;
      days.set(lane, histogram);
    }
    expect(Object.fromEntries(newest.rows.map((r) => [r.lane, r.days.every((n) => n === '0') ? [] : r.days]))).toEqual(
      Object.fromEntries(summed.rows.map((r) => [r.lane, days.get(r.lane) ?? []])),
    );
    const hours = await sql<{ merchant_free: string; daily: string }>`
      SELECT
        (SELECT string_agg(k, ',' ORDER BY k) FROM (
          SELECT DISTINCT ON (carrier, origin_country, destination_country, transit_day) *
          FROM carrier_performance_transit ORDER BY carrier, origin_country, destination_country, transit_day, day DESC
        ) t CROSS JOIN LATERAL unnest(t.transit_hours, t.transit_counts) AS x(hours, n)
          CROSS JOIN LATERAL (SELECT ${LANE('t')} || '|' || x.hours || '=' || x.n AS k) e WHERE x.n <> 0) AS merchant_free,
        (SELECT string_agg(k, ',' ORDER BY k) FROM (
          SELECT ${LANE('d')} || '|' || x.hours || '=' || sum(x.n) AS k
          FROM carrier_performance_daily d CROSS JOIN LATERAL unnest(d.transit_hours, d.transit_counts) AS x(hours, n)
          GROUP BY d.carrier, d.origin_country, d.destination_country, x.hours
        ) e) AS daily`.execute(db);
    expect(hours.rows[0]!.daily.length).toBeGreaterThan(100);
    expect(hours.rows[0]!.merchant_free).toEqual(hours.rows[0]!.daily);
  });

  it('leaves the round to one job at a time', async () => {
    await sql`INSERT INTO carrier_performance_stale (merchant_id, day) SELECT merchant_id, day FROM carrier_performance_daily LIMIT 3`.execute(db);
    const held = await db.connection().execute(async (connection) => {
      await sql`BEGIN`.execute(connection);
      await sql`SELECT pg_advisory_xact_lock(7265778276450917)`.execute(connection);
      const round = await refreshCarrierPerformanceRollup(db);
      await sql`ROLLBACK`.execute(connection);
      return round;
    });
    expect(held).toEqual({ locked: false, markers: 0, pairs: 0 });
    expect((await refreshCarrierPerformanceRollup(db)).markers).toBe(3);
  });

  it('merges equal transit hours from many days, both edges and two merchants into exact percentiles', async () => {
    // Ties across rollup rows and edges meet in one (group, hour) entry of the merged histogram;
    // a lane with one delivered shipment has rank 0 only. Both must interpolate as percentile_cont.
    const merchantC = await createMerchant(db);
    const rows: Array<[string, number, number]> = [];
    for (let day = 0; day < 12; day += 1) {
      for (const hours of [30, 30, 54, 54, 54, 97, 200]) rows.push([day % 2 === 0 ? merchantC : merchantB, day, hours]);
    }
    rows.push([merchantC, 29.7, 54], [merchantC, 0.2, 30], [merchantC, 5, 413]);
    for (const [merchantId, daysAgo, hours] of rows) {
      const createdAt = new Date(now - daysAgo * DAY - 3 * HOUR);
      const pickedUpAt = new Date(createdAt.getTime() + HOUR);
      const lane = hours === 413 ? (['HK', 'GB'] as const) : (['CN', 'US'] as const);
      await seedShipment(db, {
        merchantId, carrier: 'ups', origin: lane[0], destination: lane[1], status: 'delivered', createdAt, pickedUpAt,
        deliveredAt: new Date(pickedUpAt.getTime() + hours * HOUR + 10 * 60_000), buyerTimezone: 'Europe/Berlin',
      });
    }
    await drainCarrierPerformanceRollup(db);
    await expectEqualToShipments();
    for (const groupBy of ['lane', 'carrier'] as const) {
      const q: PerformanceQuery = { from: new Date(now - 30 * DAY), to: new Date(now), scope: [merchantC], groupBy, carrier: 'ups' };
      const expected = await carrierPerformanceFromShipments(db, q);
      expect(expected.length).toBeGreaterThan(0);
      expect(await carrierPerformance(db, q)).toEqual(expected);
    }
  });

  it('serves the endpoint from the rollup: a viewer of merchant A gets exactly A\'s numbers', async () => {
    const from = '2026-01-20';
    const to = '2026-03-01';
    const response = await t.get(`/v1/reports/carrier-performance?from=${from}&to=${to}`, [merchantA]);
    expect(response.status).toBe(200);
    const expected = await carrierPerformanceFromShipments(db, { from: new Date(`${from}T00:00:00Z`), to: new Date('2026-03-02T00:00:00Z'), scope: [merchantA], groupBy: 'lane' });
    expect(response.body.rows.map((r: { carrier: string; shipments: number; medianTransitDays: number | null; p90TransitDays: number | null }) => [r.carrier, r.shipments, r.medianTransitDays, r.p90TransitDays])).toEqual(
      expected.map((r) => [r.carrier, r.shipments, r.median_transit_days, r.p90_transit_days]),
    );
    const all = await carrierPerformanceFromShipments(db, { from: new Date(`${from}T00:00:00Z`), to: new Date('2026-03-02T00:00:00Z'), scope: null, groupBy: 'lane' });
    const total = (rows: Array<{ shipments: number }>) => rows.reduce((sum, row) => sum + row.shipments, 0);
    expect(total(response.body.rows)).toBeLessThan(total(all));
    const foreign = await t.get(`/v1/reports/carrier-performance?from=${from}&to=${to}&merchantId=${merchantB}`, [merchantA]);
    expect(foreign.status).toBe(200);
    expect(foreign.body.rows).toEqual([]);
  });
});
