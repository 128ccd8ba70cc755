// `npm run bench -- bus`: the bus's Kafka adapter on each client library (KAFKA_CLIENT), produce ->
// consume of the same envelopes through the EventBus (idempotent producer, consumer group,
// parse, per-chunk offset commit), beside plain kafkajs moving the same bytes with none of that
// (default producer, eachBatch, auto commit) in the same run on the same broker. The three run
// in turns, ROUNDS times, and each keeps its best round: other work on a shared machine only
// ever slows a round down.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaBus, KAFKA_CLIENTS, type KafkaClientName } from '@parcelwatch/bus';
import { createEnvelope, type Envelope } from '@parcelwatch/contracts';
import { createLogger } from '@parcelwatch/logger';
import { Kafka, logLevel } from 'kafkajs';
import { benchKafka } from './bench-infra.js';
import { record, scaled } from './results.js';

const MESSAGES = Number(process.env['BENCH_BUS_MESSAGES'] ?? scaled(50_000, 2_000));
const SHIPMENTS = 500;
const PARTITIONS = 4;
const ROUNDS = Number(process.env['BENCH_BUS_ROUNDS'] ?? 3);
const MAX_BATCH = 500;
const TIMEOUT_MS = 5 * 60_000;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const logger = createLogger({ name: 'bench-bus', level: 'warn' });

interface Run {
  /** First publish -> last message handed to the consumer. */
  seconds: number;
  /** First publish -> every publish acknowledged. */
  publishSeconds: number;
}

/** A shipment's tracking event, about the size of the pipeline's checkpoint events. */
function benchEvents(tag: string): Envelope[] {
  return Array.from({ length: MESSAGES }, (_, i) =>
    createEnvelope({
      type: 'parcelwatch.shipment.checkpoint.v1',
      source: 'parcelwatch/bench',
      subject: `shp-${tag}-${i % SHIPMENTS}`,
      merchantid: 'merchant-bench',
      data: { seq: Math.floor(i / SHIPMENTS), milestone: 'in_transit', reason: 'arrived_hub', location: { city: 'Memphis', country: 'US' }, carrierCode: 'AR', text: 'Arrived at FedEx hub' },
    }),
  );
}

async function until(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`bus bench: timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function busRun(client: KafkaClientName, brokers: string[], topic: string, events: readonly Envelope[]): Promise<Run> {
  const bus = createKafkaBus(client, { brokers, clientId: `bench-bus-${client}`, logger, consumer: { maxWaitTimeMs: 100 } });
  try {
    await bus.connect();
    await bus.ensureTopics([{ name: topic, partitions: PARTITIONS }]);
    let received = 0;
    const consumer = bus.subscribe({
      topics: topic,
      groupId: `${topic}.group`,
      maxBatchSize: MAX_BATCH,
      concurrency: PARTITIONS,
      handler: async (messages) => {
        received += messages.length;
      },
    });
    await consumer.start();
    // Until the group has its partitions, a message would wait for the join, not for Kafka.
    await bus.publish(topic, [events[0]!]);
    await until('the warm-up message', () => received >= 1);
    received = 0;
    const started = performance.now();
    await bus.publish(topic, events);
    const published = performance.now();
    await until(`${events.length} messages on ${client}`, () => received >= events.length);
    const consumed = performance.now();
    await consumer.stop();
    return { seconds: (consumed - started) / 1000, publishSeconds: (published - started) / 1000 };
  } finally {
    await bus.disconnect();
  }
}

/** The same messages with plain kafkajs: default producer, eachBatch, auto commit. */
async function plainKafkajsRun(brokers: string[], topic: string, events: readonly Envelope[]): Promise<Run> {
  const kafka = new Kafka({ clientId: 'bench-bus-plain', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `${topic}.group`, maxWaitTimeInMs: 100 });
  await producer.connect();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let received = 0;
    await consumer.run({ partitionsConsumedConcurrently: PARTITIONS, eachBatch: async ({ batch }) => void (received += batch.messages.length) });
    const messages = events.map((event) => ({ key: event.subject, value: JSON.stringify(event) }));
    await producer.send({ topic, messages: [messages[0]!] });
    await until('the warm-up message', () => received >= 1);
    received = 0;
    const started = performance.now();
    for (let i = 0; i < messages.length; i += 1_000) await producer.send({ topic, messages: messages.slice(i, i + 1_000) });
    const published = performance.now();
    await until(`${messages.length} messages on plain kafkajs`, () => received >= messages.length);
    const consumed = performance.now();
    return { seconds: (consumed - started) / 1000, publishSeconds: (published - started) / 1000 };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}

const best = (runs: readonly Run[]): Run => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const perSecond = (seconds: number) => MESSAGES / seconds;
const round2 = (n: number) => Math.round(n * 100) / 100;

export async function run(): Promise<void> {
  const kafka = await benchKafka(log);
  try {
    const tag = randomBytes(3).toString('hex');
    const events = benchEvents(tag);
    const runs: Record<'plain' | KafkaClientName, Run[]> = { plain: [], kafkajs: [], platformatic: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      runs.plain.push(await plainKafkajsRun(kafka.brokers, `bench.bus.${tag}.plain.${round}`, events));
      for (const client of KAFKA_CLIENTS) runs[client].push(await busRun(client, kafka.brokers, `bench.bus.${tag}.${client}.${round}`, events));
      log(`round ${round + 1}: ${Object.entries(runs).map(([name, all]) => `${name} ${Math.round(perSecond(all.at(-1)!.seconds))}/s`).join(', ')}`);
    }
    const plain = best(runs.plain);
    const context = (own: Run[]) => ({ messages: MESSAGES, shipments: SHIPMENTS, partitions: PARTITIONS, rounds: ROUNDS, maxBatchSize: MAX_BATCH, roundsSeconds: own.map((r) => round2(r.seconds)).join(' '), baselineSeconds: round2(plain.seconds) });
    for (const client of KAFKA_CLIENTS) {
      record({
        name: `Bus on ${client}: publish -> consume through the EventBus (idempotent acks=all producer, group, per-chunk commit)`,
        value: perSecond(best(runs[client]).seconds),
        unit: 'messages/s',
        better: 'higher',
        baseline: { name: 'plain kafkajs produce -> consume (default producer, eachBatch, auto commit), same messages, same broker', value: perSecond(plain.seconds) },
        context: context(runs[client]),
      });
      record({
        name: `Bus on ${client}: publish only, every message acknowledged (acks=all)`,
        value: perSecond(best(runs[client]).publishSeconds),
        unit: 'messages/s',
        better: 'higher',
        baseline: { name: 'plain kafkajs producer, 1,000 messages per send', value: perSecond(plain.publishSeconds) },
        context: { messages: MESSAGES, rounds: ROUNDS },
      });
    }
    record({
      name: 'Bus on platformatic vs Bus on kafkajs: publish -> consume',
      value: perSecond(best(runs.platformatic).seconds),
      unit: 'messages/s',
      better: 'higher',
      baseline: { name: 'Bus on kafkajs, same run', value: perSecond(best(runs.kafkajs).seconds) },
      context: { messages: MESSAGES, rounds: ROUNDS },
    });
  } finally {
    await kafka.stop();
  }
}
