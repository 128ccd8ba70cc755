import { createHash } from 'node:crypto';
import {
  carrierCodeSchema,
  fitsJsonb,
  EVENT_TYPES,
  createEvent,
  trackingSnapshotCapturedDataSchema,
  type Provider,
  type SnapshotPayload,
  type TrackingSnapshotCapturedEvent,
} from '@parcelwatch/contracts';
import type { ProviderResponse } from '@parcelwatch/carriers';
import { sliceBatchAnswer } from './batch-slice.js';
import { canonicalJson } from './canonical-json.js';

export interface SnapshotShipment {
  id: string;
  merchantId: string;
  carrier: string;
  trackingNumber: string;
}

export interface SnapshotInput {
  shipment: SnapshotShipment;
  provider: Provider;
  /** The number the provider was asked about (an order id for TikTok Shop). */
  queriedNumber: string;
  response: ProviderResponse;
  /** How many numbers the call that gave `response` asked about. */
  batchSize: number;
  snapshotId: string;
  /** The Clock's time of the poll: the event time. */
  capturedAt: string;
  source: string;
}

export type SnapshotBuild = { ok: true; event: TrackingSnapshotCapturedEvent } | { ok: false; reason: string };

/** A batch answer is compared with each of its numbers' parts: its canonical form is made once. */
const canonicalBodies = new WeakMap<object, string>();
function canonicalBody(body: unknown): string {
  if (typeof body !== 'object' || body === null) return canonicalJson(body);
  let json = canonicalBodies.get(body);
  if (json === undefined) {
    json = canonicalJson(body);
    canonicalBodies.set(body, json);
  }
  return json;
}

const sha256 = (text: string) => createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');

/**
 * The payload a shipment's snapshot carries and the SHA-256 it is proven by. A body that is
 * only this shipment's is published whole, with the hash of the bytes received. A batch body
 * is cut to the shipment's part (batch-slice.ts), published as that JSON and hashed over its
 * canonical form (canonical-json.ts: the bytes survive jsonb and Kafka, so anyone can recompute
 * it); the received body's hash goes into metadata (`batchSha256`) to tie the part to the answer.
 */
function payloadFor(input: SnapshotInput): { payload: SnapshotPayload; sha256: string; sliced: boolean } | null {
  const { response } = input;
  if (response.body === null && response.rawBody !== '') {
    return {
      payload: { encoding: 'base64', contentType: response.contentType ?? 'application/octet-stream', body: Buffer.from(response.rawBody, 'utf8').toString('base64') },
      sha256: response.sha256,
      sliced: false,
    };
  }
  const part = sliceBatchAnswer(input.provider, response.body, input.queriedNumber);
  if (part === null) return null;
  const partJson = canonicalJson(part);
  const contentType = response.contentType ?? 'application/json';
  if (partJson === canonicalBody(response.body)) {
    if (!fitsJsonb(response.body)) return { payload: { encoding: 'base64', contentType, body: Buffer.from(response.rawBody, 'utf8').toString('base64') }, sha256: response.sha256, sliced: false };
    return { payload: { encoding: 'json', body: response.body }, sha256: response.sha256, sliced: false };
  }
  if (!fitsJsonb(part)) return { payload: { encoding: 'base64', contentType, body: Buffer.from(partJson, 'utf8').toString('base64') }, sha256: sha256(partJson), sliced: true };
  return { payload: { encoding: 'json', body: part }, sha256: sha256(partJson), sliced: true };
}

// A body the outbox's jsonb column cannot hold (NUL, unpaired surrogates) would fail the whole
// poll round's outbox insert: it travels as its bytes in base64 instead (the normalizer parses
// it the same way; the carriers' mappers clean the text).

export function buildTrackingSnapshot(input: SnapshotInput): SnapshotBuild {
  const built = payloadFor(input);
  if (!built) return { ok: false, reason: `the answer holds nothing for ${input.queriedNumber}` };
  const { response, shipment } = input;
  const carrier = carrierCodeSchema.safeParse(shipment.carrier);
  const data = trackingSnapshotCapturedDataSchema.safeParse({
    shipmentId: shipment.id,
    snapshotId: input.snapshotId,
    provider: input.provider,
    carrier: carrier.success ? carrier.data : null,
    trackingNumber: shipment.trackingNumber,
    source: 'poll',
    fetchedAt: response.fetchedAt,
    httpStatus: response.status,
    sha256: built.sha256,
    payload: built.payload,
    // Transport facts only: never the API key, the request headers or buyer data.
    metadata: {
      attempts: response.attempts,
      durationMs: response.durationMs,
      elapsedMs: response.elapsedMs,
      contentType: response.contentType,
      byteSize: Buffer.byteLength(response.rawBody, 'utf8'),
      batchSize: input.batchSize,
      batchSha256: response.sha256,
      sliced: built.sliced,
      queriedNumber: input.queriedNumber,
    },
  });
  if (!data.success) return { ok: false, reason: `snapshot does not fit the contract: ${data.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  const event = createEvent(EVENT_TYPES.trackingSnapshotCaptured, {
    id: input.snapshotId,
    data: data.data,
    merchantid: shipment.merchantId as TrackingSnapshotCapturedEvent['merchantid'],
    source: input.source,
    time: input.capturedAt,
  });
  return { ok: true, event };
}
