/**
 * A Kafka bus consumer (on the client KAFKA_CLIENT names) that the integration test kills with SIGKILL. It applies its chunks with
 * the idempotent effects handler; on chunk HANG_ON_CHUNK it commits the database transaction,
 * reports the chunk's ids on stdout and hangs before the offsets are committed.
 *
 * Run: TSX_TSCONFIG_PATH=.../tsconfig.child.json node --import tsx doomed-consumer.script.ts
 */
import { createDb } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createKafkaBus, KAFKA_CLIENTS, type KafkaClientName } from '../../src/index.js';
import { effectsHandler } from './effects.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function report(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const groupId = env('GROUP_ID');
  const hangOnChunk = Number(env('HANG_ON_CHUNK'));
  const logger = createLogger({ name: 'doomed-consumer', level: process.env.LOG_LEVEL ?? 'warn', destination: process.stderr });
  const db = await createDb({ kind: 'postgres', url: env('DATABASE_URL') });
  const client = env('KAFKA_CLIENT') as KafkaClientName;
  if (!KAFKA_CLIENTS.includes(client)) throw new Error(`KAFKA_CLIENT ${client} is not a known client`);
  const bus = createKafkaBus(client, {
    brokers: env('KAFKA_BROKERS').split(','),
    clientId: 'doomed-consumer',
    logger,
    // Short, so that the group gives up on this member soon after the kill.
    consumer: { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, heartbeatIntervalMs: 1_000, maxWaitTimeMs: 100 },
  });
  let chunks = 0;
  const consumer = bus.subscribe({
    topics: env('TOPIC'),
    groupId,
    maxBatchSize: Number(env('MAX_BATCH_SIZE')),
    handler: effectsHandler({
      db,
      groupId,
      consumer: 'doomed',
      afterCommit: async (all) => {
        chunks += 1;
        if (chunks !== hangOnChunk) return;
        report({ event: 'hanging', ids: all.map((message) => message.event.id) });
        await new Promise<never>(() => {});
      },
    }),
  });
  await consumer.start();
  report({ event: 'started' });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
