// `npm run bench -- normalizer`: Kafka -> normalizer -> PostgreSQL throughput, against a baseline
// measured in the same run on the same machine: the same checkpoint rows consumed with plain
// kafkajs and loaded with COPY, with no mapping, dedupe, state or events.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { KafkaBus } from '@parcelwatch/bus';
import { checkpointFingerprint, mapPayload, type NormalizedCheckpoint } from '@parcelwatch/carriers';
import { createEvent, EVENT_TYPES, idFromName, newId } from '@parcelwatch/contracts';
import { createDb, migrateToLatest } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createNormalizerService } from '@parcelwatch/normalizer';
import { systemClock } from '@parcelwatch/service-kit';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { benchDatabase, benchKafka } from './bench-infra.js';
import { record, scaled } from './results.js';

const SNAPSHOTS = Number(process.env['BENCH_SNAPSHOTS'] ?? scaled(2000, 100));
const SCANS_PER_SNAPSHOT = 10;
const PARTITIONS = 4;
const BATCH = Number(process.env['BENCH_BATCH'] ?? 500);
/** Snapshots through a throw-away normalizer before timing: the broker's group coordinator and the JIT warm. */
const WARMUP = 50;
const TIMEOUT_MS = 10 * 60_000;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const logger = createLogger({ name: 'bench', level: 'warn' });

const FEDEX_FIXTURE = path.resolve(import.meta.dirname, '../packages/carriers/test/fixtures/fedex/track-delivered.json');
const JOURNEY_CODES = ['OC', 'PU', 'AR', 'DP', 'AR', 'DP', 'AR', 'DP', 'OD', 'DL'] as const;
const CITIES = ['Shenzhen', 'Hong Kong', 'Anchorage', 'Memphis', 'Indianapolis', 'Columbus', 'Newark', 'Edison', 'Brooklyn', 'Brooklyn'];

interface BenchShipment {
  shipmentId: string;
  trackingNumber: string;
  body: unknown;
}

type FedexBody = { output: { completeTrackResults: Array<{ trackingNumber: string; trackResults: Array<Record<string, unknown> & { scanEvents: unknown[] }> }> } };

/** A FedEx Track API response (the carrier's wire format) with a 10-scan journey, one per shipment. */
function fedexJourney(template: FedexBody, index: number): BenchShipment {
  const trackingNumber = String(700_000_000_000 + index);
  const body = structuredClone(template);
  const complete = body.output.completeTrackResults[0];
  const result = complete?.trackResults[0];
  if (!complete || !result) throw new Error('unexpected FedEx fixture shape');
  const scanTemplate = result.scanEvents[2] as Record<string, unknown>;
  complete.trackingNumber = trackingNumber;
  result['trackingNumberInfo'] = { trackingNumber, trackingNumberUniqueId: `12027~${trackingNumber}~FDEG`, carrierCode: 'FDXG' };
  const start = Date.UTC(2025, 2, 1) + index * 60_000;
  result.scanEvents = JOURNEY_CODES.map((code, k) => ({
    ...scanTemplate,
    date: new Date(start + k * 7 * 3600_000).toISOString().replace('.000Z', '+00:00'),
    eventType: code,
    eventDescription: `${code} scan ${k}`,
    scanLocation: { streetLines: [''], city: CITIES[k], countryCode: k < 2 ? 'CN' : 'US', residential: false },
  })).reverse();
  return { shipmentId: idFromName('bench-shipment', trackingNumber), trackingNumber, body };
}

const MERCHANT_ID = idFromName('merchant', 'bench');

function snapshotEnvelope(shipment: BenchShipment) {
  const text = JSON.stringify(shipment.body);
  return createEvent(EVENT_TYPES.trackingSnapshotCaptured, {
    merchantid: MERCHANT_ID,
    source: 'parcelwatch/bench',
    data: {
      shipmentId: shipment.shipmentId,
      snapshotId: newId(),
      provider: 'fedex',
      carrier: 'fedex',
      trackingNumber: shipment.trackingNumber,
      source: 'poll',
      fetchedAt: '2025-03-10T00:00:00Z',
      httpStatus: 200,
      sha256: createHash('sha256').update(text).digest('hex'),
      payload: { encoding: 'json', body: shipment.body },
      metadata: {},
    },
  } as never);
}

// COPY text format: tab-separated, \N for null, backslash escapes.
function copyField(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

const COPY_COLUMNS = 'id, shipment_id, occurred_at, local_time, utc_offset_minutes, zone_unknown, milestone, reason, location_text, city, state, country, postal_code, raw_code, raw_text, source, provider, fingerprint, snapshot_id';

/** The rows the normalizer would store for a shipment, as COPY lines (computed before timing). */
function copyLines(shipment: BenchShipment, snapshotId: string): string {
  const mapped = mapPayload('fedex', shipment.body, { trackingNumber: shipment.trackingNumber });
  return mapped.checkpoints
    .map((c: NormalizedCheckpoint) => {
      const fingerprint = checkpointFingerprint(shipment.shipmentId, c);
      const l = c.location;
      return [idFromName('checkpoint', shipment.shipmentId, fingerprint), shipment.shipmentId, c.occurredAt, c.localTime, c.utcOffsetMinutes, c.zoneUnknown,
        c.milestone, c.reason, l.text, l.city, l.region, l.countryCode, l.postalCode, c.rawCode, c.rawText, 'poll', 'fedex', fingerprint, snapshotId]
        .map(copyField)
        .join('\t');
    })
    .join('\n') + '\n';
}

async function waitForCount(pool: pg.Pool, table: string, expected: number): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    if (Number(rows[0]?.n) >= expected) return;
    if (Date.now() > deadline) throw new Error(`timed out: ${rows[0]?.n}/${expected} rows in ${table}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function run(): Promise<void> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const kafka = await benchKafka(log);
    cleanups.unshift(() => kafka.stop());
    const database = await benchDatabase();
    cleanups.unshift(() => database.drop());
    const db = await createDb({ kind: 'postgres', url: database.url, max: 6 });
    cleanups.unshift(() => db.destroy());
    await migrateToLatest(db);
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    cleanups.unshift(() => pool.end());

    const template = JSON.parse(readFileSync(FEDEX_FIXTURE, 'utf8')) as FedexBody;
    const shipments = Array.from({ length: SNAPSHOTS }, (_, i) => fedexJourney(template, i));
    const warmupShipments = Array.from({ length: WARMUP }, (_, i) => fedexJourney(template, SNAPSHOTS + i));
    await db.insertInto('merchants').values({ id: MERCHANT_ID, name: 'Bench shop' }).execute();
    const seeded = [...shipments, ...warmupShipments];
    for (let i = 0; i < seeded.length; i += 1000) {
      const slice = seeded.slice(i, i + 1000);
      await db.insertInto('shipments').values(slice.map((s) => ({
        id: s.shipmentId, merchant_id: MERCHANT_ID, order_id: `bench-${s.trackingNumber}`, tracking_number: s.trackingNumber, carrier: 'fedex', provider: 'fedex',
      }))).execute();
    }
    const expected = SNAPSHOTS * SCANS_PER_SNAPSHOT;
    log(`seeded ${SNAPSHOTS} shipments in ${database.url.replace(/\/\/[^@]*@/, '//')}`);

    const tag = randomBytes(3).toString('hex');
    const topics = { trackingSnapshots: `bench.tracking.snapshots.${tag}`, shipmentEvents: `bench.shipment.events.${tag}`, rows: `bench.checkpoint.rows.${tag}` };
    const warmupTopic = `bench.warmup.snapshots.${tag}`;
    // Fetches large enough for chunks of BATCH snapshots (~5 KB each): fewer, bigger transactions.
    const bus = new KafkaBus({ brokers: kafka.brokers, clientId: 'bench', logger, consumer: { maxBytesPerPartition: 8 * 1024 * 1024 } });
    await bus.connect();
    cleanups.unshift(() => bus.disconnect());
    await bus.ensureTopics([
      { name: topics.trackingSnapshots, partitions: PARTITIONS, dlq: true },
      { name: topics.shipmentEvents, partitions: PARTITIONS },
      { name: topics.rows, partitions: PARTITIONS },
      { name: warmupTopic, partitions: PARTITIONS },
    ]);
    const envelopes = shipments.map(snapshotEnvelope);
    for (let i = 0; i < envelopes.length; i += 250) await bus.publish(topics.trackingSnapshots, envelopes.slice(i, i + 250));
    // The baseline's input: the same checkpoint rows, one message per snapshot, already in COPY form.
    const rowRecords = shipments.map((s, i) => ({ topic: topics.rows, key: s.shipmentId, value: copyLines(s, envelopes[i]?.data.snapshotId ?? '') }));
    for (let i = 0; i < rowRecords.length; i += 250) await bus.send(rowRecords.slice(i, i + 250));
    log(`produced ${SNAPSHOTS} snapshots x ${SCANS_PER_SNAPSHOT} checkpoints to ${topics.trackingSnapshots}`);

    // 0. Warm-up, not timed: on a fresh broker the first group join meets a coordinator still
    // loading its offsets partition (a crash and a restart of the consumer), which the baseline,
    // joining later, never meets. Its own topic and group: the timed run still joins a new group.
    await bus.publish(warmupTopic, warmupShipments.map(snapshotEnvelope));
    const warmup = createNormalizerService({
      db, bus, logger, clock: systemClock, topics: { trackingSnapshots: warmupTopic, shipmentEvents: topics.shipmentEvents }, groupId: `bench-warmup-${tag}`,
      maxBatchSize: BATCH, concurrency: PARTITIONS,
    });
    await warmup.start();
    await waitForCount(pool, 'checkpoints', WARMUP * SCANS_PER_SNAPSHOT);
    await warmup.stop();
    await pool.query('TRUNCATE checkpoints; DELETE FROM outbox');
    log(`warm-up: ${WARMUP} snapshots through a normalizer of their own`);

    // 1. The normalizer: parse, map, dedupe, state, events into the outbox, one transaction per chunk.
    const normalizer = createNormalizerService({ db, bus, logger, clock: systemClock, topics, maxBatchSize: BATCH, concurrency: PARTITIONS });
    const started = performance.now();
    await normalizer.start();
    await waitForCount(pool, 'checkpoints', expected);
    const normalizerSeconds = (performance.now() - started) / 1000;
    await normalizer.stop();
    const normalizerRate = expected / normalizerSeconds;
    const { rows: check } = await pool.query<{ delivered: string; outbox: string }>(
      `SELECT (SELECT count(*) FROM shipments WHERE status = 'delivered') AS delivered, (SELECT count(*) FROM outbox) AS outbox`,
    );
    log(`normalizer stored ${expected} checkpoints in ${normalizerSeconds.toFixed(2)} s; ${check[0]?.delivered} shipments delivered, ${check[0]?.outbox} events in the outbox`);

    // 2. The baseline: the same rows into the same (emptied) table with COPY, no logic at all.
    await pool.query('TRUNCATE checkpoints');
    const consumerKafka = new Kafka({ clientId: 'bench-baseline', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    const consumer = consumerKafka.consumer({ groupId: `bench-baseline-${tag}` });
    await consumer.connect();
    cleanups.unshift(() => consumer.disconnect());
    await consumer.subscribe({ topic: topics.rows, fromBeginning: true });
    const baselineStarted = performance.now();
    await consumer.run({
      partitionsConsumedConcurrently: PARTITIONS,
      eachBatch: async ({ batch }) => {
        const client = await pool.connect();
        try {
          const copy = client.query(copyStreams.from(`COPY checkpoints (${COPY_COLUMNS}) FROM STDIN`));
          await pipeline(Readable.from(batch.messages.map((m) => m.value ?? Buffer.alloc(0))), copy);
        } finally {
          client.release();
        }
      },
    });
    await waitForCount(pool, 'checkpoints', expected);
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    await consumer.stop();
    const baselineRate = expected / baselineSeconds;
    log(`baseline copied ${expected} checkpoints in ${baselineSeconds.toFixed(2)} s`);
    record({
      name: 'normalizer throughput (Kafka -> map, dedupe, state, outbox -> PostgreSQL)',
      value: normalizerRate,
      unit: 'checkpoints/s',
      better: 'higher',
      baseline: { name: 'plain kafkajs consumer + COPY of the same rows', value: baselineRate },
      context: { snapshots: SNAPSHOTS, checkpoints: expected, partitions: PARTITIONS, batch: BATCH },
    });
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((err: unknown) => log(`cleanup failed: ${String(err)}`));
  }
}
