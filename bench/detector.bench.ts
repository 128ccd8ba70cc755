// `npm run bench -- detector`: the detector's time sweep over 1,000,000 active shipments of which
// 1% are due, against a baseline measured in the same run on the same rows: one plain
// SELECT ... FOR UPDATE SKIP LOCKED of the due shipments (through the detector's schedule, as
// the claim reads them) with no evaluation and no writes.
import { EmbeddedBus } from '@parcelwatch/bus';
import { idFromName } from '@parcelwatch/contracts';
import { createDb, migrateToLatest } from '@parcelwatch/db';
import { createDetectorService } from '@parcelwatch/detector';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import { sql } from 'kysely';
import { benchDatabase } from './bench-infra.js';
import { record, scaled } from './results.js';

const SHIPMENTS = Number(process.env['BENCH_SHIPMENTS'] ?? scaled(1_000_000, 10_000));
/** One shipment in DUE_EVERY is due (1%). */
const DUE_EVERY = 100;
const BATCH = Number(process.env['BENCH_BATCH'] ?? 2500);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 2);
const NOW = '2025-03-20T12:00:00Z';
/** Extra shipments due an hour before NOW: a first sweep over them warms the code path (JIT, caches) as in a running service. */
const WARMUP = 2000;
const WARMUP_AT = '2025-03-20T11:00:00Z';
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const logger = createLogger({ name: 'bench', level: 'warn' });
const MERCHANT_ID = idFromName('merchant', 'detector-bench');

const COLUMNS = sql.raw(`s.id, s.merchant_id, s.carrier, s.origin_country, s.destination_country, s.status, s.status_reason, s.status_at,
  s.last_checkpoint_at, s.created_at, s.info_received_at, s.picked_up_at, s.customs_cleared_at, s.out_for_delivery_at,
  s.available_for_pickup_at, s.delivered_at, s.returned_at, s.failed_attempts, s.promised_delivery_date, s.buyer_timezone, s.active`);
const shipmentId = (g: string) => sql.raw(`overlay(overlay(md5('detector-bench-' || ${g}) placing '4' from 13) placing '8' from 17)::uuid`);

/**
 * Every shipment in transit on CN -> US/DE lanes. The due 1% are in four states that fire:
 * a 6-day stall, a promise 4 days past in New York (late + tier 1 escalation + a delay), 3 days
 * in customs processing, and a 4-day-old label never scanned. The others were scanned a day ago
 * and are next due days from now. Ids are RFC 9562-shaped (version 4 bits) so events validate.
 */
async function seed(db: Awaited<ReturnType<typeof createDb>>): Promise<void> {
  await db.insertInto('merchants').values({ id: MERCHANT_ID, name: 'Bench shop' }).execute();
  const now = new Date(NOW);
  await sql`
    INSERT INTO shipments (id, merchant_id, order_id, tracking_number, carrier, provider, origin_country, destination_country,
      status, status_reason, status_at, last_checkpoint_at, info_received_at, picked_up_at, promised_delivery_date,
      buyer_timezone, created_at)
    SELECT
      ${shipmentId('g')},
      ${MERCHANT_ID}::uuid, 'order-' || g, 'BENCH' || g,
      (ARRAY['yunexpress', 'china-post', 'ups', 'dhl'])[1 + g % 4], '17track', 'CN', (ARRAY['US', 'DE'])[1 + g % 2],
      CASE WHEN due AND scenario = 3 THEN 'info_received' ELSE 'in_transit' END,
      CASE WHEN NOT due THEN 'arrived_hub' WHEN scenario = 2 THEN 'customs_processing' WHEN scenario = 3 THEN 'label_created' ELSE 'arrived_hub' END,
      ${now}::timestamptz - CASE WHEN NOT due THEN interval '1 day' WHEN scenario = 0 THEN interval '6 days'
        WHEN scenario = 2 THEN interval '3 days' WHEN scenario = 3 THEN interval '4 days' ELSE interval '1 day' END,
      ${now}::timestamptz - CASE WHEN NOT due THEN interval '1 day' WHEN scenario = 0 THEN interval '6 days'
        WHEN scenario = 2 THEN interval '3 days' WHEN scenario = 3 THEN interval '4 days' ELSE interval '1 day' END,
      ${now}::timestamptz - interval '9 days',
      CASE WHEN due AND scenario = 3 THEN NULL ELSE ${now}::timestamptz - interval '8 days' END,
      CASE WHEN due AND scenario = 1 THEN date '2025-03-15' ELSE NULL END,
      'America/New_York',
      ${now}::timestamptz - interval '9 days'
    FROM generate_series(1, ${SHIPMENTS + WARMUP}::int) AS g,
      LATERAL (SELECT g > ${SHIPMENTS} OR g % ${DUE_EVERY} = 0 AS due, (g / (CASE WHEN g > ${SHIPMENTS} THEN 1 ELSE ${DUE_EVERY} END)) % 4 AS scenario) AS s`.execute(db);
  // Every shipment has a deadline on the detector's schedule: the due ones a minute ago, the rest days from now.
  await sql`
    INSERT INTO detection_schedule (shipment_id, next_check_at)
    SELECT ${shipmentId('g')},
      CASE WHEN g > ${SHIPMENTS} THEN ${now}::timestamptz - interval '2 hours' WHEN g % ${DUE_EVERY} = 0 THEN ${now}::timestamptz - interval '1 minute'
        ELSE ${now}::timestamptz + (1 + g % 5) * interval '1 day' END
    FROM generate_series(1, ${SHIPMENTS + WARMUP}::int) AS g`.execute(db);
  await sql`VACUUM ANALYZE shipments`.execute(db);
  await sql`VACUUM ANALYZE detection_schedule`.execute(db);
  // Flush the seed's WAL now, so a checkpoint it triggers does not land inside the measurement.
  await sql`CHECKPOINT`.execute(db);
}

async function dueCount(db: Awaited<ReturnType<typeof createDb>>): Promise<number> {
  const row = await sql<{ n: number }>`SELECT count(*)::int AS n FROM detection_schedule WHERE next_check_at <= ${new Date(NOW)}`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}

/** The baseline: claim the same due rows in one statement, no logic, no writes (rolled back). */
async function baseline(db: Awaited<ReturnType<typeof createDb>>, limit: number): Promise<{ ms: number; rows: number }> {
  let rows = 0;
  const started = performance.now();
  await db
    .transaction()
    .execute(async (trx) => {
      const result = await sql`
        SELECT ${COLUMNS} FROM shipments s
        WHERE s.id = ANY (ARRAY(
          SELECT shipment_id FROM detection_schedule WHERE next_check_at <= ${new Date(NOW)}
          ORDER BY next_check_at LIMIT ${limit} FOR UPDATE SKIP LOCKED))
        FOR UPDATE OF s SKIP LOCKED`.execute(trx);
      rows = result.rows.length;
      throw new Rollback();
    })
    .catch((err: unknown) => {
      if (!(err instanceof Rollback)) throw err;
    });
  return { ms: performance.now() - started, rows };
}

class Rollback extends Error {}

export async function run(): Promise<void> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const database = await benchDatabase();
    cleanups.unshift(() => database.drop());
    const db = await createDb({ kind: 'postgres', url: database.url, max: CONCURRENCY + 2 });
    cleanups.unshift(() => db.destroy());
    await migrateToLatest(db);
    const seedStarted = performance.now();
    await seed(db);
    log(`seeded ${SHIPMENTS} active shipments and ${WARMUP} for a warm-up sweep in ${Math.round(performance.now() - seedStarted)} ms`);

    const bus = new EmbeddedBus({ logger });
    cleanups.unshift(() => bus.disconnect());
    const clock = fixedClock(WARMUP_AT);
    const detector = createDetectorService({ logger, clock, db, bus, sweep: { enabled: false, batchSize: BATCH, concurrency: CONCURRENCY } });
    const warm = await detector.sweepOnce();
    if (warm.shipments !== WARMUP) throw new Error(`warm-up swept ${warm.shipments} shipments, expected ${WARMUP}`);
    clock.set(NOW);
    const due = await dueCount(db);

    // Warm the same pages for both, then measure the baseline, then the sweep.
    await baseline(db, due);
    const plain = await baseline(db, due);
    const started = performance.now();
    const counts = await detector.sweepOnce();
    const sweepMs = performance.now() - started;

    const left = await dueCount(db);
    const outbox = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox`.execute(db);
    if (counts.shipments !== due || left !== 0 || Number(outbox.rows[0]?.n) !== warm.events + counts.events) {
      throw new Error(`sweep incomplete: evaluated ${counts.shipments} of ${due}, ${left} still due, ${outbox.rows[0]?.n} outbox rows for ${counts.events} events`);
    }
    log(`opened ${counts.opened}, escalated ${counts.escalated}, delays ${counts.delays}; batches of ${BATCH}, ${CONCURRENCY} at once`);
    console.log(`detector sweep: ${Math.round(sweepMs)} ms for ${counts.shipments} due shipments (of ${SHIPMENTS + WARMUP} active)`);
    console.log(`detector: ${Math.round(counts.events / (sweepMs / 1000))} events/s (${counts.events} events)`);
    console.log(`baseline (plain SELECT ... FOR UPDATE SKIP LOCKED of the ${plain.rows} due rows, no logic): ${Math.round(plain.ms)} ms; sweep/baseline = ${(sweepMs / plain.ms).toFixed(1)}x`);
    record({
      name: `detector sweep of ${counts.shipments} due shipments (1% of ${SHIPMENTS} active)`,
      value: sweepMs,
      unit: 'ms',
      better: 'lower',
      baseline: { name: 'plain SELECT ... FOR UPDATE SKIP LOCKED of the same due rows, no logic', value: plain.ms },
      context: { shipments: SHIPMENTS, due: counts.shipments, events: counts.events, batch: BATCH, concurrency: CONCURRENCY },
    });
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((err: unknown) => log(`cleanup failed: ${String(err)}`));
  }
}
