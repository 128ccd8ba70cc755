import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DLQ_HEADERS, EmbeddedBus, OutboxRelay } from '@parcelwatch/bus';
import { parseEvent, EVENT_TYPES, type Envelope } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { createNormalizerService, type NormalizerService } from '../src/app.js';
import { fixtureShipments, readFixture, seedShipments, snapshotEvent, storedRows, waitFor } from './snapshot-fixtures.js';

const SNAPSHOTS = 'tracking.snapshots';
const EVENTS = 'shipment.events';
const logger = createLogger({ name: 'normalizer-test', level: 'silent' });

describe('normalizer on the embedded bus and PGlite', () => {
  let db: Kysely<Database>;
  let bus: EmbeddedBus;
  let service: NormalizerService;

  beforeEach(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    bus = new EmbeddedBus({ logger });
    await bus.connect();
    service = createNormalizerService({ db, bus, logger, clock: fixedClock('2025-03-20T00:00:00Z'), maxBatchSize: 4 });
  });

  afterEach(async () => {
    await service.stop();
    await bus.disconnect();
    await db.destroy();
  });

  const processed = async () =>
    Number((await db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  it('stores every checkpoint once, sets the state and enqueues the events; a replay changes nothing', async () => {
    const shipments = fixtureShipments();
    await seedShipments(db, shipments);
    const events = shipments.map((s, i) => snapshotEvent(s, s.body, { base64: i % 2 === 1 }));
    await service.start();
    await bus.publish(SNAPSHOTS, events);
    await waitFor('every snapshot processed', async () => (await processed()) === events.length);

    const first = await storedRows(db);
    for (const s of shipments) {
      expect(first.checkpoints.filter((c) => c.shipment_id === s.shipmentId)).toHaveLength(s.expected.checkpoints);
      expect(first.shipments.find((row) => row.id === s.shipmentId)).toMatchObject({ status: s.expected.milestone, status_reason: s.expected.reason });
    }
    expect(first.snapshots).toHaveLength(events.length);

    const outbox = await db.selectFrom('outbox').select(['topic', 'message_key', 'event']).orderBy('id').execute();
    for (const row of outbox) {
      expect(row.topic).toBe(EVENTS);
      const parsed = parseEvent(EVENTS, row.event);
      expect(parsed).toMatchObject({ ok: true });
    }
    const added = outbox.map((row) => row.event as Envelope<{ shipmentId: string; checkpoints: unknown[] }>).filter((e) => e.type === EVENT_TYPES.checkpointsAdded);
    expect(added.map((e) => e.data.checkpoints.length).reduce((a, b) => a + b, 0)).toBe(first.checkpoints.length);
    const delivered = outbox.map((row) => row.event as Envelope<{ journeyMilestone?: string }>).filter((e) => e.data.journeyMilestone === 'delivered');
    expect(delivered.map((e) => e.subject).sort()).toEqual(shipments.filter((s) => s.expected.milestone === 'delivered').map((s) => s.shipmentId).sort());

    // The same envelopes again (a redelivery), then the same bodies as fresh polls (new ids).
    await bus.publish(SNAPSHOTS, events);
    const repolled = shipments.map((s) => snapshotEvent(s, s.body, { fetchedAt: '2025-03-02T00:00:00Z' }));
    await bus.publish(SNAPSHOTS, repolled);
    await waitFor('the re-polls processed', async () => (await processed()) === events.length * 2);
    const second = await storedRows(db);
    expect(second.checkpoints).toEqual(first.checkpoints);
    expect(second.shipments).toEqual(first.shipments);
    expect(second.snapshots).toHaveLength(events.length * 2);
    expect(await db.selectFrom('outbox').select('id').execute()).toHaveLength(outbox.length);

    const relay = new OutboxRelay({ db, bus, logger });
    expect(await relay.relayOnce()).toBe(outbox.length);
    expect(bus.readTopic(EVENTS)).toHaveLength(outbox.length);
  });

  it('dead-letters unreadable snapshots with the reason and goes on with the next one', async () => {
    const [good, other] = fixtureShipments();
    if (!good || !other) throw new Error('fixtures missing');
    await seedShipments(db, [good, other]);
    await service.start();
    await bus.send([{ topic: SNAPSHOTS, key: good.shipmentId, value: 'not json at all' }]);
    await bus.publish(SNAPSHOTS, [snapshotEvent(good, readFixture('aftership/error_invalid_api_key.json'))]);
    await bus.publish(SNAPSHOTS, [snapshotEvent(other, other.body)]);
    await waitFor('the good snapshot processed', async () => (await processed()) >= 1);
    await waitFor('both dead letters', async () => bus.readTopic(`${SNAPSHOTS}.dlq`).length === 2);

    const reasons = bus.readTopic(`${SNAPSHOTS}.dlq`).map((m) => m.headers[DLQ_HEADERS.reason]);
    expect(reasons[0]).toMatch(/JSON/);
    expect(reasons[1]).toMatch(/PayloadError: fedex payload/);
    const rows = await storedRows(db);
    expect(rows.checkpoints.filter((c) => c.shipment_id === other.shipmentId)).toHaveLength(other.expected.checkpoints);
    expect(rows.checkpoints.filter((c) => c.shipment_id === good.shipmentId)).toHaveLength(0);
  });

  it('keeps delivered when a late snapshot brings an older scan, stores that scan once and ignores an edited repeat', async () => {
    const fedex = fixtureShipments().find((s) => s.provider === 'fedex');
    if (!fedex) throw new Error('fedex fixture missing');
    await seedShipments(db, [fedex]);
    await service.start();
    await bus.publish(SNAPSHOTS, [snapshotEvent(fedex, fedex.body)]);
    await waitFor('delivered snapshot', async () => (await processed()) === 1);
    // An older page of the same journey: only its first scans, re-sent late.
    const older = structuredClone(fedex.body) as { output: { completeTrackResults: { trackResults: { scanEvents: unknown[] }[] }[] } };
    const result = older.output.completeTrackResults[0]?.trackResults[0];
    if (!result) throw new Error('unexpected fedex fixture shape');
    const hubScan = { ...(result.scanEvents[2] as object), date: '2024-02-14T09:00:00-06:00', eventType: 'AR', eventDescription: 'Arrived at FedEx hub' };
    // The delivery scan again, its seconds and wording edited by the carrier: the same scan.
    const editedDelivery = { ...(result.scanEvents[0] as object), date: '2024-02-17T12:34:59-05:00', eventDescription: 'Delivered - left at door' };
    result.scanEvents = [editedDelivery, hubScan, ...result.scanEvents.slice(-2)];
    await bus.publish(SNAPSHOTS, [snapshotEvent(fedex, older)]);
    await waitFor('late snapshot', async () => (await processed()) === 2);
    const rows = await storedRows(db);
    expect(rows.shipments[0]).toMatchObject({ status: 'delivered', last_checkpoint_at: new Date('2024-02-17T17:34:26Z') });
    expect(rows.checkpoints).toHaveLength(fedex.expected.checkpoints + 1);
    const announced = await db.selectFrom('outbox').select('event').execute();
    const lateEvents = announced.map((r) => r.event as Envelope).filter((e) => e.type !== EVENT_TYPES.checkpointsAdded);
    expect(lateEvents.filter((e) => e.type === EVENT_TYPES.statusChanged)).toHaveLength(1);
  });
});
