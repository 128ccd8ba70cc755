import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkpointFingerprint, mapPayload } from '@parcelwatch/carriers';
import { createEvent, EVENT_TYPES, idFromName, newId, type Provider, type TrackingSnapshotCapturedEvent } from '@parcelwatch/contracts';
import type { Database } from '@parcelwatch/db';
import { seedShipments as registerShipments } from '@parcelwatch/db/testing';
import type { Kysely } from 'kysely';

const FIXTURES = path.resolve(import.meta.dirname, '../../../packages/carriers/test/fixtures');

export const MERCHANT_ID = idFromName('merchant', 'normalizer-test');

export interface FixtureShipment {
  shipmentId: string;
  provider: Provider;
  carrier: string;
  trackingNumber: string;
  body: unknown;
  /** What the carriers package reads from the body (distinct scans, latest status): the expected outcome. */
  expected: { checkpoints: number; milestone: string; reason: string | null };
}

/** Carrier payloads in every wire format the sandbox speaks, with a timeline each. */
const FIXTURE_FILES: ReadonlyArray<{ provider: Provider; carrier: string; file: string; trackingNumber?: string }> = [
  { provider: 'fedex', carrier: 'fedex', file: 'fedex/track-delivered.json' },
  { provider: 'dhl', carrier: 'dhl', file: 'dhl/express-in-transit.json' },
  { provider: 'aftership', carrier: 'postnl-3s', file: 'aftership/TrackingWithAdditionalFieldsTestCase.test_get_tracking.0.json' },
  { provider: 'usps', carrier: 'usps', file: 'usps/detail-delivered.json' },
  { provider: 'ups', carrier: 'ups', file: 'ups/track-delivered.json' },
  { provider: '17track', carrier: 'correios', file: '17track/gettrackinfo_correios_2151.json' },
];

export function readFixture(file: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8'));
}

export function fixtureShipments(tag = 'a'): FixtureShipment[] {
  return FIXTURE_FILES.map(({ provider, carrier, file }) => {
    const body = readFixture(file);
    const mapped = mapPayload(provider, body);
    const shipmentId = idFromName('shipment', tag, file);
    // Distinct scans: a feed may list the same scan twice (the AfterShip sample does).
    const distinct = new Set(mapped.checkpoints.map((checkpoint) => checkpointFingerprint(shipmentId, checkpoint))).size;
    return {
      shipmentId,
      provider,
      carrier,
      trackingNumber: mapped.trackingNumber,
      body,
      expected: { checkpoints: distinct, milestone: mapped.milestone, reason: mapped.reason },
    };
  });
}

/** Registers the shipments (and their merchant) as the api's registration writes them. */
export async function seedShipments(db: Kysely<Database>, shipments: readonly Pick<FixtureShipment, 'shipmentId' | 'provider' | 'carrier' | 'trackingNumber'>[]): Promise<void> {
  await db.insertInto('merchants').values({ id: MERCHANT_ID, name: 'Normalizer test shop' }).onConflict((oc) => oc.column('id').doNothing()).execute();
  await registerShipments(
    db,
    shipments.map((s) => ({
      id: s.shipmentId,
      merchantId: MERCHANT_ID,
      orderId: `order-${s.shipmentId}`,
      trackingNumber: s.trackingNumber,
      carrier: s.carrier,
      provider: s.provider,
      originCountry: null,
      destinationCountry: null,
      buyerTimezone: 'UTC',
      registeredAt: new Date('2025-03-01T00:00:00Z'),
    })),
  );
}

/** A tracking.snapshot.captured envelope as the poller publishes it. */
export function snapshotEvent(
  shipment: Pick<FixtureShipment, 'shipmentId' | 'provider' | 'carrier' | 'trackingNumber'>,
  body: unknown,
  options: { snapshotId?: string; fetchedAt?: string; base64?: boolean } = {},
): TrackingSnapshotCapturedEvent {
  const text = JSON.stringify(body);
  return createEvent(EVENT_TYPES.trackingSnapshotCaptured, {
    merchantid: MERCHANT_ID,
    source: 'parcelwatch/poller',
    data: {
      shipmentId: shipment.shipmentId,
      snapshotId: options.snapshotId ?? newId(),
      provider: shipment.provider,
      carrier: shipment.carrier,
      trackingNumber: shipment.trackingNumber,
      source: 'poll',
      fetchedAt: options.fetchedAt ?? '2025-03-01T00:00:00Z',
      httpStatus: 200,
      sha256: createHash('sha256').update(text).digest('hex'),
      payload: options.base64
        ? { encoding: 'base64', contentType: 'application/json', body: Buffer.from(text).toString('base64') }
        : { encoding: 'json', body },
      metadata: { attempt: 1 },
    },
  } as never);
}

export async function waitFor(description: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Everything the assertions compare between runs: checkpoints, shipment state, snapshots. */
export async function storedRows(db: Kysely<Database>) {
  const checkpoints = await db
    .selectFrom('checkpoints')
    .select(['id', 'shipment_id', 'occurred_at', 'milestone', 'reason', 'fingerprint', 'snapshot_id'])
    .orderBy('shipment_id')
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  const shipments = await db
    .selectFrom('shipments')
    .select(['id', 'status', 'status_reason', 'status_at', 'last_checkpoint_at', 'failed_attempts', 'picked_up_at', 'delivered_at'])
    .orderBy('id')
    .execute();
  const snapshots = await db.selectFrom('tracking_snapshots').select(['id', 'shipment_id', 'byte_size']).orderBy('id').execute();
  return { checkpoints, shipments, snapshots };
}
