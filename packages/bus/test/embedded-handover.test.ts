import { describe, expect, it } from '@jest/globals';
import type { Envelope } from '@parcelwatch/contracts';
import { countUnpublishedOutbox, createDb, enqueueOutbox, findDeadLetter, listDeadLetters, listAudit, migrateToLatest, replayDeadLetters } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { databaseDeadLetters, EmbeddedBus, NonRetriableError, OutboxRelay, type ReceivedMessage } from '../src/index.js';
import { sequenced } from './bus-contract.js';
import { createEffectsTable, effectStats, effectsHandler } from './support/effects.js';
import { waitFor } from './support/wait-for.js';

const logger = createLogger({ name: 'bus-test', level: process.env.LOG_LEVEL ?? 'silent' });
const wait = { timeoutMs: 30_000 };

function gate(): { held: Promise<void>; release: () => void } {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  return { held, release };
}

describe('EmbeddedBus hand-over', () => {
  it('makes a sender wait while a partition holds the bound of unread messages, and drops none', async () => {
    const bus = new EmbeddedBus({ logger, defaultPartitions: 1, maxMessagesPerPartition: 10 });
    const { held, release } = gate();
    const seen: number[] = [];
    const consumer = bus.subscribe({
      topics: 'slow',
      groupId: 'slow-reader',
      maxBatchSize: 5,
      handler: async (messages) => {
        await held;
        seen.push(...messages.map((message) => (message.event.data as { seq: number }).seq));
      },
    });
    await consumer.start();
    const events = Array.from({ length: 100 }, (_, seq) => sequenced('shp-slow', seq));
    let published = false;
    const publishing = bus.publish('slow', events).then(() => void (published = true));

    await waitFor('the partition full of unread messages', () => bus.readTopic('slow').length === 10, wait);
    expect(published).toBe(false);
    expect(bus.readTopic('slow').map((message) => message.offset)).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));

    release();
    await publishing;
    await waitFor('every message handled', () => seen.length >= 100, { ...wait, state: () => seen.length });
    expect(seen).toEqual(events.map((_, seq) => seq));
    await bus.disconnect();
  });

  it('has the relay mark outbox rows published only once processed, through a full partition and a slow consumer', async () => {
    const db = await createDb({ kind: 'pglite' });
    const bus = new EmbeddedBus({ logger, defaultPartitions: 1, maxMessagesPerPartition: 8 });
    const relay = new OutboxRelay({ db, bus, logger, batchSize: 20, pollIntervalMs: 20 });
    try {
      await migrateToLatest(db);
      await createEffectsTable(db);
      const topic = 'handed-over';
      const events = Array.from({ length: 60 }, (_, seq) => sequenced(`shp-${seq % 6}`, seq));
      await db.transaction().execute((trx) => enqueueOutbox(trx, events.map((event) => ({ topic, key: event.subject, event }))));
      const { held, release } = gate();
      const handler = effectsHandler({ db, groupId: 'slow-effects', consumer: 'slow' });
      const consumer = bus.subscribe({
        topics: topic,
        groupId: 'slow-effects',
        maxBatchSize: 4,
        handler: async (messages, context) => {
          await held;
          await handler(messages, context);
        },
      });
      await consumer.start();
      relay.start();

      await waitFor('the partition full', () => bus.readTopic(topic).length === 8, wait);
      // Handed over, not processed: still the outbox's to deliver.
      expect(await countUnpublishedOutbox(db)).toBe(60);

      release();
      await waitFor('every row processed and marked', async () => (await countUnpublishedOutbox(db)) === 0, wait);
      expect(await effectStats(db)).toEqual({ rows: 60, distinct: 60 });
    } finally {
      await relay.stop();
      await bus.disconnect();
      await db.destroy();
    }
  });

  it('keeps dead letters in the database, and replays one once onto its topic, audited', async () => {
    const db = await createDb({ kind: 'pglite' });
    const bus = new EmbeddedBus({ logger, defaultPartitions: 1, deadLetters: databaseDeadLetters(db) });
    const relay = new OutboxRelay({ db, bus, logger, pollIntervalMs: 20 });
    try {
      await migrateToLatest(db);
      const topic = 'poisoned';
      let fixed = false;
      const handled: ReceivedMessage<Envelope>[] = [];
      const consumer = bus.subscribe({
        topics: topic,
        groupId: 'picky',
        retry: { retries: 0 },
        handler: async (messages) => {
          for (const message of messages) {
            if ((message.event.data as { seq: number }).seq === 1 && !fixed) throw new NonRetriableError('shipment does not exist');
            handled.push(message);
          }
        },
      });
      await consumer.start();
      relay.start();
      const events = [0, 1, 2].map((seq) => sequenced('shp-poison', seq));
      await db.transaction().execute((trx) => enqueueOutbox(trx, events.map((event) => ({ topic, key: event.subject, event }))));
      await bus.send([{ topic, key: 'shp-poison', value: '{"truncated', headers: {} }]);

      await waitFor('two letters', async () => (await listDeadLetters(db, { merchantIds: null })).items.length === 2, wait);
      const { items } = await listDeadLetters(db, { merchantIds: null, sourceTopic: topic });
      const byKind = new Map(items.map((item) => [item.reasonKind, item]));
      expect(byKind.get('handler')).toMatchObject({ consumerGroup: 'picky', eventId: events[1]!.id, reason: 'handler: NonRetriableError: shipment does not exist', replayedAt: null });
      expect(byKind.get('parse')?.reason).toMatch(/^parse: not valid JSON/);
      const poison = byKind.get('handler')!;
      const detail = await findDeadLetter(db, poison.id, null);
      expect(JSON.parse(detail?.payload ?? '{}')).toMatchObject({ id: events[1]!.id });
      expect(await listDeadLetters(db, { merchantIds: [] })).toEqual({ items: [], nextBefore: null });
      // Paged, newest first.
      const first = await listDeadLetters(db, { merchantIds: null, limit: 1 });
      expect(first.items).toHaveLength(1);
      const second = await listDeadLetters(db, { merchantIds: null, limit: 1, before: first.nextBefore! });
      expect([...first.items, ...second.items].map((item) => item.id).sort()).toEqual(items.map((item) => item.id).sort());
      expect(second.nextBefore).toBeNull();

      fixed = true;
      const at = new Date();
      const replay = (ids: number[]) => db.transaction().execute((trx) => replayDeadLetters(trx, { ids, merchantIds: null, actor: 'cli:test', at }));
      const parse = byKind.get('parse')!;
      const [once, twice] = await Promise.all([replay([poison.id, parse.id]), replay([poison.id])]);
      expect([...once.replayed, ...twice.replayed].map((r) => r.id)).toEqual([poison.id]);
      expect(once.refused.concat(twice.refused)).toEqual(expect.arrayContaining([{ id: parse.id, reason: 'not_json' }, { id: poison.id, reason: 'already_replayed' }]));

      await waitFor('the replayed message handled', () => handled.some((message) => message.event.id === events[1]!.id), wait);
      expect((await findDeadLetter(db, poison.id, null))?.replayedBy).toBe('cli:test');
      expect(await listDeadLetters(db, { merchantIds: null, state: 'open' })).toMatchObject({ items: [{ id: parse.id }] });
      const audit = await listAudit(db, { merchantIds: null, targetType: 'dead_letter' });
      expect(audit.map((entry) => [entry.action, entry.target_id, entry.actor])).toEqual([['dead_letter.replayed', String(poison.id), 'cli:test']]);
    } finally {
      await relay.stop();
      await bus.disconnect();
      await db.destroy();
    }
  });
});
