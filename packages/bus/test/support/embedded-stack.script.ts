/**
 * The embedded stack in a process of its own, for the SIGKILL test: PostgreSQL, the embedded bus
 * (with a small bound, so the relay meets backpressure), the outbox relay and one idempotent
 * consumer applying the effects. With HANG_ON_CHUNK > 0 it commits that chunk's transaction, reports
 * what it holds on stdout and hangs before the offsets are committed, to be killed there.
 *
 * Run: TSX_TSCONFIG_PATH=.../tsconfig.child.json node --import tsx embedded-stack.script.ts
 */
import { countUnpublishedOutbox, createDb } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { databaseDeadLetters, EmbeddedBus, OutboxRelay } from '../../src/index.js';
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
  const topic = env('TOPIC');
  const groupId = env('GROUP_ID');
  const hangOnChunk = Number(env('HANG_ON_CHUNK'));
  const logger = createLogger({ name: 'embedded-stack', level: process.env.LOG_LEVEL ?? 'warn', destination: process.stderr });
  const db = await createDb({ kind: 'postgres', url: env('DATABASE_URL'), max: 4 });
  const bus = new EmbeddedBus({ logger, defaultPartitions: 2, maxMessagesPerPartition: Number(env('BOUND')), deadLetters: databaseDeadLetters(db) });
  const relay = new OutboxRelay({ db, bus, logger, batchSize: 25, pollIntervalMs: 50 });
  let chunks = 0;
  let applied = 0;
  const consumer = bus.subscribe({
    topics: topic,
    groupId,
    maxBatchSize: 5,
    handler: effectsHandler({
      db,
      groupId,
      consumer: 'embedded',
      afterCommit: async (_all, fresh) => {
        applied += fresh.length;
        chunks += 1;
        if (chunks !== hangOnChunk) return;
        // Wait until the relay has handed over as much as the bound lets it, then hang mid-batch.
        while (bus.readTopic(topic).length < Number(env('BOUND'))) await new Promise((resolve) => setTimeout(resolve, 20));
        report({ event: 'hanging', applied, held: bus.readTopic(topic).length, unpublished: await countUnpublishedOutbox(db) });
        await new Promise<never>(() => {});
      },
    }),
  });
  await consumer.start();
  relay.start();
  report({ event: 'started' });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
