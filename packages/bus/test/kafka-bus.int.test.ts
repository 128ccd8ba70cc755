import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from '@jest/globals';
import { createDb } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createTestDatabase, kafkaBrokers, uniqueTopic } from '@parcelwatch/test-harness';
import { createKafkaBus, KAFKA_CLIENTS, KafkaBus, type KafkaClientName } from '../src/index.js';
import { describeBusContract, type BusContractFixture, type DoomedConsumer, type DoomedConsumerOptions } from './bus-contract.js';

const logger = createLogger({ name: 'kafka-bus-test', level: process.env.LOG_LEVEL ?? 'silent' });
const TEST_TIMEOUT_MS = 180_000;
const SUPPORT = path.join(import.meta.dirname, 'support');
// Short session and rebalance timeouts so a killed member leaves the group within seconds.
const CONSUMER_SETTINGS = { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, heartbeatIntervalMs: 1_000, maxWaitTimeMs: 100 };

function spawnDoomedConsumer(client: KafkaClientName, brokers: string[], options: DoomedConsumerOptions): Promise<DoomedConsumer> {
  if (!options.database.url) throw new Error('the doomed consumer needs a database url');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(SUPPORT, 'doomed-consumer.script.ts')], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      TSX_TSCONFIG_PATH: path.join(SUPPORT, 'tsconfig.child.json'),
      KAFKA_CLIENT: client,
      KAFKA_BROKERS: brokers.join(','),
      DATABASE_URL: options.database.url,
      TOPIC: options.topic,
      GROUP_ID: options.groupId,
      MAX_BATCH_SIZE: String(options.maxBatchSize),
      HANG_ON_CHUNK: String(options.hangOnChunk),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const hanging = new Promise<string[]>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as { event: string; ids?: string[] };
      if (message.event === 'hanging') resolve(message.ids ?? []);
    });
    void exited.then((code) => reject(new Error(`doomed consumer exited (${code}) before hanging: ${stderr}`)));
  });
  hanging.catch(() => undefined);
  return Promise.resolve({
    hanging,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  });
}

async function kafkaFixture(client: KafkaClientName): Promise<BusContractFixture> {
  const brokers = kafkaBrokers();
  const bus = createKafkaBus(client, { brokers, clientId: `bus-contract-${client}`, logger, consumer: CONSUMER_SETTINGS });
  await bus.connect();
  return {
    bus,
    topic: (base) => uniqueTopic(base),
    createTopics: async (specs) => bus.ensureTopics(specs),
    database: async () => {
      const database = await createTestDatabase();
      const db = await createDb({ kind: 'postgres', url: database.url, max: 4 });
      return {
        db,
        url: database.url,
        close: async () => {
          await db.destroy();
          await database.drop();
        },
      };
    },
    startDoomedConsumer: (options) => spawnDoomedConsumer(client, brokers, options),
    waitTimeoutMs: 120_000,
    dispose: () => bus.disconnect(),
  };
}

// The same contract for each client library the bus can run on (KAFKA_CLIENT).
for (const client of KAFKA_CLIENTS) {
  describeBusContract(`KafkaBus on ${client} + PostgreSQL`, () => kafkaFixture(client), { testTimeoutMs: TEST_TIMEOUT_MS, report: (line) => console.log(line) });
}

describe('TopicAdmin on the broker', () => {
  it(
    'creates the topics of infra/kafka/topics.yaml with their DLQs, capped to the cluster, and is idempotent',
    async () => {
      const bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'topic-admin-test', logger });
      const admin = bus.topicAdmin();
      const inspect = bus.kafka.admin();
      try {
        const file = path.resolve(import.meta.dirname, '../../../infra/kafka/topics.yaml');
        const first = await admin.ensureTopicsFromFile(file);
        const all = [...first.created, ...first.existing];
        expect(all).toEqual(expect.arrayContaining(['shipments', 'shipments.dlq', 'tracking.snapshots', 'proofs.dlq']));

        const again = await admin.ensureTopicsFromFile(file);
        expect(again.created).toEqual([]);
        expect([...again.existing].sort()).toEqual([...all].sort());

        await inspect.connect();
        const metadata = await inspect.fetchTopicMetadata({ topics: ['tracking.snapshots', 'tracking.snapshots.dlq'] });
        const partitions = Object.fromEntries(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
        expect(partitions).toEqual({ 'tracking.snapshots': 12, 'tracking.snapshots.dlq': 3 });
        const brokers = (await inspect.describeCluster()).brokers.length;
        for (const topic of metadata.topics) {
          for (const partition of topic.partitions) expect(partition.replicas.length).toBe(Math.min(3, brokers));
        }
      } finally {
        await inspect.disconnect();
        await admin.disconnect();
        await bus.disconnect();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
