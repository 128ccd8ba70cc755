// Bulk loader for the reports bench: 1,000,000 shipments of ~20 merchants on 10 carriers and
// 30 lanes, with exceptions and 10 checkpoints each (10,000,000 rows in the partitioned
// checkpoints table), generated inside PostgreSQL by INSERT ... SELECT over generate_series
// (no rows cross the wire), in chunks spread over parallel connections.
//
// Proportions (per shipment, registered uniformly over the 180 days before NOW):
//   older than 25 days: 90% delivered, 2% returned, 1% lost, 7% stalled in transit;
//   8 to 25 days: 45% delivered, 8% stalled, the rest moving; younger: 8% stalled, some
//   label-only (never scanned). 80% have a promised date (12-19 days after registration).
//   Polling stops (active = false) a week after delivery or return.
//   Exceptions: stalled -> open `stalled`, lost -> `lost`, returned -> `returning`, label-only
//   older than 3 days -> `not_picked_up`, 5% of moving -> open `customs_hold`, 10% of
//   delivered -> a resolved customs_hold, late, failed_delivery or damaged.
import { sql, type Kysely } from 'kysely';
import { drainCarrierPerformanceRollup, type Database } from '@parcelwatch/db';

export const CARRIERS = ['yunexpress', 'china-post', '4px', 'cainiao', 'yanwen', 'ups', 'dhl', 'fedex', 'usps', 'dpd'] as const;
export const MERCHANTS = 20;
export const benchMerchantId = (n: number) => sql<string>`md5('bench-merchant-' || ${n}::int)::uuid`;

const CARRIER_ARRAY = sql.raw(`ARRAY[${CARRIERS.map((c) => `'${c}'`).join(',')}]`);
const DESTINATIONS = sql.raw(`ARRAY['US','US','US','US','US','DE','DE','GB','GB','FR','CA','AU','ES','IT','NL']`);
const ZONES = sql.raw(`ARRAY['America/New_York','America/Chicago','America/Los_Angeles','Europe/Berlin','Europe/London','Europe/Paris','America/Toronto','Australia/Sydney']`);

async function loadShipments(db: Kysely<Database>, now: Date, lo: number, hi: number): Promise<void> {
  await sql`
    WITH base AS (
      SELECT g,
        1 + floor(power(random(), 1.6) * ${MERCHANTS})::int AS merchant,
        (${CARRIER_ARRAY})[1 + floor(power(random(), 1.3) * 10)::int] AS carrier,
        CASE WHEN random() < 0.9 THEN 'CN' ELSE 'HK' END AS origin,
        (${DESTINATIONS})[1 + floor(random() * 15)::int] AS destination,
        (${ZONES})[1 + floor(random() * 8)::int] AS tz,
        random() * 180 AS age, random() AS fate, random() AS r2, random() AS r3
      FROM generate_series(${lo}::int, ${hi}::int) AS g
    ), shaped AS (
      SELECT b.*, ${now}::timestamptz - b.age * interval '1 day' AS created_at,
        CASE
          WHEN b.age > 25 AND b.fate < 0.90 THEN 'delivered'
          WHEN b.age > 25 AND b.fate < 0.92 THEN 'returned'
          WHEN b.age > 25 AND b.fate < 0.93 THEN 'lost'
          WHEN b.age > 25 THEN 'stalled'
          WHEN b.age > 8 AND b.fate < 0.45 THEN 'delivered'
          WHEN b.age > 2 AND b.fate > 0.92 THEN 'stalled'
          WHEN b.age < 4 AND b.fate < 0.3 THEN 'label'
          ELSE 'moving'
        END AS kind,
        CASE WHEN b.carrier IN ('ups', 'dhl', 'fedex') THEN 4 + b.r3 * 6 ELSE 7 + b.r3 * 18 END AS transit
      FROM base b
    ), timed AS (
      SELECT s.*,
        CASE WHEN s.kind = 'label' THEN NULL ELSE least(s.created_at + (0.3 + s.r2) * interval '1 day', ${now}::timestamptz - interval '1 hour') END AS picked_up_at
      FROM shaped s
    ), final AS (
      SELECT t.*,
        CASE
          WHEN t.kind = 'delivered' THEN least(t.picked_up_at + t.transit * interval '1 day', ${now}::timestamptz - interval '1 hour')
          WHEN t.kind IN ('returned', 'lost') THEN t.created_at + t.age * 0.5 * interval '1 day'
          WHEN t.kind = 'stalled' THEN greatest(t.picked_up_at, ${now}::timestamptz - (5 + t.r3 * greatest(least(t.age, 60) - 5, 0)) * interval '1 day')
          WHEN t.kind = 'moving' THEN greatest(t.picked_up_at, ${now}::timestamptz - t.r3 * 3 * interval '1 day')
        END AS last_scan
      FROM timed t
    )
    INSERT INTO shipments (id, merchant_id, order_id, tracking_number, carrier, provider, origin_country, destination_country,
      status, status_reason, status_at, last_checkpoint_at, info_received_at, picked_up_at, delivered_at, returned_at, exception_at,
      promised_delivery_date, buyer_timezone, active, created_at, updated_at)
    SELECT md5('bench-shipment-' || f.g)::uuid, md5('bench-merchant-' || f.merchant)::uuid, 'ORD-' || f.g, 'BN' || lpad(f.g::text, 10, '0'),
      f.carrier, '17track', f.origin, f.destination,
      CASE f.kind WHEN 'delivered' THEN 'delivered' WHEN 'returned' THEN 'exception' WHEN 'lost' THEN 'exception'
        WHEN 'label' THEN 'info_received' ELSE CASE WHEN f.r2 < 0.08 THEN 'out_for_delivery' ELSE 'in_transit' END END,
      CASE f.kind WHEN 'returned' THEN 'returned' WHEN 'lost' THEN 'lost' WHEN 'delivered' THEN 'signed' ELSE NULL END,
      coalesce(f.last_scan, f.created_at), f.last_scan, f.created_at, f.picked_up_at,
      CASE WHEN f.kind = 'delivered' THEN f.last_scan END,
      CASE WHEN f.kind = 'returned' THEN f.last_scan END,
      CASE WHEN f.kind IN ('returned', 'lost') THEN f.last_scan END,
      CASE WHEN f.r3 < 0.8 THEN (f.created_at + (12 + floor(f.r2 * 8)) * interval '1 day')::date END,
      f.tz,
      NOT (f.kind IN ('delivered', 'returned') AND f.last_scan < ${now}::timestamptz - interval '7 days'),
      f.created_at, f.created_at
    FROM final f`.execute(db);
}

async function loadExceptions(db: Kysely<Database>, now: Date, lo: number, hi: number): Promise<void> {
  await sql`
    INSERT INTO exceptions (id, shipment_id, merchant_id, kind, status, severity, opened_at, resolved_at, resolution)
    SELECT md5('bench-exception-' || s.id)::uuid, s.id, s.merchant_id, x.kind,
      CASE WHEN x.resolved THEN 'resolved' ELSE 'open' END, 'medium', x.opened_at,
      CASE WHEN x.resolved THEN least(x.opened_at + interval '2 days', ${now}::timestamptz) END,
      CASE WHEN x.resolved THEN 'delivered' END
    FROM generate_series(${lo}::int, ${hi}::int) AS g
    JOIN shipments s ON s.id = md5('bench-shipment-' || g)::uuid
    -- Refers to s so the planner draws a number per row, not once.
    CROSS JOIN LATERAL (SELECT random() AS r, s.id AS sid) AS rnd
    CROSS JOIN LATERAL (
      SELECT
        CASE
          WHEN s.status_reason = 'lost' THEN 'lost'
          WHEN s.status_reason = 'returned' THEN 'returning'
          WHEN s.status = 'info_received' AND s.created_at < ${now}::timestamptz - interval '3 days' THEN 'not_picked_up'
          WHEN s.status IN ('in_transit', 'out_for_delivery') AND s.last_checkpoint_at <= ${now}::timestamptz - interval '5 days' THEN 'stalled'
          WHEN s.status IN ('in_transit', 'out_for_delivery') AND rnd.r < 0.05 THEN 'customs_hold'
          WHEN s.status = 'delivered' AND rnd.r < 0.04 THEN 'customs_hold'
          WHEN s.status = 'delivered' AND rnd.r < 0.07 THEN 'late'
          WHEN s.status = 'delivered' AND rnd.r < 0.09 THEN 'failed_delivery'
          WHEN s.status = 'delivered' AND rnd.r < 0.10 THEN 'damaged'
        END AS kind,
        s.status = 'delivered' AS resolved,
        CASE
          WHEN s.status = 'info_received' THEN s.created_at + interval '3 days'
          WHEN s.status IN ('in_transit', 'out_for_delivery') AND s.last_checkpoint_at <= ${now}::timestamptz - interval '5 days' THEN s.last_checkpoint_at + interval '5 days'
          ELSE s.picked_up_at + (s.last_checkpoint_at - s.picked_up_at) * 0.5
        END AS opened_at
    ) AS x
    WHERE x.kind IS NOT NULL AND x.opened_at IS NOT NULL`.execute(db);
}

async function loadCheckpoints(db: Kysely<Database>, lo: number, hi: number, perShipment: number): Promise<void> {
  await sql`
    INSERT INTO checkpoints (shipment_id, occurred_at, local_time, utc_offset_minutes, milestone, reason, city, country,
      raw_code, raw_text, source, provider, fingerprint)
    SELECT s.id, c.at,
      to_char((c.at AT TIME ZONE 'UTC') + make_interval(mins => c.offset_minutes), 'YYYY-MM-DD"T"HH24:MI:SS'), c.offset_minutes,
      c.milestone, NULL, CASE WHEN k <= ${perShipment / 2} THEN 'Shenzhen' ELSE 'Chicago' END,
      CASE WHEN k <= ${perShipment / 2} THEN s.origin_country ELSE s.destination_country END,
      'E' || k, 'Scan ' || k, 'poll', '17track', md5(s.id::text || ':' || k) || md5(k || ':' || s.id::text)
    FROM generate_series(${lo}::int, ${hi}::int) AS g
    JOIN shipments s ON s.id = md5('bench-shipment-' || g)::uuid
    CROSS JOIN generate_series(1, ${perShipment}::int) AS k
    CROSS JOIN LATERAL (
      SELECT
        CASE WHEN s.last_checkpoint_at IS NULL THEN s.created_at + k * interval '1 minute'
          ELSE s.created_at + (s.last_checkpoint_at - s.created_at) * (k::float8 / ${perShipment}) END AS at,
        CASE WHEN k <= ${perShipment / 2} THEN 480 ELSE -300 END AS offset_minutes,
        CASE WHEN k = 1 OR s.last_checkpoint_at IS NULL THEN 'info_received'
          WHEN k = ${perShipment} AND s.status IN ('delivered', 'exception', 'out_for_delivery') THEN s.status
          ELSE 'in_transit' END AS milestone
    ) AS c`.execute(db);
}

/**
 * One chunk in its own transaction, loaded the way pg_restore --disable-triggers does: the
 * foreign-key triggers are off (every row is generated from an existing shipment, so the
 * checks could only pass) and the commit does not wait for the WAL flush.
 */
async function bulk(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<void>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    await sql`SET LOCAL synchronous_commit = off`.execute(trx);
    await work(trx);
  });
}

/** Runs `work(lo, hi)` over [1, total] in chunks, `parallel` at once. */
async function chunked(total: number, chunk: number, parallel: number, work: (lo: number, hi: number) => Promise<void>): Promise<void> {
  let next = 1;
  const worker = async () => {
    while (next <= total) {
      const lo = next;
      next += chunk;
      await work(lo, Math.min(lo + chunk - 1, total));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/**
 * Runs `work` with the table's secondary indexes (and, with `constraints`, its primary-key and
 * unique constraints) dropped, then builds them again from their own definitions. Keys here are
 * random (md5 and v4 uuids): inserting them into live b-trees with a small shared_buffers
 * thrashes, while a sorted build after the load is one pass per index.
 */
async function withIndexesDeferred(db: Kysely<Database>, table: string, constraints: boolean, work: () => Promise<void>): Promise<number> {
  const defs = await sql<{ drop_sql: string; create_sql: string }>`
    SELECT format('ALTER TABLE %I DROP CONSTRAINT %I', ${table}::text, c.conname) AS drop_sql,
      format('ALTER TABLE %I ADD CONSTRAINT %I %s', ${table}::text, c.conname, pg_get_constraintdef(c.oid)) AS create_sql
    FROM pg_constraint c WHERE c.conrelid = ${table}::regclass AND c.contype IN ('p', 'u') AND ${constraints}
    UNION ALL
    SELECT format('DROP INDEX %I', i.relname), replace(pg_get_indexdef(i.oid), ' ON ONLY ', ' ON ')
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid = ${table}::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`.execute(db);
  for (const def of defs.rows) await sql.raw(def.drop_sql).execute(db);
  await work();
  const started = performance.now();
  await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL maintenance_work_mem = '512MB'`.execute(trx);
    for (const def of defs.rows) await sql.raw(def.create_sql).execute(trx);
  });
  return performance.now() - started;
}

export interface LoadCounts {
  shipments: number;
  exceptions: number;
  checkpoints: number;
}

export async function loadReportData(db: Kysely<Database>, options: { now: Date; shipments: number; checkpointsPerShipment: number; parallel: number; log: (line: string) => void }): Promise<LoadCounts> {
  const { now, shipments, parallel, log } = options;
  await sql`INSERT INTO merchants (id, name) SELECT md5('bench-merchant-' || m)::uuid, 'Bench merchant ' || m FROM generate_series(1, ${MERCHANTS}::int) AS m`.execute(db);
  let started = performance.now();
  let indexMs = await withIndexesDeferred(db, 'shipments', false, () => chunked(shipments, 50_000, parallel, (lo, hi) => bulk(db, (trx) => loadShipments(trx, now, lo, hi))));
  log(`shipments loaded in ${Math.round(performance.now() - started)} ms (indexes built in ${Math.round(indexMs)} ms)`);
  started = performance.now();
  await chunked(shipments, 100_000, parallel, (lo, hi) => bulk(db, (trx) => loadExceptions(trx, now, lo, hi)));
  log(`exceptions loaded in ${Math.round(performance.now() - started)} ms`);
  started = performance.now();
  indexMs = await withIndexesDeferred(db, 'checkpoints', true, () =>
    chunked(shipments, 20_000, parallel, (lo, hi) => bulk(db, (trx) => loadCheckpoints(trx, lo, hi, options.checkpointsPerShipment))),
  );
  log(`checkpoints loaded in ${Math.round(performance.now() - started)} ms (keys and indexes built in ${Math.round(indexMs)} ms)`);
  started = performance.now();
  await sql`VACUUM ANALYZE shipments`.execute(db);
  await sql`VACUUM ANALYZE exceptions`.execute(db);
  await sql`ANALYZE checkpoints`.execute(db);
  await sql`CHECKPOINT`.execute(db);
  log(`vacuum, analyze and checkpoint in ${Math.round(performance.now() - started)} ms`);
  // The bulk chunks ran with triggers off (session_replication_role = replica), so they left no
  // stale markers: add the ones the shipment insert trigger would have written (one per
  // merchant and registration day), then let the production rollup job build the rollup.
  started = performance.now();
  await sql`INSERT INTO carrier_performance_stale (merchant_id, day) SELECT DISTINCT merchant_id, (created_at AT TIME ZONE 'UTC')::date FROM shipments`.execute(db);
  const rolled = await drainCarrierPerformanceRollup(db);
  await sql`VACUUM ANALYZE carrier_performance_daily`.execute(db);
  await sql`VACUUM ANALYZE carrier_performance_stale`.execute(db);
  log(`carrier performance rollup: ${rolled.pairs} (merchant, day) pairs by the rollup job in ${Math.round(performance.now() - started)} ms`);
  const count = async (table: 'shipments' | 'exceptions' | 'checkpoints') =>
    Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db)).rows[0]?.n ?? 0);
  return { shipments: await count('shipments'), exceptions: await count('exceptions'), checkpoints: await count('checkpoints') };
}
