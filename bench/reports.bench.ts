// `npm run bench -- reports`: the ops reports on 1,000,000 shipments and 10,000,000 checkpoints
// in a fresh database on the loopback PostgreSQL. Prints p50 and p95 over RUNS runs of the
// stuck-parcel query (first page of 50, as GET /v1/reports/stuck runs it, for all merchants)
// with no filter and under each single filter, a later page by cursor, and the carrier
// performance report over 90 days; beside a baseline measured in the same run on the same rows:
// a plain `SELECT count(*) FROM shipments WHERE active`.
import { createApiService } from '@parcelwatch/api';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import {
  carrierPerformance,
  carrierPerformanceFromShipments,
  countStaleCarrierPerformance,
  createDb,
  drainCarrierPerformanceRollup,
  findStuckShipments,
  migrateToLatest,
  type Database,
  type PerformanceQuery,
  type StuckQuery,
} from '@parcelwatch/db';
import { isDeepStrictEqual } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { benchDatabase } from './bench-infra.js';
import { CARRIERS, loadReportData } from './reports-loader.js';
import { record, scaled } from './results.js';

const SHIPMENTS = Number(process.env['BENCH_SHIPMENTS'] ?? scaled(1_000_000, 10_000));
const CHECKPOINTS_PER_SHIPMENT = Number(process.env['BENCH_CHECKPOINTS_PER_SHIPMENT'] ?? 10);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 50);
const PARALLEL = Number(process.env['BENCH_PARALLEL'] ?? 2);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Figures {
  p50: number;
  p95: number;
  rows: number;
}

/** Warm once, then RUNS timed runs; nearest-rank percentiles. */
async function measure(work: () => Promise<number>, runs = RUNS): Promise<Figures> {
  await work();
  const times: number[] = [];
  let rows = 0;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    rows = await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const rank = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] ?? Number.NaN;
  return { p50: rank(50), p95: rank(95), rows };
}

const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(10);

/** results.json: a query's p95 beside the count(*) baseline's p95 in the same run. */
function recordQuery(name: string, figures: Figures, baseline: Figures): void {
  record({
    name: `${name} p95`,
    value: figures.p95,
    unit: 'ms',
    better: 'lower',
    baseline: { name: 'SELECT count(*) FROM shipments WHERE active, p95', value: baseline.p95 },
    context: { p50Ms: Math.round(figures.p50 * 10) / 10, rows: figures.rows, runs: RUNS, shipments: SHIPMENTS },
  });
}

async function stuckCases(db: Kysely<Database>, now: Date): Promise<Array<[string, Partial<StuckQuery>]>> {
  const merchant = (await sql<{ id: string }>`SELECT md5('bench-merchant-' || 7)::uuid::text AS id`.execute(db)).rows[0]!.id;
  const base: StuckQuery = { now, scope: null, filters: {}, sort: 'days_without_scan', order: 'desc', limit: 50 };
  const page = await findStuckShipments(db, { ...base, limit: 1000 });
  const last = page.rows.at(-1)!;
  return [
    ['no filter', {}],
    ['merchantId (1 of 20)', { filters: { merchantId: merchant } }],
    [`carrier=${CARRIERS[9]} (rarest)`, { filters: { carrier: CARRIERS[9] } }],
    ['carrier=yunexpress', { filters: { carrier: 'yunexpress' } }],
    ['origin=HK', { filters: { originCountry: 'HK' } }],
    ['destination=NL', { filters: { destinationCountry: 'NL' } }],
    ['milestone=info_received', { filters: { milestone: 'info_received' } }],
    ['milestone=out_for_delivery', { filters: { milestone: 'out_for_delivery' } }],
    ['exceptionKind=customs_hold', { filters: { exceptionKind: 'customs_hold' } }],
    ['exceptionKind=lost', { filters: { exceptionKind: 'lost' } }],
    ['minDays=14', { filters: { minDaysWithoutScan: 14 } }],
    ['promisedPassed=true', { filters: { promisedDatePassed: true } }],
    ['promisedPassed=false', { filters: { promisedDatePassed: false } }],
    ['sort=promised_date', { sort: 'promised_date', order: 'asc' }],
    ['sort=last_checkpoint', { sort: 'last_checkpoint', order: 'desc' }],
    ['page 21 (cursor after 1,000 rows)', { after: { key: last.sort_key, id: last.id } }],
  ].map(([name, overrides]) => [name as string, { ...base, ...(overrides as Partial<StuckQuery>) }]);
}

export async function run(): Promise<void> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    // BENCH_REUSE_DATABASE_URL: measure a database an earlier BENCH_KEEP_DATABASE=1 run loaded (plans, indexes).
    const reuse = process.env['BENCH_REUSE_DATABASE_URL'];
    const database = reuse === undefined ? await benchDatabase() : null;
    if (database !== null && process.env['BENCH_KEEP_DATABASE'] === '1') log(`keeping ${database.url}`);
    else if (database !== null) cleanups.unshift(() => database.drop());
    const db = await createDb({ kind: 'postgres', url: reuse ?? database!.url, max: PARALLEL + 1 });
    cleanups.unshift(() => db.destroy());
    await migrateToLatest(db);
    let now = new Date();
    if (database !== null) {
      const loadStarted = performance.now();
      const counts = await loadReportData(db, { now, shipments: SHIPMENTS, checkpointsPerShipment: CHECKPOINTS_PER_SHIPMENT, parallel: PARALLEL, log });
      const loadMs = performance.now() - loadStarted;
      const active = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM shipments WHERE active`.execute(db)).rows[0]?.n);
      console.log(`load: ${counts.shipments} shipments (${active} active), ${counts.exceptions} exceptions, ${counts.checkpoints} checkpoints in ${(loadMs / 1000).toFixed(1)} s (INSERT ... SELECT generate_series, ${PARALLEL} connections)`);
    } else {
      // The data's "now" is when it was loaded: the newest registration.
      now = (await sql<{ at: Date }>`SELECT max(created_at) AS at FROM shipments`.execute(db)).rows[0]!.at;
      // A database loaded before the rollup existed: its migration marked every pair stale.
      const stale = await countStaleCarrierPerformance(db);
      if (stale > 0) {
        const started = performance.now();
        const rolled = await drainCarrierPerformanceRollup(db);
        log(`carrier performance rollup: ${rolled.pairs} pairs by the rollup job in ${Math.round(performance.now() - started)} ms`);
      }
      await sql`ANALYZE`.execute(db);
    }

    const baseline = await measure(async () => {
      await sql`SELECT count(*) FROM shipments WHERE active`.execute(db);
      return 1;
    });
    console.log(`\nbaseline SELECT count(*) FROM shipments WHERE active: p50 ${ms(baseline.p50)}  p95 ${ms(baseline.p95)}  (${RUNS} runs)`);

    console.log(`\nstuck parcels, first page of 50 (${RUNS} runs each; aim p95 < 100 ms):`);
    console.log(`${'filter'.padEnd(36)} ${'p50'.padStart(10)} ${'p95'.padStart(10)}  rows  p95/baseline`);
    // BENCH_SKIP_STUCK=1: only the carrier performance figures (a second run on a kept database).
    for (const [name, query] of process.env['BENCH_SKIP_STUCK'] === '1' ? [] : await stuckCases(db, now)) {
      const figures = await measure(async () => (await findStuckShipments(db, query as StuckQuery)).rows.length);
      console.log(`${name.padEnd(36)} ${ms(figures.p50)} ${ms(figures.p95)}  ${String(figures.rows).padStart(4)}  ${(figures.p95 / baseline.p95).toFixed(2)}x`);
      recordQuery(`stuck parcels, ${name}`, figures, baseline);
    }

    const from = new Date(now.getTime() - 90 * 86_400_000);
    const performanceCases: Array<[string, PerformanceQuery]> = [
      ['groupBy=lane', { from, to: now, scope: null, groupBy: 'lane' }],
      ['groupBy=carrier', { from, to: now, scope: null, groupBy: 'carrier' }],
      ['groupBy=lane, carrier=ups', { from, to: now, scope: null, groupBy: 'lane', carrier: 'ups' }],
      ['groupBy=lane, merchant 7 of 20', { from, to: now, scope: [(await sql<{ id: string }>`SELECT md5('bench-merchant-' || 7)::uuid::text AS id`.execute(db)).rows[0]!.id], groupBy: 'lane' }],
    ];
    console.log(`\ncarrier performance over 90 days, from the daily rollup as the api serves it (${RUNS} runs each; aim p95 < 1 s):`);
    for (const [name, query] of performanceCases) {
      const figures = await measure(async () => (await carrierPerformance(db, query)).length);
      console.log(`${name.padEnd(36)} ${ms(figures.p50)} ${ms(figures.p95)}  ${String(figures.rows).padStart(4)}  ${(figures.p95 / baseline.p95).toFixed(2)}x`);
      recordQuery(`carrier performance 90 days, ${name}`, figures, baseline);
    }
    // The same request through HTTP: GET /v1/reports/carrier-performance on the api (access layer off: all merchants).
    const api = createApiService({ db, clock: fixedClock(now), logger: createLogger({ name: 'bench', level: 'silent' }), access: { enabled: false } });
    await api.start();
    cleanups.unshift(() => api.stop());
    const endpoint = `${api.url()}/v1/reports/carrier-performance?from=${from.toISOString()}&to=${now.toISOString()}`;
    const http = await measure(async () => {
      const response = await fetch(endpoint);
      if (response.status !== 200) throw new Error(`GET ${endpoint}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { rows: unknown[] }).rows.length;
    });
    console.log(`${'GET /v1/reports/carrier-performance'.padEnd(36)} ${ms(http.p50)} ${ms(http.p95)}  ${String(http.rows).padStart(4)}  ${(http.p95 / baseline.p95).toFixed(2)}x`);
    recordQuery('carrier performance 90 days, GET /v1/reports/carrier-performance (groupBy=lane)', http, baseline);

    const referenceRuns = Math.min(RUNS, 10);
    console.log(`\nthe same from shipments alone, without the rollup (${referenceRuns} runs each), and whether both agree:`);
    for (const [name, query] of performanceCases) {
      const figures = await measure(async () => (await carrierPerformanceFromShipments(db, query)).length, referenceRuns);
      const same = isDeepStrictEqual(await carrierPerformance(db, query), await carrierPerformanceFromShipments(db, query));
      console.log(`${name.padEnd(36)} ${ms(figures.p50)} ${ms(figures.p95)}  ${String(figures.rows).padStart(4)}  ${same ? 'equal' : 'DIFFERENT'}`);
      if (!same) process.exitCode = 1;
    }
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((err: unknown) => log(`cleanup failed: ${String(err)}`));
  }
}
