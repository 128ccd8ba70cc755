import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { EmbeddedBus } from '@parcelwatch/bus';
import { EVENT_TYPES, idFromName, type Envelope } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, registerShipments, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { createNormalizerService, type NormalizerService } from '../src/app.js';
import { MERCHANT_ID, readFixture, snapshotEvent, waitFor } from './snapshot-fixtures.js';

const SNAPSHOTS = 'tracking.snapshots';
const logger = createLogger({ name: 'normalizer-edd-test', level: 'silent' });

type Registered = { shipmentId: string; provider: 'aftership' | '17track'; carrier: string; trackingNumber: string };

/** An AfterShip (2025-01, flat) tracking: a pickup scan, then delivery `transitDays` later when given. */
function afterShipTracking(trackingNumber: string, pickedUpAt: string, transitDays: number | null): unknown {
  const checkpoints = [{ checkpoint_time: pickedUpAt, tag: 'InTransit', subtag: 'InTransit_002', message: 'Picked up', country_region: 'CN' }];
  if (transitDays !== null) {
    const delivered = new Date(Date.parse(pickedUpAt) + transitDays * 86_400_000).toISOString().replace('.000Z', 'Z');
    checkpoints.push({ checkpoint_time: delivered, tag: 'Delivered', subtag: 'Delivered_001', message: 'Delivered', country_region: 'US' });
  }
  return { meta: { code: 200 }, data: { tracking_number: trackingNumber, slug: 'yunexpress', tag: checkpoints.at(-1)!.tag, checkpoints } };
}

describe('the normalizer writes the estimated delivery and its source', () => {
  let db: Kysely<Database>;
  let bus: EmbeddedBus;
  let service: NormalizerService;

  beforeEach(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    await db.insertInto('merchants').values({ id: MERCHANT_ID, name: 'Normalizer test shop' }).execute();
    bus = new EmbeddedBus({ logger });
    await bus.connect();
    service = createNormalizerService({
      db,
      bus,
      logger,
      clock: fixedClock('2026-07-01T00:00:00Z'),
      maxBatchSize: 10,
      learnedEstimates: { minHistorySamples: 5, historyDays: 180 },
    });
    await service.start();
  });

  afterEach(async () => {
    await service.stop();
    await bus.disconnect();
    await db.destroy();
  });

  /** Through the repository the api registers with. */
  async function register(items: ReadonlyArray<Omit<Registered, 'shipmentId'> & { origin: string; destination: string; zone: string }>): Promise<Registered[]> {
    const rows = items.map((item) => ({
      id: idFromName('shipment', item.trackingNumber),
      merchantId: MERCHANT_ID,
      orderId: `order-${item.trackingNumber}`,
      trackingNumber: item.trackingNumber,
      carrier: item.carrier,
      provider: item.provider,
      originCountry: item.origin,
      destinationCountry: item.destination,
      promisedDeliveryDate: null,
      buyerTimezone: item.zone,
      orderValueMinor: 2999,
      orderCurrency: 'USD',
      contact: null,
      buyerId: null,
      nextPollAt: new Date('2026-07-01T00:00:00Z'),
      registeredAt: new Date('2026-07-01T00:00:00Z'),
    }));
    await db.transaction().execute((trx) => registerShipments(trx, rows));
    return items.map((item, i) => ({ shipmentId: rows[i]!.id, provider: item.provider, carrier: item.carrier, trackingNumber: item.trackingNumber }));
  }

  const processed = async (): Promise<number> =>
    Number((await db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  const estimateOf = (shipmentId: string) =>
    db
      .selectFrom('shipments')
      .select(['estimated_delivery_at', 'estimated_delivery_latest_at', 'estimated_delivery_source'])
      .where('id', '=', shipmentId)
      .executeTakeFirstOrThrow();

  async function shippedEvent(shipmentId: string): Promise<Envelope<{ journeyMilestone: string; estimatedDelivery: unknown }>> {
    const rows = await db.selectFrom('outbox').select('event').execute();
    const events = rows.map((row) => row.event as Envelope<{ journeyMilestone: string; estimatedDelivery: unknown }>);
    return events.find((e) => e.type === EVENT_TYPES.milestoneReached && e.subject === shipmentId && e.data.journeyMilestone === 'shipped')!;
  }

  it('takes the carrier\'s estimate from the 17TRACK sample and announces it with the shipped milestone', async () => {
    const [yanwen] = await register([{ provider: '17track', carrier: 'yanwen', trackingNumber: 'YT2616912345678901', origin: 'CN', destination: 'US', zone: 'America/Los_Angeles' }]);
    await bus.publish(SNAPSHOTS, [snapshotEvent(yanwen!, readFixture('17track/gettrackinfo_yanwen_190012.json'))]);
    await waitFor('the snapshot', async () => (await processed()) === 1);

    // time_metrics.estimated_delivery_date: 2026-07-08 .. 2026-07-12, kept as noon in the buyer's zone.
    expect(await estimateOf(yanwen!.shipmentId)).toEqual({
      estimated_delivery_at: new Date('2026-07-08T19:00:00Z'),
      estimated_delivery_latest_at: new Date('2026-07-12T19:00:00Z'),
      estimated_delivery_source: 'carrier',
    });
    expect((await shippedEvent(yanwen!.shipmentId)).data.estimatedDelivery).toEqual({ at: '2026-07-08T19:00:00Z', latestAt: '2026-07-12T19:00:00Z', source: 'carrier' });
  });

  it('learns p50/p90 from the lane\'s delivered shipments once there are enough, and only then', async () => {
    const transitDays = [8, 9, 10, 11, 20];
    const history = await register(
      transitDays.map((_, i) => ({ provider: 'aftership' as const, carrier: 'yunexpress', trackingNumber: `YT10000000000${i}`, origin: 'CN', destination: 'US', zone: 'America/New_York' })),
    );
    // Four deliveries: below the five the policy asks for, so a parcel shipping now gets no estimate.
    const [early, late] = await register([
      { provider: 'aftership', carrier: 'yunexpress', trackingNumber: 'YT200000000001', origin: 'CN', destination: 'US', zone: 'America/New_York' },
      { provider: 'aftership', carrier: 'yunexpress', trackingNumber: 'YT200000000002', origin: 'CN', destination: 'US', zone: 'America/New_York' },
    ]);
    const deliver = (i: number) => snapshotEvent(history[i]!, afterShipTracking(history[i]!.trackingNumber, `2026-05-0${i + 1}T02:00:00Z`, transitDays[i]!));
    await bus.publish(SNAPSHOTS, [0, 1, 2, 3].map(deliver));
    await waitFor('four deliveries', async () => (await processed()) === 4);
    await bus.publish(SNAPSHOTS, [snapshotEvent(early!, afterShipTracking(early!.trackingNumber, '2026-06-28T06:00:00Z', null))]);
    await waitFor('the first parcel shipped', async () => (await processed()) === 5);
    expect(await estimateOf(early!.shipmentId)).toEqual({ estimated_delivery_at: null, estimated_delivery_latest_at: null, estimated_delivery_source: null });
    expect((await shippedEvent(early!.shipmentId)).data.estimatedDelivery).toBeNull();

    // The fifth delivery: p50 of 8, 9, 10, 11, 20 days is 10, p90 is 11 + 0.6 * 9 = 16.4.
    await bus.publish(SNAPSHOTS, [deliver(4)]);
    await waitFor('the fifth delivery', async () => (await processed()) === 6);
    await bus.publish(SNAPSHOTS, [snapshotEvent(late!, afterShipTracking(late!.trackingNumber, '2026-06-29T06:00:00Z', null))]);
    await waitFor('the second parcel shipped', async () => (await processed()) === 7);
    const learned = { at: '2026-07-09T06:00:00Z', latestAt: '2026-07-15T15:36:00Z', source: 'learned' };
    expect(await estimateOf(late!.shipmentId)).toEqual({
      estimated_delivery_at: new Date(learned.at),
      estimated_delivery_latest_at: new Date(learned.latestAt),
      estimated_delivery_source: 'learned',
    });
    expect((await shippedEvent(late!.shipmentId)).data.estimatedDelivery).toEqual(learned);
    // Delivered shipments took none: an estimate is for parcels on their way.
    for (const shipment of history) expect((await estimateOf(shipment.shipmentId)).estimated_delivery_source).toBeNull();
  });
});
