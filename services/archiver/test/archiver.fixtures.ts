import { createHash } from 'node:crypto';
import {
  EVENT_TYPES,
  createEnvelope,
  idFromName,
  milestoneReachedEventSchema,
  trackingSnapshotCapturedEventSchema,
  type MilestoneReachedEvent,
  type TrackingSnapshotCapturedEvent,
} from '@parcelwatch/contracts';
import { insertExceptions, insertNewCheckpoints, insertNotifications, resolveExceptions, type Database } from '@parcelwatch/db';
import { seedShipments } from '@parcelwatch/db/testing';
import type { Kysely } from 'kysely';

/* Shipments written by the repositories the services use, and the events the poller and normalizer would send. */

export interface SeededShipment {
  shipmentId: string;
  merchantId: string;
  /** shipped: the acceptance scan; delivered: the delivery scan. Each came in its own snapshot. */
  checkpoints: { shipped: SeededCheckpoint; transit: SeededCheckpoint; delivered: SeededCheckpoint };
}

export interface SeededCheckpoint {
  checkpointId: string;
  snapshotId: string;
  occurredAt: string;
  fetchedAt: string;
}

const minutesAfter = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

export async function seedShipment(db: Kysely<Database>, name: string, startsAt = '2025-03-01T02:00:00.000Z'): Promise<SeededShipment> {
  const merchantId = idFromName('test-merchant', name);
  const shipmentId = idFromName('test-shipment', name);
  await db.insertInto('merchants').values({ id: merchantId, name: `merchant ${name}` }).onConflict((oc) => oc.column('id').doNothing()).execute();
  await seedShipments(db, [
    {
      id: shipmentId,
      merchantId,
      orderId: `order-${name}`,
      trackingNumber: `LX${createHash('sha256').update(name).digest('hex').slice(0, 9).toUpperCase()}CN`,
      carrier: 'china-post',
      provider: '17track',
      registeredAt: new Date(Date.parse(startsAt) - 3_600_000),
      tracking: { status: 'in_transit' },
    },
  ]);
  const scan = (step: string, hours: number): SeededCheckpoint => {
    const occurredAt = new Date(Date.parse(startsAt) + hours * 3_600_000).toISOString();
    return { checkpointId: idFromName('test-checkpoint', name, step), snapshotId: idFromName('test-snapshot', name, step), occurredAt, fetchedAt: minutesAfter(occurredAt, 30) };
  };
  const checkpoints = { shipped: scan('shipped', 0), transit: scan('transit', 30), delivered: scan('delivered', 240) };
  await insertNewCheckpoints(db, [
    row(shipmentId, checkpoints.shipped, 'in_transit', 'picked_up', 'Shenzhen, CN', 'Accepted by carrier', 480, '深圳'),
    row(shipmentId, checkpoints.transit, 'in_transit', 'departed_origin', 'Guangzhou, CN', 'Departed origin facility', 480, 'Guangzhou'),
    row(shipmentId, checkpoints.delivered, 'delivered', 'left_at_door', 'Brooklyn, NY, US', 'Delivered, front door', -300, 'Brooklyn'),
  ]);
  // The shipped message as the notifier records it once sent.
  await insertNotifications(db, [{
    id: idFromName('test-notification', name, 'shipped'),
    shipment_id: shipmentId,
    merchant_id: merchantId,
    idempotency_key: `${shipmentId}:shipped:email`,
    trigger: 'milestone:shipped',
    channel: 'email',
    template: 'shipped',
    locale: 'en-US',
    status: 'sent',
    scheduled_for: minutesAfter(checkpoints.shipped.occurredAt, 20),
    attempts: 1,
    sent_at: minutesAfter(checkpoints.shipped.occurredAt, 21),
    provider_message_id: `msg-${name}`,
    body_sha256: createHash('sha256').update(`body ${name}`).digest('hex'),
  }]);
  // A stall the detector opened and the delivery resolved.
  const exceptionId = idFromName('test-exception', name);
  await insertExceptions(db, [{ id: exceptionId, shipmentId, merchantId, kind: 'stalled', status: 'open', severity: 'medium', level: 0,
    openedAt: minutesAfter(checkpoints.transit.occurredAt, 60 * 24 * 6), escalatedAt: null, details: {} }]);
  await resolveExceptions(db, [{ id: exceptionId, resolution: 'delivered', resolvedAt: checkpoints.delivered.occurredAt }]);
  return { shipmentId, merchantId, checkpoints };
}

function row(shipmentId: string, c: SeededCheckpoint, milestone: 'in_transit' | 'delivered', reason: string, place: string, text: string, offset: number, city: string) {
  const local = new Date(Date.parse(c.occurredAt) + offset * 60_000).toISOString().slice(0, 19);
  return {
    id: c.checkpointId,
    shipmentId,
    occurredAt: c.occurredAt,
    localTime: local,
    utcOffsetMinutes: offset,
    zoneUnknown: false,
    milestone,
    reason,
    locationText: place,
    city,
    state: null,
    country: place.endsWith('US') ? 'US' : 'CN',
    postalCode: null,
    rawCode: reason.toUpperCase(),
    rawText: text,
    source: 'poll' as const,
    provider: '17track',
    fingerprint: createHash('sha256').update(`${c.checkpointId}`).digest('hex'),
    snapshotId: c.snapshotId,
  };
}

export function snapshotEvent(s: SeededShipment, c: SeededCheckpoint): TrackingSnapshotCapturedEvent {
  const body = { data: { number: 'LX', events: [{ time: c.occurredAt, checkpoint: c.checkpointId }] } };
  return trackingSnapshotCapturedEventSchema.parse(
    createEnvelope({
      id: idFromName('test-snapshot-event', c.snapshotId),
      type: EVENT_TYPES.trackingSnapshotCaptured,
      source: 'parcelwatch/poller',
      subject: s.shipmentId,
      merchantid: s.merchantId,
      time: c.fetchedAt,
      data: {
        shipmentId: s.shipmentId,
        snapshotId: c.snapshotId,
        provider: '17track',
        carrier: 'china-post',
        trackingNumber: 'LX123456789CN',
        source: 'poll',
        fetchedAt: c.fetchedAt,
        httpStatus: 200,
        sha256: createHash('sha256').update(JSON.stringify(body)).digest('hex'),
        payload: { encoding: 'json', body },
        metadata: { attempt: 1 },
      },
    }),
  );
}

export function milestoneEvent(s: SeededShipment, milestone: 'shipped' | 'delivered'): MilestoneReachedEvent {
  const c = s.checkpoints[milestone];
  return milestoneReachedEventSchema.parse(
    createEnvelope({
      id: idFromName('test-milestone-event', s.shipmentId, milestone),
      type: EVENT_TYPES.milestoneReached,
      source: 'parcelwatch/normalizer',
      subject: s.shipmentId,
      merchantid: s.merchantId,
      time: c.fetchedAt,
      data: { shipmentId: s.shipmentId, journeyMilestone: milestone, sequence: 1, checkpointId: c.checkpointId, status: milestone === 'shipped' ? { milestone: 'in_transit', reason: 'picked_up' } : { milestone: 'delivered', reason: 'left_at_door' }, occurredAt: c.occurredAt, location: null },
    }),
  );
}

export async function waitFor(description: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
