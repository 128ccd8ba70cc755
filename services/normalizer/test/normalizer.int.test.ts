import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DLQ_HEADERS, KafkaBus, OutboxRelay, rawParser, type RawMessage } from '@parcelwatch/bus';
import { EVENT_TYPES, idFromName, parseEvent, type Envelope } from '@parcelwatch/contracts';
import { createDb, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import { createTestDatabase, kafkaBrokers, uniqueTopic } from '@parcelwatch/test-harness';
import type { Kysely } from 'kysely';
import { createNormalizerService } from '../src/app.js';
import { fixtureShipments, readFixture, seedShipments, snapshotEvent, storedRows, waitFor, type FixtureShipment } from './snapshot-fixtures.js';

const logger = createLogger({ name: 'normalizer-int', level: 'silent' });
const clock = fixedClock('2025-03-20T00:00:00Z');

describe('normalizer on Kafka and PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let bus: KafkaBus;
  const topics = { trackingSnapshots: uniqueTopic('tracking.snapshots'), shipmentEvents: uniqueTopic('shipment.events') };
  const groupId = `normalizer-${idFromName('group', topics.trackingSnapshots).slice(0, 8)}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 4 });
    bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'normalizer-int', logger });
    await bus.connect();
    await bus.ensureTopics([
      { name: topics.trackingSnapshots, partitions: 4, dlq: true },
      { name: topics.shipmentEvents, partitions: 4 },
    ]);
  });

  afterAll(async () => {
    await bus?.disconnect();
    await db?.destroy();
    await database?.drop();
  });

  const processedCount = async () =>
    Number((await db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).where('consumer_group', '=', groupId).executeTakeFirstOrThrow()).n);

  it('stores each checkpoint once across duplicates and a restart, dead-letters what it cannot read, publishes the events', async () => {
    // 20 copies of every fixture journey, as 20 sets of distinct shipments.
    const shipments: FixtureShipment[] = Array.from({ length: 20 }, (_, i) => fixtureShipments(`int-${i}`)).flat();
    await seedShipments(db, shipments);
    const first = shipments.map((s, i) => snapshotEvent(s, s.body, { base64: i % 3 === 0 }));
    const repolls = shipments.map((s) => snapshotEvent(s, s.body, { fetchedAt: '2025-03-02T00:00:00Z' }));
    const broken = shipments[0] as FixtureShipment;
    // Every snapshot twice (a redelivery), re-polls with new ids, and two unreadable messages.
    await bus.publish(topics.trackingSnapshots, first);
    await bus.send([{ topic: topics.trackingSnapshots, key: broken.shipmentId, value: '{"specversion":' }]);
    await bus.publish(topics.trackingSnapshots, [snapshotEvent(broken, readFixture('aftership/error_invalid_api_key.json'))]);
    await bus.publish(topics.trackingSnapshots, first);
    await bus.publish(topics.trackingSnapshots, repolls);
    // Marked processed: each distinct envelope once; the unreadable ones are dead-lettered instead.
    const expectedProcessed = first.length + repolls.length;

    const normalizer = (maxBatchSize: number) => createNormalizerService({ db, bus, logger, clock, topics, groupId, maxBatchSize, concurrency: 2 });
    const early = normalizer(7);
    await early.start();
    await waitFor('some snapshots processed', async () => (await processedCount()) >= 20, 90_000);
    await early.stop();
    const restarted = normalizer(50);
    await restarted.start();
    try {
      await waitFor('every snapshot processed', async () => (await processedCount()) === expectedProcessed, 90_000);
    } finally {
      await restarted.stop();
    }

    const rows = await storedRows(db);
    for (const s of shipments) {
      expect(rows.checkpoints.filter((c) => c.shipment_id === s.shipmentId)).toHaveLength(s.expected.checkpoints);
      expect(rows.shipments.find((row) => row.id === s.shipmentId)).toMatchObject({ status: s.expected.milestone, status_reason: s.expected.reason });
    }
    expect(rows.snapshots).toHaveLength(first.length + repolls.length);

    const outbox = await db.selectFrom('outbox').select(['event']).orderBy('id').execute();
    const events = outbox.map((row) => row.event as Envelope<{ checkpoints?: unknown[] }>);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const announced = events.filter((e) => e.type === EVENT_TYPES.checkpointsAdded).reduce((n, e) => n + (e.data.checkpoints?.length ?? 0), 0);
    expect(announced).toBe(rows.checkpoints.length);

    // The relay publishes them; a consumer of shipment.events reads valid events.
    const relay = new OutboxRelay({ db, bus, logger });
    let relayed = 0;
    while ((await relay.relayOnce()) > 0) relayed = await db.selectFrom('outbox').select('id').where('published_at', 'is not', null).execute().then((r) => r.length);
    expect(relayed).toBe(events.length);

    const received: RawMessage[] = [];
    const dlq: RawMessage[] = [];
    const readers = [
      bus.subscribe({ topics: topics.shipmentEvents, groupId: `${groupId}-reader`, parse: rawParser(), handler: async (batch) => void received.push(...batch) }),
      bus.subscribe({ topics: `${topics.trackingSnapshots}.dlq`, groupId: `${groupId}-dlq`, parse: rawParser(), handler: async (batch) => void dlq.push(...batch) }),
    ];
    await Promise.all(readers.map((r) => r.start()));
    try {
      await waitFor('events and dead letters consumed', async () => received.length >= events.length && dlq.length >= 2, 90_000);
    } finally {
      await Promise.all(readers.map((r) => r.stop()));
    }
    for (const message of received) expect(parseEvent('shipment.events', message.value?.toString('utf8'))).toMatchObject({ ok: true });
    // The broken messages may be dead-lettered twice (the restart can redeliver them): what matters is where and why.
    const reasons = dlq.map((m) => m.headers[DLQ_HEADERS.reason] ?? '');
    expect(reasons.some((r) => /JSON/.test(r))).toBe(true);
    expect(reasons.some((r) => /PayloadError/.test(r))).toBe(true);
  });
});
