import { describe, expect, it } from '@jest/globals';
import type { Envelope } from '@parcelwatch/contracts';
import { countOpenDeadLetters, createDb, listDeadLetters, replayDeadLetters } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createTestDatabase, kafkaBrokers, uniqueTopic } from '@parcelwatch/test-harness';
import { createKafkaBus, databaseDeadLetters, KAFKA_CLIENTS, NonRetriableError, OutboxRelay, type ReceivedMessage } from '../src/index.js';
import { sequenced } from './bus-contract.js';
import { waitFor } from './support/wait-for.js';

const logger = createLogger({ name: 'kafka-dead-letters-test', level: process.env.LOG_LEVEL ?? 'silent' });

describe.each(KAFKA_CLIENTS)('KafkaBus on %s + dead-letter store', (client) => {
  it('keeps a dead letter in the database beside <topic>.dlq and replays it once onto its topic', async () => {
    const database = await createTestDatabase();
    const db = await createDb({ kind: 'postgres', url: database.url, max: 4 });
    const bus = createKafkaBus(client, { brokers: kafkaBrokers(), clientId: `kafka-dead-letters-${client}`, logger, deadLetters: databaseDeadLetters(db), consumer: { maxWaitTimeMs: 100 } });
    const relay = new OutboxRelay({ db, bus, logger, pollIntervalMs: 50 });
    try {
      await bus.connect();
      const topic = uniqueTopic('dead-letters');
      await bus.ensureTopics([{ name: topic, partitions: 1, dlq: true }]);
      let fixed = false;
      const handled: ReceivedMessage<Envelope>[] = [];
      const consumer = bus.subscribe({
        topics: topic,
        groupId: `${topic}-picky`,
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
      const events = [0, 1, 2].map((seq) => sequenced('shp-kafka-poison', seq));
      await bus.publish(topic, events);

      await waitFor('one letter stored', async () => (await countOpenDeadLetters(db)) === 1 && new Set(handled.map((m) => m.event.id)).size === 2, { timeoutMs: 60_000 });
      const [letter] = (await listDeadLetters(db, { merchantIds: null })).items;
      expect(letter).toMatchObject({ sourceTopic: topic, eventId: events[1]!.id, reasonKind: 'handler', sourcePartition: 0 });

      fixed = true;
      const outcome = await db.transaction().execute((trx) => replayDeadLetters(trx, { ids: [letter!.id], merchantIds: null, actor: 'test', at: new Date() }));
      expect(outcome.replayed).toHaveLength(1);
      await waitFor('the replayed message handled', () => handled.some((m) => m.event.id === events[1]!.id), { timeoutMs: 60_000 });
      expect(await countOpenDeadLetters(db)).toBe(0);
    } finally {
      await relay.stop();
      await bus.disconnect();
      await db.destroy();
      await database.drop();
    }
  });
});
