import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DLQ_HEADERS, KafkaBus, OutboxRelay, rawParser, type RawMessage } from '@parcelwatch/bus';
import { createEvent, EVENT_TYPES, idFromName, parseEvent, type Envelope } from '@parcelwatch/contracts';
import { createDb, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import { createTestDatabase, kafkaBrokers, uniqueTopic } from '@parcelwatch/test-harness';
import type { Kysely } from 'kysely';
import { createDetectorService } from '../src/app.js';
import { delayRows, exceptionRows, outboxEvents, seedShipments, STORE_MERCHANT_ID, type ShipmentSeed } from './store.fixtures.js';

const logger = createLogger({ name: 'detector-int', level: 'silent' });
const NOW = '2025-03-20T12:00:00Z';
const clock = fixedClock(NOW);
const ago = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();

/** One journey per expectation: the state the normalizer left and what the detector must make of it. */
const JOURNEYS: Array<{ name: string; seed: Omit<ShipmentSeed, 'id'>; exceptions: string[]; daysLate?: number }> = [
  { name: 'stalled', seed: { status: 'in_transit', status_reason: 'arrived_hub', status_at: ago(6), last_checkpoint_at: ago(6), picked_up_at: ago(8) }, exceptions: ['stalled:open:medium'] },
  { name: 'postal-not-yet', seed: { carrier: 'china-post', status: 'in_transit', status_reason: 'arrived_hub', status_at: ago(6), last_checkpoint_at: ago(6), picked_up_at: ago(8) }, exceptions: [] },
  { name: 'customs', seed: { status: 'exception', status_reason: 'customs_documents_required', status_at: ago(1), last_checkpoint_at: ago(1), picked_up_at: ago(9) }, exceptions: ['customs_hold:open:medium'] },
  { name: 'failed-twice', seed: { status: 'failed_attempt', status_reason: 'recipient_unavailable', failed_attempts: 2, status_at: ago(0.5), last_checkpoint_at: ago(0.5), picked_up_at: ago(10) }, exceptions: ['failed_delivery:escalated:high'] },
  { name: 'lost', seed: { status: 'exception', status_reason: 'lost', status_at: ago(2), last_checkpoint_at: ago(2), picked_up_at: ago(15) }, exceptions: ['lost:open:critical'] },
  { name: 'silent-30-days', seed: { status: 'in_transit', status_reason: 'departed_origin', status_at: ago(31), last_checkpoint_at: ago(31), picked_up_at: ago(33) }, exceptions: ['lost:open:critical'] },
  // Promised 15 March in New York: 15 March ended at 04:00 UTC on the 16th; at 08:00 EDT on the 20th it is day 5.
  { name: 'late', seed: { status: 'in_transit', status_reason: 'arrived_destination_country', status_at: ago(1), last_checkpoint_at: ago(1), picked_up_at: ago(12), promised_delivery_date: '2025-03-15' }, exceptions: ['late:escalated:medium'], daysLate: 5 },
  { name: 'fine', seed: { status: 'in_transit', status_reason: 'arrived_hub', status_at: ago(1), last_checkpoint_at: ago(1), picked_up_at: ago(3) }, exceptions: [] },
];

async function waitFor(description: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('detector on Kafka and PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let bus: KafkaBus;
  const topics = {
    shipmentEvents: uniqueTopic('shipment.events'),
    shipments: uniqueTopic('shipments'),
    shipmentExceptions: uniqueTopic('shipment.exceptions'),
    shipmentDelays: uniqueTopic('shipment.delays'),
  };
  const groupId = `detector-${idFromName('group', topics.shipmentEvents).slice(0, 8)}`;
  const copies = 5;
  const shipments = Array.from({ length: copies }, (_, copy) => JOURNEYS.map((journey) => ({ ...journey, id: idFromName('detector-int', journey.name, String(copy)) }))).flat();

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 6 });
    bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'detector-int', logger });
    await bus.connect();
    await bus.ensureTopics([
      { name: topics.shipmentEvents, partitions: 4, dlq: true },
      { name: topics.shipments, partitions: 2, dlq: true },
      { name: topics.shipmentExceptions, partitions: 2 },
      { name: topics.shipmentDelays, partitions: 2 },
    ]);
    await seedShipments(db, shipments.map((s) => ({ id: s.id, ...s.seed })));
  });

  afterAll(async () => {
    await bus?.disconnect();
    await db?.destroy();
    await database?.drop();
  });

  const processedCount = async () =>
    Number((await db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).where('consumer_group', '=', groupId).executeTakeFirstOrThrow()).n);

  const statusChanged = (s: (typeof shipments)[number], round = 'first'): Envelope =>
    createEvent(EVENT_TYPES.statusChanged, {
      id: idFromName('status-changed', round, s.id),
      merchantid: STORE_MERCHANT_ID as never,
      source: 'parcelwatch/normalizer',
      time: NOW,
      data: {
        shipmentId: s.id as never,
        from: null,
        to: { milestone: 'in_transit', reason: 'arrived_hub' } as never,
        cause: 'checkpoint',
        checkpointId: idFromName('checkpoint', s.id) as never,
        occurredAt: (s.seed.last_checkpoint_at as string | undefined) ?? NOW,
      },
    });

  it('turns shipment events into exactly the expected exceptions, delays and events; redelivery and a restart change nothing; delivery resolves', async () => {
    const events = shipments.map((s) => statusChanged(s));
    await bus.publish(topics.shipmentEvents, events);
    await bus.send([{ topic: topics.shipmentEvents, key: shipments[0]?.id ?? null, value: '{"specversion":' }]);
    await bus.publish(topics.shipmentEvents, events);

    const detector = () => createDetectorService({ db, bus, logger, clock, topics, groupId, maxBatchSize: 7, sweep: { enabled: false } });
    const first = detector();
    await first.start();
    try {
      await waitFor('every event processed', async () => (await processedCount()) === events.length);
    } finally {
      await first.stop();
    }

    const expectedExceptions = shipments.flatMap((s) => s.exceptions.map((e) => `${s.id}:${e}`)).sort();
    const describeRows = async () => (await exceptionRows(db)).map((r) => `${r.shipment_id}:${r.kind}:${r.status}:${r.severity}`).sort();
    expect(await describeRows()).toEqual(expectedExceptions);
    const expectedDelays = shipments.filter((s) => s.daysLate !== undefined).map((s) => ({ shipment_id: s.id, against: 'promised', days_late: s.daysLate, tier: 1 }));
    expect((await delayRows(db)).filter((d) => d.against === 'promised')).toEqual(expect.arrayContaining(expectedDelays));
    expect((await delayRows(db)).filter((d) => d.against === 'promised')).toHaveLength(expectedDelays.length);
    const outboxBefore = await outboxEvents(db);
    expect(new Set(outboxBefore.map((e) => e.event.id)).size).toBe(outboxBefore.length);

    // Everything again, after the first run committed: a redelivery, to a restarted detector. Then one
    // new event per shipment behind it (same key, same partition): once those are processed, the
    // redelivered ones before them have been too. The state has not moved, so they change nothing either.
    await bus.publish(topics.shipmentEvents, events);
    await bus.publish(topics.shipmentEvents, shipments.map((s) => statusChanged(s, 'again')));
    const restarted = detector();
    await restarted.start();
    try {
      await waitFor('the events behind the redelivery processed', async () => (await processedCount()) === 2 * events.length);
    } finally {
      await restarted.stop();
    }
    expect(await describeRows()).toEqual(expectedExceptions);
    expect(await outboxEvents(db)).toHaveLength(outboxBefore.length);

    // The normalizer delivers the stalled and late parcels and says so: their exceptions resolve as
    // delivered, the late one's delay stays at the 5 days it had, and nothing else moves.
    const delivered = shipments.filter((s) => s.name === 'stalled' || s.name === 'late');
    await db.updateTable('shipments').set({ status: 'delivered', status_reason: 'signed', status_at: ago(0.1), delivered_at: ago(0.1), last_checkpoint_at: ago(0.1) })
      .where('id', 'in', delivered.map((s) => s.id)).execute();
    await bus.publish(topics.shipmentEvents, delivered.map((s) => statusChanged(s, 'delivered')));
    const third = detector();
    await third.start();
    try {
      await waitFor('the delivery events processed', async () => (await processedCount()) === 2 * events.length + delivered.length);
    } finally {
      await third.stop();
    }
    const afterDelivery = await exceptionRows(db);
    for (const s of delivered) {
      expect(afterDelivery.filter((r) => r.shipment_id === s.id)).toEqual([expect.objectContaining({ status: 'resolved', resolution: 'delivered' })]);
    }
    expect(afterDelivery.filter((r) => r.status !== 'resolved')).toHaveLength(expectedExceptions.length - delivered.length);
    expect((await delayRows(db)).filter((d) => d.against === 'promised')).toHaveLength(expectedDelays.length);
    const resolvedEvents = (await outboxEvents(db)).slice(outboxBefore.length);
    expect(resolvedEvents.map((e) => e.event.type)).toEqual(delivered.map(() => EVENT_TYPES.exceptionResolved));
    const outboxAll = await outboxEvents(db);

    // The relay publishes them; consumers of shipment.exceptions and shipment.delays read valid events.
    const relay = new OutboxRelay({ db, bus, logger });
    while ((await relay.relayOnce()) > 0);
    const received: RawMessage[] = [];
    const dlq: RawMessage[] = [];
    const readers = [
      bus.subscribe({ topics: [topics.shipmentExceptions, topics.shipmentDelays], groupId: `${groupId}-reader`, parse: rawParser(), handler: async (batch) => void received.push(...batch) }),
      bus.subscribe({ topics: `${topics.shipmentEvents}.dlq`, groupId: `${groupId}-dlq`, parse: rawParser(), handler: async (batch) => void dlq.push(...batch) }),
    ];
    await Promise.all(readers.map((r) => r.start()));
    try {
      await waitFor('events and the dead letter consumed', async () => received.length >= outboxAll.length && dlq.length >= 1);
    } finally {
      await Promise.all(readers.map((r) => r.stop()));
    }
    for (const message of received) {
      const registryTopic = message.topic === topics.shipmentDelays ? 'shipment.delays' : 'shipment.exceptions';
      expect(parseEvent(registryTopic, message.value?.toString('utf8'))).toEqual(expect.objectContaining({ ok: true }));
    }
    expect(received.filter((m) => m.topic === topics.shipmentDelays).length).toBe(outboxAll.filter((e) => e.topic === topics.shipmentDelays).length);
    expect(dlq[0]?.headers[DLQ_HEADERS.reason]).toMatch(/JSON/);
  });

  it('two detectors sweeping at once evaluate each due shipment exactly once', async () => {
    const due = Array.from({ length: 400 }, (_, i) => ({
      id: idFromName('detector-int-sweep', String(i)),
      status: 'in_transit' as const,
      status_reason: 'arrived_hub',
      status_at: ago(6),
      last_checkpoint_at: ago(6),
      picked_up_at: ago(8),
      next_check_at: ago(1),
    }));
    await seedShipments(db, due);
    const outboxBefore = (await outboxEvents(db)).length;
    const sweeper = (name: string) => createDetectorService({ db, bus, logger, clock, topics, groupId: `${groupId}-${name}`, sweep: { enabled: false, batchSize: 25, concurrency: 2 } });
    const [a, b] = await Promise.all([sweeper('a').sweepOnce(), sweeper('b').sweepOnce()]);
    // Each claim took rows the other did not hold; together they saw every due shipment once.
    expect(a.shipments + b.shipments).toBe(due.length);
    expect(a.opened + b.opened).toBe(due.length);
    const stalls = (await exceptionRows(db)).filter((r) => due.some((d) => d.id === r.shipment_id));
    expect(stalls).toHaveLength(due.length);
    expect(stalls.every((r) => r.kind === 'stalled' && r.status === 'open')).toBe(true);
    expect((await outboxEvents(db)).length - outboxBefore).toBe(due.length);
    // Nothing is left due at this instant.
    const left = await db.selectFrom('detection_schedule').select('shipment_id').where('next_check_at', '<=', new Date(NOW)).execute();
    expect(left).toEqual([]);
  });

  it('sweeps a due shipment while another transaction inserts a row that references it', async () => {
    // A checkpoint batch, a notification or a proof being written for the shipment holds KEY SHARE
    // on it until commit; the sweep must not pass over the shipment because of that.
    const shipment = { id: idFromName('detector-int-key-share', 'one'), status: 'in_transit' as const, status_reason: 'arrived_hub', status_at: ago(6), last_checkpoint_at: ago(6), picked_up_at: ago(8), next_check_at: ago(1) };
    await seedShipments(db, [shipment]);
    const sweeper = createDetectorService({ db, bus, logger, clock, topics, groupId: `${groupId}-key-share`, sweep: { enabled: false } });
    const swept = await db
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto('tracking_snapshots')
          .values({ id: idFromName('detector-int-key-share', 'snapshot'), shipment_id: shipment.id, provider: '17track', source: 'poll', fetched_at: new Date(NOW), sha256: 'a'.repeat(64), byte_size: 2 })
          .execute();
        const counts = await sweeper.sweepOnce();
        throw Object.assign(new Error('roll back'), { counts });
      })
      .catch((err: { counts?: { shipments: number; opened: number } }) => err.counts);
    expect(swept).toEqual(expect.objectContaining({ shipments: 1, opened: 1 }));
  });
});
