// `npm run bench -- pipeline`: carrier snapshots into tracking.snapshots (the poller's output topic)
// through the normalizer, the detector and the notifier to an email accepted by an SMTP server,
// on real Kafka and PostgreSQL (loopback), measured at the far end (notifications.sent_at):
//   1. end-to-end checkpoints/s; baseline: plain kafkajs produce -> consume of the same messages
//      (same count, same bytes) on the same broker;
//   2. p50/p99 latency snapshot ingested -> email sent at 1,000 checkpoints/s offered (100
//      snapshots/s of 10 scans, open loop: each snapshot's latency counts from when it was due
//      to be sent, so a stalled producer is not hidden); baseline: the same pacing and messages
//      through a bare Kafka round trip (produce -> consume);
//   3. the same at 300 checkpoints/s (BENCH_PIPELINE_LIGHT_RATE), below what this machine can
//      carry: the time one message takes when no queue has formed.
// Each service runs as main.ts wires it (its consumer settings, its own database pool, one outbox
// relay each at its default poll); the notifier's own dispatch loop runs rounds back to back while they are full and
// waits BENCH_DISPATCH_IDLE_MS (default 5 s, NOTIFIER_DISPATCH_INTERVAL_MS's default) after one that is not.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaBus, OutboxRelay } from '@parcelwatch/bus';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createDetectorService } from '@parcelwatch/detector';
import { createLogger } from '@parcelwatch/logger';
import { createNormalizerService } from '@parcelwatch/normalizer';
import { createEmailSender, createNotifierService, startSmtpSink } from '@parcelwatch/notifier';
import { systemClock } from '@parcelwatch/service-kit';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { sql, type Kysely } from 'kysely';
import { benchDatabase, benchKafka } from './bench-infra.js';
import { percentile, SCANS_PER_SNAPSHOT, seedWorkload, snapshotEnvelopes, workloadShipment, type WorkloadShipment } from './pipeline-workload.js';
import { stageBreakdown } from './pipeline-stages.js';
import { record, scaled } from './results.js';

const THROUGHPUT_SNAPSHOTS = Number(process.env['BENCH_PIPELINE_SNAPSHOTS'] ?? scaled(1000, 100));
const OFFERED_CHECKPOINTS_PER_SECOND = Number(process.env['BENCH_PIPELINE_RATE'] ?? 1000);
const LIGHT_CHECKPOINTS_PER_SECOND = Number(process.env['BENCH_PIPELINE_LIGHT_RATE'] ?? 300);
const LATENCY_SECONDS = Number(process.env['BENCH_LATENCY_SECONDS'] ?? scaled(20, 5));
const DISPATCH_IDLE_MS = Number(process.env['BENCH_DISPATCH_IDLE_MS'] ?? 5000);
const WARMUP_SNAPSHOTS = 50;
const PARTITIONS = 4;
const TIMEOUT_MS = 20 * 60_000;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const logger = createLogger({ name: 'bench', level: 'warn' });

type Envelope = ReturnType<typeof snapshotEnvelopes>[number];

/** Waits until `count` emails of these shipments are sent; their sent_at per shipment. */
async function sentTimes(db: Kysely<Database>, shipmentIds: readonly string[]): Promise<Map<string, number>> {
  const deadline = Date.now() + TIMEOUT_MS;
  const sent = new Map<string, number>();
  let waiting = [...shipmentIds];
  for (;;) {
    // Only the shipments not seen sent yet: the bench's own polling stays small beside the pipeline.
    const rows = await sql<{ shipment_id: string; sent_at: Date }>`
      SELECT shipment_id, sent_at FROM notifications WHERE status = 'sent' AND shipment_id = ANY(${waiting}::uuid[])`.execute(db);
    for (const row of rows.rows) sent.set(row.shipment_id, new Date(row.sent_at).getTime());
    waiting = waiting.filter((id) => !sent.has(id));
    if (waiting.length === 0) return sent;
    if (Date.now() > deadline) {
      const failed = await sql<{ n: number }>`SELECT count(*)::int AS n FROM notifications WHERE status <> 'sent'`.execute(db);
      throw new Error(`timed out: ${sent.size}/${shipmentIds.length} emails sent, ${failed.rows[0]?.n} notifications not sent`);
    }
    await sleep(200);
  }
}

/**
 * Open-loop pacing: message i is due at start + i / rate; whatever is due is sent in one call.
 * Returns each message's due time and the time the last send was acknowledged.
 */
async function paced<T>(items: readonly T[], perSecond: number, send: (slice: readonly T[]) => Promise<void>): Promise<{ due: number[]; start: number; end: number }> {
  const start = Date.now() + 100;
  const due = items.map((_, i) => start + (i * 1000) / perSecond);
  let next = 0;
  while (next < items.length) {
    const now = Date.now();
    let upto = next;
    while (upto < items.length && due[upto]! <= now) upto += 1;
    if (upto === next) {
      await sleep(Math.max(1, due[next]! - now));
      continue;
    }
    await send(items.slice(next, upto));
    next = upto;
  }
  return { due, start, end: Date.now() };
}

async function rawKafka(brokers: string[], tag: string, values: readonly string[], perSecond: number | null): Promise<{ seconds: number; latencies: number[]; achieved: number }> {
  const topic = `bench.raw.${tag}.${perSecond === null ? 'throughput' : `latency-${perSecond}`}`;
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const producer: Producer = kafka.producer();
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `${topic}.group` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: number[] = new Array<number>(values.length);
  let count = 0;
  let allIn: () => void = () => {};
  const finished = new Promise<void>((resolve) => (allIn = resolve));
  await consumer.run({
    eachMessage: async ({ message }) => {
      received[Number(message.key?.toString())] = Date.now();
      count += 1;
      if (count >= values.length) allIn();
    },
  });
  // Until the group has its partitions, a message would wait for the join, not for Kafka.
  const warm = `${topic}.warm`;
  await producer.send({ topic, messages: [{ key: String(values.length), value: warm }] });
  while (count === 0) await sleep(20);
  count = 0;
  const indexed = values.map((value, i) => ({ key: String(i), value }));
  try {
    if (perSecond === null) {
      const started = Date.now();
      for (let i = 0; i < indexed.length; i += 250) await producer.send({ topic, messages: indexed.slice(i, i + 250) });
      await finished;
      return { seconds: (Date.now() - started) / 1000, latencies: [], achieved: 0 };
    }
    const run = await paced(indexed, perSecond, async (slice) => {
      await producer.send({ topic, messages: [...slice] });
    });
    await finished;
    return { seconds: (run.end - run.start) / 1000, latencies: run.due.map((due, i) => received[i]! - due), achieved: indexed.length / ((run.end - run.start) / 1000) };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}

export async function run(): Promise<void> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const kafka = await benchKafka(log);
    cleanups.unshift(() => kafka.stop());
    const database = await benchDatabase();
    cleanups.unshift(() => database.drop());
    const db = await createDb({ kind: 'postgres', url: database.url, max: 12 });
    cleanups.unshift(() => db.destroy());
    await migrateToLatest(db);
    const smtp = await startSmtpSink();
    cleanups.unshift(() => smtp.close());

    const rates = [...new Set([OFFERED_CHECKPOINTS_PER_SECOND, LIGHT_CHECKPOINTS_PER_SECOND])];
    const latencyRuns = rates.map((rate) => ({
      rate,
      shipments: Array.from({ length: Math.round((LATENCY_SECONDS * rate) / SCANS_PER_SNAPSHOT) }, (_, i) => workloadShipment(`PWL${rate}X`, i)),
    }));
    const warmup = Array.from({ length: WARMUP_SNAPSHOTS }, (_, i) => workloadShipment('PWW', i));
    const throughput = Array.from({ length: THROUGHPUT_SNAPSHOTS }, (_, i) => workloadShipment('PWT', i));
    const latency = latencyRuns.flatMap((r) => r.shipments);
    await seedWorkload(db, [...warmup, ...throughput, ...latency]);
    await sql`VACUUM ANALYZE`.execute(db);
    log(`seeded ${warmup.length + throughput.length + latency.length} shipments with a buyer email`);

    const tag = randomBytes(3).toString('hex');
    const topics = {
      shipments: `bench.shipments.${tag}`,
      trackingSnapshots: `bench.tracking.snapshots.${tag}`,
      shipmentEvents: `bench.shipment.events.${tag}`,
      shipmentExceptions: `bench.shipment.exceptions.${tag}`,
      shipmentDelays: `bench.shipment.delays.${tag}`,
      compensations: `bench.compensations.${tag}`,
      notifications: `bench.notifications.${tag}`,
    };
    const bus = new KafkaBus({ brokers: kafka.brokers, clientId: 'bench-pipeline', logger });
    await bus.connect();
    cleanups.unshift(() => bus.disconnect());
    await bus.ensureTopics(Object.values(topics).map((name) => ({ name, partitions: PARTITIONS, dlq: true })));

    // A pool per service (createDb's default size), as each service's main.ts opens its own: one
    // stage's connections in use do not make another stage wait.
    const pools = await Promise.all([0, 1, 2].map(() => createDb({ kind: 'postgres', url: database.url })));
    cleanups.unshift(() => Promise.all(pools.map((pool) => pool.destroy())));
    const [normalizerDb, detectorDb, notifierDb] = pools as [Kysely<Database>, Kysely<Database>, Kysely<Database>];
    const deps = { logger, clock: systemClock, bus };
    const normalizer = createNormalizerService({ ...deps, db: normalizerDb, topics, groupId: `bench-normalizer-${tag}` });
    const detector = createDetectorService({ ...deps, db: detectorDb, topics, groupId: `bench-detector-${tag}`, sweep: { enabled: false } });
    const notifier = createNotifierService({
      ...deps,
      db: notifierDb,
      senders: [createEmailSender({ smtpUrl: smtp.url, defaultFrom: 'notifications@bench.example' })],
      topics: { shipmentEvents: topics.shipmentEvents, exceptions: topics.shipmentExceptions, delays: topics.shipmentDelays, compensations: topics.compensations, notifications: topics.notifications },
      groupId: `bench-notifier-${tag}`,
      // The shipped loop: rounds back to back while they are full, then the interval.
      dispatchIntervalMs: DISPATCH_IDLE_MS,
    });
    // One relay per service, as each service's main.ts opens one (default 500 ms poll).
    const relays = pools.map((pool) => new OutboxRelay({ db: pool, bus, logger }));
    for (const relay of relays) relay.start();
    cleanups.unshift(() => Promise.all(relays.map((relay) => relay.stop())));
    for (const service of [normalizer, detector, notifier]) {
      await service.start();
      cleanups.unshift(() => service.stop());
    }

    const endsAt = new Date(Date.now() - 3600_000);
    const publish = async (envelopes: readonly Envelope[]) => {
      for (let i = 0; i < envelopes.length; i += 250) await bus.publish(topics.trackingSnapshots, envelopes.slice(i, i + 250));
    };
    // Warm-up: consumer groups joined, code paths compiled, before anything is timed.
    await publish(snapshotEnvelopes(warmup, endsAt));
    await sentTimes(db, warmup.map((s) => s.shipmentId));
    log(`warm-up: ${warmup.length} snapshots through to sent emails`);

    // 1. Throughput: every snapshot published as fast as the bus takes them.
    const throughputEnvelopes = snapshotEnvelopes(throughput, endsAt);
    const started = Date.now();
    await publish(throughputEnvelopes);
    const sent = await sentTimes(db, throughput.map((s) => s.shipmentId));
    const seconds = (Math.max(...sent.values()) - started) / 1000;
    const checkpoints = throughput.length * SCANS_PER_SNAPSHOT;
    await assertCheckpoints(db, throughput, checkpoints);
    const rawThroughput = await rawKafka(kafka.brokers, tag, throughputEnvelopes.map((e) => JSON.stringify(e)), null);
    record({
      name: 'end-to-end throughput, snapshot in -> normalizer -> detector -> notifier -> email sent',
      value: checkpoints / seconds,
      unit: 'checkpoints/s',
      better: 'higher',
      baseline: { name: 'plain kafkajs produce -> consume of the same messages on the same broker', value: checkpoints / rawThroughput.seconds },
      context: { snapshots: throughput.length, checkpoints, emails: sent.size, seconds: round1(seconds), baselineSeconds: round1(rawThroughput.seconds), partitions: PARTITIONS, dispatchIdleMs: DISPATCH_IDLE_MS },
    });

    // 2. Latency at the offered rate, then at the light one, open loop.
    for (const { rate, shipments } of latencyRuns) {
      const snapshotsPerSecond = rate / SCANS_PER_SNAPSHOT;
      const latencyEnvelopes = snapshotEnvelopes(shipments, endsAt);
      const run = await paced(latencyEnvelopes, snapshotsPerSecond, (slice) => bus.publish(topics.trackingSnapshots, [...slice]));
      const achieved = (shipments.length * SCANS_PER_SNAPSHOT) / ((run.end - run.start) / 1000);
      const sentAt = await sentTimes(db, shipments.map((s) => s.shipmentId));
      const latencies = shipments.map((s, i) => sentAt.get(s.shipmentId)! - run.due[i]!).sort((a, b) => a - b);
      const raw = await rawKafka(kafka.brokers, tag, latencyEnvelopes.map((e) => JSON.stringify(e)), snapshotsPerSecond);
      const rawLatencies = [...raw.latencies].sort((a, b) => a - b);
      const stages = await stageBreakdown(db, `bench-normalizer-${tag}`, topics.shipmentEvents, shipments.map((s, i) => ({ shipmentId: s.shipmentId, snapshotEventId: latencyEnvelopes[i]!.id, due: run.due[i]! })));
      log(`${rate} checkpoints/s, where the time goes (p50 / p99 ms): ${Object.entries(stages).map(([stage, f]) => `${stage} ${f.p50} / ${f.p99}`).join('; ')}`);
      const context = {
        offeredCheckpointsPerSecond: rate,
        achievedCheckpointsPerSecond: Math.round(achieved),
        baselineAchievedMessagesPerSecond: Math.round(raw.achieved),
        snapshots: shipments.length,
        seconds: LATENCY_SECONDS,
        dispatchIdleMs: DISPATCH_IDLE_MS,
        maxMs: Math.round(latencies.at(-1) ?? 0),
        // Where each checkpoint's time went, per stage (a context holds flat values).
        ...Object.fromEntries(Object.entries(stages).flatMap(([stage, { p50, p99 }]) => [[`${stage} p50 ms`, p50], [`${stage} p99 ms`, p99]])),
      };
      for (const p of [50, 99]) {
        record({
          name: `p${p} latency snapshot ingested -> email sent at ${rate} checkpoints/s offered`,
          value: percentile(latencies, p),
          unit: 'ms',
          better: 'lower',
          baseline: { name: `p${p} of a bare Kafka round trip (produce -> consume) at the same pacing`, value: percentile(rawLatencies, p) },
          context,
        });
      }
      record({
        name: `achieved ingest rate at ${rate} checkpoints/s offered`,
        value: achieved,
        unit: 'checkpoints/s',
        better: 'higher',
        baseline: { name: 'offered rate', value: rate },
        context: { snapshots: shipments.length },
      });
    }
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((err: unknown) => log(`cleanup failed: ${String(err)}`));
  }
}

async function assertCheckpoints(db: Kysely<Database>, shipments: readonly WorkloadShipment[], expected: number): Promise<void> {
  const row = await sql<{ n: number }>`SELECT count(*)::int AS n FROM checkpoints WHERE shipment_id = ANY(${shipments.map((s) => s.shipmentId)}::uuid[])`.execute(db);
  if (Number(row.rows[0]?.n) !== expected) throw new Error(`${row.rows[0]?.n} checkpoints stored, expected ${expected}`);
}

const round1 = (n: number) => Math.round(n * 10) / 10;
