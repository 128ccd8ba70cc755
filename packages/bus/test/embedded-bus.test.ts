import { describe, expect, it } from '@jest/globals';
import { createDb, migrateToLatest } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { EmbeddedBus, partitionForKey, planTopics, type BusConsumer } from '../src/index.js';
import { describeBusContract, sequenced, type BusContractFixture } from './bus-contract.js';
import { createEffectsTable, effectStats, effectsHandler } from './support/effects.js';
import { waitFor } from './support/wait-for.js';

const logger = createLogger({ name: 'bus-test', level: process.env.LOG_LEVEL ?? 'silent' });

async function embeddedFixture(): Promise<BusContractFixture> {
  const bus = new EmbeddedBus({ logger, defaultPartitions: 4 });
  let topics = 0;
  return {
    bus,
    topic: (base) => `${base}-${(topics += 1)}`,
    createTopics: async (specs) => bus.ensureTopics(planTopics(specs, 1)),
    database: async () => {
      const db = await createDb({ kind: 'pglite' });
      await migrateToLatest(db);
      return { db, close: () => db.destroy() };
    },
    // In one process a kill is a stop that does not wait: the hanging chunk is abandoned
    // uncommitted, then allowed to finish, and must still not commit its offsets.
    startDoomedConsumer: async ({ topic, groupId, database, maxBatchSize, hangOnChunk }) => {
      let chunks = 0;
      let release = () => {};
      const hang = new Promise<void>((resolve) => (release = resolve));
      let hanging: (ids: string[]) => void = () => {};
      const hangingIds = new Promise<string[]>((resolve) => (hanging = resolve));
      const consumer = bus.subscribe({
        topics: topic,
        groupId,
        maxBatchSize,
        handler: effectsHandler({
          db: database.db,
          groupId,
          consumer: 'doomed',
          afterCommit: async (all) => {
            chunks += 1;
            if (chunks !== hangOnChunk) return;
            hanging(all.map((message) => message.event.id));
            await hang;
          },
        }),
      });
      await consumer.start();
      return {
        hanging: hangingIds,
        kill: async () => {
          await consumer.stop({ timeoutMs: 0 });
          release();
        },
      };
    },
    waitTimeoutMs: 30_000,
    dispose: () => bus.disconnect(),
  };
}

describeBusContract('EmbeddedBus + PGlite', embeddedFixture, { testTimeoutMs: 60_000, report: (line) => console.log(line) });

describe('EmbeddedBus', () => {
  it('puts a key on the same partition every time and spreads keys over partitions', () => {
    const partitions = Array.from({ length: 400 }, (_, i) => partitionForKey(`shp-${i}`, 6, 0));
    expect(partitions).toEqual(Array.from({ length: 400 }, (_, i) => partitionForKey(`shp-${i}`, 6, 99)));
    for (let p = 0; p < 6; p += 1) expect(partitions.filter((x) => x === p).length).toBeGreaterThan(30);
  });

  it('bounds memory: drops what every group committed, and the oldest beyond the cap on a topic no group reads', async () => {
    const bus = new EmbeddedBus({ logger, defaultPartitions: 1, maxMessagesPerPartition: 5_000 });
    const events = Array.from({ length: 8_000 }, (_, seq) => sequenced('shp-bounded', seq));
    await bus.publish('unread', events);
    expect(bus.readTopic('unread')).toHaveLength(5_000);
    expect(bus.readTopic('unread')[0]?.offset).toBe('3000');

    let handled = 0;
    const consumer = bus.subscribe({ topics: 'read', groupId: 'g', maxBatchSize: 500, handler: async (messages) => void (handled += messages.length) });
    await consumer.start();
    await bus.publish('read', events.slice(0, 4_000));
    await waitFor('all handled', () => handled === 4_000, { timeoutMs: 10_000 });
    await consumer.stop();
    expect(bus.readTopic('read').length).toBeLessThan(1_000);
  });

  it('spreads partitions over the members of a group, each message to one member', async () => {
    const bus = new EmbeddedBus({ logger, defaultPartitions: 4 });
    const byMember = new Map<string, Set<number>>();
    const seen: string[] = [];
    const members: BusConsumer[] = ['a', 'b'].map((name) =>
      bus.subscribe({
        topics: 'shared',
        groupId: 'workers',
        handler: async (messages) => {
          for (const message of messages) {
            seen.push(message.event.id);
            byMember.set(name, (byMember.get(name) ?? new Set()).add(message.partition));
          }
        },
      }),
    );
    await Promise.all(members.map((member) => member.start()));
    const events = Array.from({ length: 200 }, (_, i) => sequenced(`shp-${i % 40}`, Math.floor(i / 40)));
    await bus.publish('shared', events);
    await waitFor('every message', () => seen.length >= events.length, { timeoutMs: 10_000 });
    await bus.disconnect();

    expect(seen).toHaveLength(events.length);
    expect(new Set(seen).size).toBe(events.length);
    const [a, b] = [byMember.get('a') ?? new Set<number>(), byMember.get('b') ?? new Set<number>()];
    expect(a.size).toBe(2);
    expect(b.size).toBe(2);
    expect([...a].filter((p) => b.has(p))).toEqual([]);
  });

  it('is idle only when no chunk is in hand and every group has committed all it reads, a stopped group included', async () => {
    const bus = new EmbeddedBus({ logger, defaultPartitions: 2 });
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    const slow = bus.subscribe({
      topics: 'work',
      groupId: 'slow',
      handler: async (messages) => {
        await held;
        handled += messages.length;
      },
    });
    await slow.start();
    expect(bus.isIdle()).toBe(true);
    const before = bus.appendedCount;
    await bus.publish('work', [sequenced('shp-idle', 0), sequenced('shp-idle', 1)]);
    expect(bus.appendedCount).toBe(before + 2);
    expect(bus.isIdle()).toBe(false);
    release();
    await waitFor('both handled', () => handled === 2, { timeoutMs: 10_000 });
    await waitFor('idle', () => bus.isIdle(), { timeoutMs: 10_000 });

    // A group that stopped (a halt) still owes what was published after it left.
    await slow.stop();
    await bus.publish('work', [sequenced('shp-idle', 2)]);
    expect(bus.isIdle()).toBe(false);
    await slow.start();
    await waitFor('idle again', () => bus.isIdle(), { timeoutMs: 10_000 });
    expect(handled).toBe(3);
    await bus.disconnect();
  });

  it('stop is safe to call twice and a second start after stop resumes', async () => {
    const bus = new EmbeddedBus({ logger });
    const consumer = bus.subscribe({ topics: 't', groupId: 'g', handler: async () => {} });
    await consumer.start();
    expect(consumer.isHealthy()).toBe(true);
    await Promise.all([consumer.stop(), consumer.stop()]);
    expect(consumer.state).toBe('stopped');
    await consumer.start();
    expect(consumer.state).toBe('running');
    await bus.disconnect();
  });

  it('applies effects once when the same event arrives twice in one chunk', async () => {
    const bus = new EmbeddedBus({ logger, defaultPartitions: 1 });
    const db = await createDb({ kind: 'pglite' });
    try {
      await migrateToLatest(db);
      await createEffectsTable(db);
      const event = sequenced('shp-twice', 0);
      await bus.publish('twice', [event, event, sequenced('shp-twice', 1)]);
      let chunks = 0;
      const consumer = bus.subscribe({
        topics: 'twice',
        groupId: 'g',
        handler: effectsHandler({ db, groupId: 'g', consumer: 'c', afterCommit: () => void (chunks += 1) }),
      });
      await consumer.start();
      await waitFor('the chunk', () => chunks === 1, { timeoutMs: 10_000 });
      await consumer.stop();
      expect(await effectStats(db)).toEqual({ rows: 2, distinct: 2 });
    } finally {
      await db.destroy();
    }
  });
});
