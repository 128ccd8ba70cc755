import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Envelope } from '@parcelwatch/contracts';
import type { BusConsumer, ReceivedMessage } from '../src/index.js';
import { describeDeliveryFailures } from './bus-contract.failures.js';
import { describeOutbox } from './bus-contract.outbox.js';
import { sequenced, type BusContractFixture, type ContractContext } from './support/contract-fixture.js';
import { effectRowsFor, effectStats, effectsHandler, processedCount, createEffectsTable } from './support/effects.js';
import { waitFor, withDeadline } from './support/wait-for.js';

export type { BusContractFixture, DoomedConsumer, DoomedConsumerOptions, TestDatabase } from './support/contract-fixture.js';
export { sequenced } from './support/contract-fixture.js';

/**
 * The behaviour every EventBus adapter must show. Run against EmbeddedBus (unit) and KafkaBus
 * on a real broker and PostgreSQL (integration).
 */
export interface ContractOptions {
  testTimeoutMs: number;
  /** Receives measurements worth reporting (the 10k run's timings). */
  report?: (line: string) => void;
}

export function describeBusContract(name: string, setup: () => Promise<BusContractFixture>, options: ContractOptions) {
  describe(`EventBus contract: ${name}`, () => {
    let fixture: BusContractFixture;
    let running: BusConsumer[] = [];
    let groups = 0;
    const context: ContractContext = {
      fixture: () => fixture,
      consume: async (subscribe) => {
        const consumer = fixture.bus.subscribe(subscribe);
        running.push(consumer);
        await consumer.start();
        return consumer;
      },
      group: (base) => `${base}-${process.pid}-${Date.now().toString(36)}-${(groups += 1)}`,
    };

    beforeAll(async () => {
      fixture = await setup();
    }, options.testTimeoutMs);

    afterEach(async () => {
      await Promise.all(running.map((consumer) => consumer.stop({ timeoutMs: 10_000 })));
      running = [];
    }, options.testTimeoutMs);

    afterAll(async () => {
      await fixture?.dispose();
    }, options.testTimeoutMs);

    it(
      'delivers 10,000 keyed messages (200 keys x 50): none lost, none duplicated, in order per key',
      async () => {
        const topic = fixture.topic('ordered');
        await fixture.createTopics([{ name: topic, partitions: 6 }]);
        const keys = Array.from({ length: 200 }, (_, k) => `shp-${k}`);
        const perKey = 50;
        const total = keys.length * perKey;
        const received = new Map<string, number[]>();
        const distinct = new Set<string>();
        let deliveries = 0;

        const started = performance.now();
        await context.consume({
          topics: topic,
          groupId: context.group('ordered'),
          maxBatchSize: 500,
          concurrency: 3,
          handler: async (messages: ReceivedMessage<Envelope>[]) => {
            for (const message of messages) {
              const seq = (message.event.data as { seq: number }).seq;
              const list = received.get(message.event.subject) ?? [];
              list.push(seq);
              received.set(message.event.subject, list);
              distinct.add(`${message.event.subject}/${seq}`);
              deliveries += 1;
            }
          },
        });
        const events = Array.from({ length: perKey }, (_, seq) => keys.map((key) => sequenced(key, seq))).flat();
        await fixture.bus.publish(topic, events);
        const published = performance.now();
        await waitFor('all 10,000 messages', () => distinct.size === total, {
          timeoutMs: fixture.waitTimeoutMs,
          state: () => ({ distinct: distinct.size, deliveries }),
        });
        const consumed = performance.now();
        options.report?.(
          `[${name}] 10k keyed messages: publish ${Math.round(published - started)} ms, ` +
            `publish+consume ${Math.round(consumed - started)} ms (${deliveries} deliveries)`,
        );

        expect(received.size).toBe(keys.length);
        const outOfOrder: string[] = [];
        for (const [key, seqs] of received) {
          // At-least-once allows a rewind (redelivery), never a gap: each new seq is the next one.
          let highest = -1;
          for (const seq of seqs) {
            if (seq > highest + 1) outOfOrder.push(`${key}: ${seq} after ${highest}`);
            highest = Math.max(highest, seq);
          }
          if (highest !== perKey - 1) outOfOrder.push(`${key}: ended at ${highest}`);
        }
        expect(outOfOrder).toEqual([]);
        // Nothing went wrong, so nothing should have been redelivered either.
        expect(deliveries).toBe(total);
      },
      options.testTimeoutMs,
    );

    it(
      'redelivers the chunk of a consumer killed after its database commit; effects land exactly once',
      async () => {
        const database = await fixture.database();
        try {
          await createEffectsTable(database.db);
          const topic = fixture.topic('killed');
          await fixture.createTopics([{ name: topic, partitions: 2 }]);
          const events = Array.from({ length: 30 }, (_, seq) => Array.from({ length: 10 }, (_, k) => sequenced(`shp-k${k}`, seq))).flat();
          await fixture.bus.publish(topic, events);
          const groupId = context.group('killed');

          const doomed = await fixture.startDoomedConsumer({ topic, groupId, database, maxBatchSize: 25, hangOnChunk: 3 });
          const inDoomedChunk = await withDeadline('the doomed consumer to hang', doomed.hanging, fixture.waitTimeoutMs);
          expect(inDoomedChunk.length).toBeGreaterThan(0);
          // Its transaction committed: the effects are there, the offsets are not.
          expect(await effectRowsFor(database.db, inDoomedChunk)).toBe(inDoomedChunk.length);
          await doomed.kill();

          const skippedAsDuplicates = new Set<string>();
          const successor = await context.consume({
            topics: topic,
            groupId,
            maxBatchSize: 25,
            handler: effectsHandler({
              db: database.db,
              groupId,
              consumer: 'successor',
              afterCommit: (all, applied) => {
                const fresh = new Set(applied);
                for (const message of all) if (!fresh.has(message.event.id)) skippedAsDuplicates.add(message.event.id);
              },
            }),
          });
          await waitFor(
            'the successor to apply everything and to see the doomed chunk again',
            async () => (await effectStats(database.db)).distinct === events.length && inDoomedChunk.every((id) => skippedAsDuplicates.has(id)),
            { timeoutMs: fixture.waitTimeoutMs, intervalMs: 200, state: () => ({ skipped: skippedAsDuplicates.size }) },
          );
          await successor.stop();

          expect(await effectStats(database.db)).toEqual({ rows: events.length, distinct: events.length });
          expect(await processedCount(database.db, groupId)).toBe(events.length);
        } finally {
          await database.close();
        }
      },
      options.testTimeoutMs,
    );

    describeDeliveryFailures(context, options);
    describeOutbox(context, options);
  });
}
