import { expect, it } from '@jest/globals';
import type { Envelope } from '@parcelwatch/contracts';
import { DLQ_HEADERS, NonRetriableError, RetriableError, rawParser, type ReceivedMessage } from '../src/index.js';
import { sequenced, type ContractContext } from './support/contract-fixture.js';
import { waitFor } from './support/wait-for.js';

const FAST_RETRY = { retries: 2, minTimeoutMs: 10, maxTimeoutMs: 50 };

function seqOf(message: ReceivedMessage<Envelope>): number {
  return (message.event.data as { seq: number }).seq;
}

/** Dead-lettering, retries, halts and restarts. Part of `describeBusContract`. */
export function describeDeliveryFailures(context: ContractContext, options: { testTimeoutMs: number }) {
  it(
    'dead-letters malformed messages with the reason in headers and goes on with the messages after them',
    async () => {
      const { bus, topic: uniqueTopic, createTopics, waitTimeoutMs } = context.fixture();
      const topic = uniqueTopic('malformed');
      await createTopics([{ name: topic, partitions: 3, dlq: true }]);
      const key = 'shp-malformed';
      const [first, afterOne, afterTwo] = [sequenced(key, 0), sequenced(key, 1), sequenced(key, 2)];
      await bus.publish(topic, [first]);
      await bus.send([
        { topic, key, value: '{"specversion": "1.0", "id": ', headers: { 'x-origin': 'truncated' } },
        { topic, key, value: JSON.stringify({ specversion: '1.0', id: 'no-type' }), headers: { 'x-origin': 'incomplete' } },
      ]);
      await bus.publish(topic, [afterOne, afterTwo]);

      const handled: ReceivedMessage<Envelope>[] = [];
      const deadLettered: ReceivedMessage<Buffer | null>[] = [];
      const groupId = context.group('malformed');
      await context.consume({ topics: topic, groupId, handler: async (messages) => void handled.push(...messages) });
      await context.consume({
        topics: `${topic}.dlq`,
        groupId: context.group('dlq-reader'),
        parse: rawParser(),
        handler: async (messages) => void deadLettered.push(...messages),
      });
      await waitFor('3 handled and 2 dead-lettered', () => handled.length >= 3 && deadLettered.length >= 2, {
        timeoutMs: waitTimeoutMs,
        state: () => ({ handled: handled.length, deadLettered: deadLettered.length }),
      });

      expect(handled.map((message) => message.event.id)).toEqual([first.id, afterOne.id, afterTwo.id]);
      const byOrigin = new Map(deadLettered.map((message) => [message.headers['x-origin'], message]));
      const truncated = byOrigin.get('truncated');
      const incomplete = byOrigin.get('incomplete');
      expect(truncated?.headers[DLQ_HEADERS.reason]).toMatch(/^parse: not valid JSON/);
      expect(incomplete?.headers[DLQ_HEADERS.reason]).toMatch(/^parse: invalid envelope: /);
      for (const letter of [truncated, incomplete]) {
        expect(letter?.key).toBe(key);
        expect(letter?.headers[DLQ_HEADERS.sourceTopic]).toBe(topic);
        expect(letter?.headers[DLQ_HEADERS.consumerGroup]).toBe(groupId);
        expect(Number.isNaN(Date.parse(letter?.headers[DLQ_HEADERS.failedAt] ?? ''))).toBe(false);
      }
      // The original bytes and position, so the message can be replayed once fixed.
      expect(truncated?.event?.toString()).toBe('{"specversion": "1.0", "id": ');
      expect(Number(truncated?.headers[DLQ_HEADERS.sourceOffset])).toBeGreaterThan(Number(handled[0]?.offset));
      expect(truncated?.headers[DLQ_HEADERS.sourcePartition]).toBe(String(handled[0]?.partition));
    },
    options.testTimeoutMs,
  );

  it(
    'retries a retriable handler failure and dead-letters a non-retriable one, keeping per-key order',
    async () => {
      const { bus, topic: uniqueTopic, createTopics, waitTimeoutMs } = context.fixture();
      const topic = uniqueTopic('handler-failures');
      await createTopics([{ name: topic, partitions: 2, dlq: true }]);
      const key = 'shp-failures';
      const events = [sequenced(key, 0), sequenced(key, 1, { poison: true }), sequenced(key, 2, { flaky: true }), sequenced(key, 3)];
      await bus.publish(topic, events);

      let flakyAttempts = 0;
      const applied: number[] = [];
      const deadLettered: ReceivedMessage<Buffer | null>[] = [];
      await context.consume({
        topics: topic,
        groupId: context.group('handler-failures'),
        retry: FAST_RETRY,
        // Like a database transaction: the chunk's effects count only if the whole call succeeds.
        handler: async (messages) => {
          const pending: number[] = [];
          for (const message of messages) {
            const data = message.event.data as { poison?: boolean; flaky?: boolean };
            if (data.poison) throw new NonRetriableError('shipment does not exist');
            if (data.flaky && flakyAttempts++ < 2) throw new RetriableError('database restarting');
            pending.push(seqOf(message));
          }
          applied.push(...pending);
        },
      });
      await context.consume({
        topics: `${topic}.dlq`,
        groupId: context.group('handler-failures-dlq'),
        parse: rawParser(),
        handler: async (messages) => void deadLettered.push(...messages),
      });
      await waitFor('3 applied and 1 dead-lettered', () => applied.length >= 3 && deadLettered.length >= 1, {
        timeoutMs: waitTimeoutMs,
        state: () => ({ applied, deadLettered: deadLettered.length }),
      });

      expect(applied).toEqual([0, 2, 3]);
      expect(flakyAttempts).toBe(3);
      expect(deadLettered).toHaveLength(1);
      expect(deadLettered[0]?.headers[DLQ_HEADERS.reason]).toBe('handler: NonRetriableError: shipment does not exist');
      expect(JSON.parse(deadLettered[0]?.event?.toString() ?? '{}')).toMatchObject({ id: events[1]?.id });
    },
    options.testTimeoutMs,
  );

  it(
    'halts when retries run out and restarts from the last committed offset, skipping nothing',
    async () => {
      const { bus, topic: uniqueTopic, createTopics, waitTimeoutMs } = context.fixture();
      const topic = uniqueTopic('halt');
      await createTopics([{ name: topic, partitions: 1, dlq: true }]);
      const key = 'shp-halt';
      await bus.publish(topic, [sequenced(key, 0)]);

      // Seq 1 fails 6 times: 3 attempts per run (2 retries), so two runs halt and the third succeeds.
      let failures = 0;
      const applied: number[] = [];
      const halts: Error[] = [];
      const consumer = await context.consume({
        topics: topic,
        groupId: context.group('halt'),
        retry: FAST_RETRY,
        restart: { minDelayMs: 50, maxDelayMs: 200 },
        onHalt: (error) => void halts.push(error),
        handler: async (messages) => {
          const pending: number[] = [];
          for (const message of messages) {
            if (seqOf(message) === 1 && failures < 6) {
              failures += 1;
              throw new RetriableError('carrier API unavailable');
            }
            pending.push(seqOf(message));
          }
          applied.push(...pending);
        },
      });
      await waitFor('seq 0 applied', () => applied.includes(0), { timeoutMs: waitTimeoutMs });
      await bus.publish(topic, [sequenced(key, 1), sequenced(key, 2)]);
      await waitFor('seq 2 applied', () => applied.includes(2), { timeoutMs: waitTimeoutMs, state: () => ({ applied, failures, halts: halts.length }) });

      expect(applied).toEqual([0, 1, 2]);
      expect(failures).toBe(6);
      expect(halts.length).toBe(2);
      expect(halts[0]?.name).toBe('ConsumerHaltedError');
      expect(consumer.isHealthy()).toBe(true);
    },
    options.testTimeoutMs,
  );

  it(
    'a stopped consumer resumes from its committed offset, and a new group reads everything',
    async () => {
      const { bus, topic: uniqueTopic, createTopics, waitTimeoutMs } = context.fixture();
      const topic = uniqueTopic('resume');
      await createTopics([{ name: topic, partitions: 3 }]);
      const firstWave = Array.from({ length: 20 }, (_, i) => sequenced(`shp-r${i % 4}`, Math.floor(i / 4)));
      const secondWave = Array.from({ length: 12 }, (_, i) => sequenced(`shp-r${i % 4}`, 5 + Math.floor(i / 4)));
      const seen: string[] = [];
      const groupId = context.group('resume');
      const consumer = await context.consume({ topics: topic, groupId, handler: async (messages) => void seen.push(...messages.map((m) => m.event.id)) });
      await bus.publish(topic, firstWave);
      await waitFor('the first wave', () => seen.length >= firstWave.length, { timeoutMs: waitTimeoutMs });
      await consumer.stop();
      expect(consumer.isHealthy()).toBe(false);

      await bus.publish(topic, secondWave);
      await consumer.start();
      await waitFor('the second wave', () => seen.length >= firstWave.length + secondWave.length, { timeoutMs: waitTimeoutMs });
      const everything = [...firstWave, ...secondWave].map((event) => event.id);
      expect([...seen].sort()).toEqual([...everything].sort());

      const late: string[] = [];
      await context.consume({ topics: topic, groupId: context.group('resume-late'), handler: async (messages) => void late.push(...messages.map((m) => m.event.id)) });
      await waitFor('a new group to read both waves', () => late.length >= everything.length, { timeoutMs: waitTimeoutMs });
      expect([...late].sort()).toEqual([...everything].sort());
    },
    options.testTimeoutMs,
  );
}
