import { expect, it } from '@jest/globals';
import { countUnpublishedOutbox, enqueueOutbox } from '@parcelwatch/db';
import { OutboxRelay } from '../src/index.js';
import { sequenced, type ContractContext } from './support/contract-fixture.js';
import { createEffectsTable, effectRowsFor, effectStats, effectsHandler } from './support/effects.js';
import { waitFor } from './support/wait-for.js';

/** The transactional outbox end to end. Part of `describeBusContract`. */
export function describeOutbox(context: ContractContext, options: { testTimeoutMs: number }) {
  it(
    'publishes a committed outbox row with effects exactly once even if the relay crashes before marking it sent; never a rolled-back one',
    async () => {
      const { bus, topic: uniqueTopic, createTopics, database, waitTimeoutMs } = context.fixture();
      const { db, close } = await database();
      try {
        await createEffectsTable(db);
        const topic = uniqueTopic('outbox');
        await createTopics([{ name: topic, partitions: 3 }]);
        // One key: one partition, so the order of arrival shows what was published in between.
        const key = 'shp-outbox';
        const committedFirst = sequenced(key, 0);
        const rolledBack = sequenced(key, 1);
        const committedSecond = sequenced(key, 2);
        await db.transaction().execute((trx) => enqueueOutbox(trx, [{ topic, key, event: committedFirst }]));
        await expect(
          db.transaction().execute(async (trx) => {
            await enqueueOutbox(trx, [{ topic, key, event: rolledBack }]);
            throw new Error('the state change was refused');
          }),
        ).rejects.toThrow('the state change was refused');
        await db.transaction().execute((trx) => enqueueOutbox(trx, [{ topic, key, event: committedSecond }]));

        const deliveries = new Map<string, number>();
        const groupId = context.group('outbox-downstream');
        await context.consume({
          topics: topic,
          groupId,
          handler: effectsHandler({
            db,
            groupId,
            consumer: 'downstream',
            afterCommit: (all) => {
              for (const message of all) deliveries.set(message.event.id, (deliveries.get(message.event.id) ?? 0) + 1);
            },
          }),
        });

        const crashing = new OutboxRelay({
          db,
          bus,
          afterPublish: () => {
            throw new Error('relay killed between publish and mark');
          },
        });
        await expect(crashing.relayOnce()).rejects.toThrow('relay killed between publish and mark');
        expect(await countUnpublishedOutbox(db)).toBe(2);

        const relay = new OutboxRelay({ db, bus, pollIntervalMs: 50 });
        relay.start();
        try {
          await waitFor(
            'both committed events delivered twice (published, crash, published again)',
            () => (deliveries.get(committedFirst.id) ?? 0) >= 2 && (deliveries.get(committedSecond.id) ?? 0) >= 2,
            { timeoutMs: waitTimeoutMs, state: () => Object.fromEntries(deliveries) },
          );
          await waitFor('the outbox to drain', async () => (await countUnpublishedOutbox(db)) === 0, { timeoutMs: waitTimeoutMs, intervalMs: 100 });
        } finally {
          await relay.stop();
        }

        expect(deliveries.has(rolledBack.id)).toBe(false);
        expect(await effectRowsFor(db, [committedFirst.id])).toBe(1);
        expect(await effectRowsFor(db, [committedSecond.id])).toBe(1);
        expect(await effectStats(db)).toEqual({ rows: 2, distinct: 2 });
      } finally {
        await close();
      }
    },
    options.testTimeoutMs,
  );

  it(
    'keeps a shipment\'s events in write order with two relays running at once',
    async () => {
      const { bus, topic: uniqueTopic, createTopics, database, waitTimeoutMs } = context.fixture();
      const { db, close } = await database();
      const relays = [0, 1].map(() => new OutboxRelay({ db, bus, batchSize: 7, pollIntervalMs: 20 }));
      try {
        const topic = uniqueTopic('outbox-order');
        await createTopics([{ name: topic, partitions: 3 }]);
        const keys = ['shp-o1', 'shp-o2', 'shp-o3'];
        const perKey = 60;
        const received = new Map<string, number[]>();
        await context.consume({
          topics: topic,
          groupId: context.group('outbox-order'),
          handler: async (messages) => {
            for (const message of messages) {
              const seqs = received.get(message.event.subject) ?? [];
              seqs.push((message.event.data as { seq: number }).seq);
              received.set(message.event.subject, seqs);
            }
          },
        });
        for (const relay of relays) relay.start();
        // Written while the relays run: 10 events per transaction, interleaving the keys.
        for (let first = 0; first < perKey; first += 10) {
          await db.transaction().execute((trx) =>
            enqueueOutbox(
              trx,
              Array.from({ length: 10 }, (_, i) => first + i).flatMap((seq) => keys.map((key) => ({ topic, key, event: sequenced(key, seq) }))),
            ),
          );
          for (const relay of relays) relay.wake();
        }
        const distinct = () => keys.reduce((sum, key) => sum + new Set(received.get(key) ?? []).size, 0);
        await waitFor('every event', () => distinct() === keys.length * perKey, { timeoutMs: waitTimeoutMs, state: distinct });

        for (const key of keys) {
          // First deliveries in write order; a redelivery may repeat older ones, never skip ahead.
          const firsts = (received.get(key) ?? []).filter((seq, index, all) => all.indexOf(seq) === index);
          expect(firsts).toEqual(Array.from({ length: perKey }, (_, seq) => seq));
        }
        expect(await countUnpublishedOutbox(db)).toBe(0);
      } finally {
        await Promise.all(relays.map((relay) => relay.stop()));
        await close();
      }
    },
    options.testTimeoutMs,
  );
}
