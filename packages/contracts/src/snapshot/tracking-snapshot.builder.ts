import { trackingSnapshotCapturedDataSchema, type SnapshotPayload, type TrackingSnapshotCapturedEvent } from '../events/tracking-snapshot.events.js';
import { carrierCodeSchema, merchantIdSchema, type Provider } from '../ids.js';
import { createEvent } from '../events/registry.js';
import { EVENT_TYPES } from '../topics.js';

export interface SnapshotShipment {
  id: string;
  merchantId: string;
  carrier: string;
  trackingNumber: string;
}

/** Everything a `tracking.snapshot.captured` event says, from a poll or a push alike. */
export interface SnapshotFacts {
  shipment: SnapshotShipment;
  snapshotId: string;
  /** The event id; the snapshot id unless the producer keys its events otherwise. */
  eventId?: string;
  provider: Provider;
  source: 'poll' | 'webhook';
  /** When the body was received, ISO-8601 UTC. */
  fetchedAt: string;
  /** The provider's HTTP status for a poll; null for a push. */
  httpStatus: number | null;
  payload: SnapshotPayload;
  /** Over the bytes received, or over the canonical JSON of a part cut from them. */
  sha256: string;
  /** Transport facts only: never credentials, request headers or buyer data. */
  metadata: Record<string, string | number | boolean | null>;
  /** The producing service (the envelope's `source`). */
  producer: string;
  /** The Clock's time of the capture: the event time. */
  capturedAt: string;
}

export type SnapshotBuild = { ok: true; event: TrackingSnapshotCapturedEvent } | { ok: false; reason: string };

/**
 * The one way a tracking snapshot event is made: its data checked against the contract, so a
 * poll and a push cannot publish snapshots of different shapes. A shipment carrier outside the
 * carrier codes travels as null.
 */
export function buildTrackingSnapshotEvent(facts: SnapshotFacts): SnapshotBuild {
  const carrier = carrierCodeSchema.safeParse(facts.shipment.carrier);
  const data = trackingSnapshotCapturedDataSchema.safeParse({
    shipmentId: facts.shipment.id,
    snapshotId: facts.snapshotId,
    provider: facts.provider,
    carrier: carrier.success ? carrier.data : null,
    trackingNumber: facts.shipment.trackingNumber,
    source: facts.source,
    fetchedAt: facts.fetchedAt,
    httpStatus: facts.httpStatus,
    sha256: facts.sha256,
    payload: facts.payload,
    metadata: facts.metadata,
  });
  const merchantId = merchantIdSchema.safeParse(facts.shipment.merchantId);
  if (!merchantId.success) return { ok: false, reason: 'snapshot does not fit the contract: merchantId is not a merchant id' };
  if (!data.success) return { ok: false, reason: `snapshot does not fit the contract: ${data.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  const event = createEvent(EVENT_TYPES.trackingSnapshotCaptured, {
    id: facts.eventId ?? facts.snapshotId,
    data: data.data,
    merchantid: merchantId.data,
    source: facts.producer,
    time: facts.capturedAt,
  });
  return { ok: true, event };
}
