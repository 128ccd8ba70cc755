import { z } from 'zod';
import { carrierCodeSchema, providerSchema, shipmentIdSchema, snapshotIdSchema } from '../ids.js';
import { EVENT_TYPES } from '../topics.js';
import { defineEvent, sha256Schema, snapshotSourceSchema, trackingNumberSchema, utcInstantSchema } from './common.schemas.js';

/**
 * Topic `tracking.snapshots`: one raw provider response, kept as evidence and replayable
 * through the normalizer. A JSON body travels as JSON; anything else (XML, HTML error pages)
 * as base64 text. `sha256` is over the exact bytes received, so the archive can prove them.
 */
export const snapshotPayloadSchema = z.discriminatedUnion('encoding', [
  z.object({ encoding: z.literal('json'), body: z.unknown() }),
  z.object({
    encoding: z.literal('base64'),
    contentType: z.string().min(1),
    body: z.base64(),
  }),
]);
export type SnapshotPayload = z.infer<typeof snapshotPayloadSchema>;

export const trackingSnapshotCapturedDataSchema = z.object({
  shipmentId: shipmentIdSchema,
  snapshotId: snapshotIdSchema,
  provider: providerSchema,
  carrier: carrierCodeSchema.nullable(),
  trackingNumber: trackingNumberSchema,
  source: snapshotSourceSchema,
  fetchedAt: utcInstantSchema,
  /** The provider's HTTP status for a poll; null for a webhook (nothing was requested). */
  httpStatus: z.int().min(100).max(599).nullable(),
  sha256: sha256Schema,
  payload: snapshotPayloadSchema,
  /**
   * Transport facts worth keeping with the evidence: request id, attempt, duration in ms,
   * webhook signature check. Never credentials or buyer PII.
   */
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export const trackingSnapshotCapturedEventSchema = defineEvent(
  EVENT_TYPES.trackingSnapshotCaptured,
  trackingSnapshotCapturedDataSchema,
);
export type TrackingSnapshotCapturedEvent = z.infer<typeof trackingSnapshotCapturedEventSchema>;
