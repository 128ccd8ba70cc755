import {
  buildTrackingSnapshotEvent,
  canonicalJson,
  canonicalSnapshotSha256,
  encodeSnapshotPayload,
  type Provider,
  type SnapshotBuild,
  type SnapshotPayload,
  type SnapshotShipment,
} from '@parcelwatch/contracts';
import type { ProviderResponse } from '@parcelwatch/carriers';
import { sliceBatchAnswer } from './batch-slice.js';

export type { SnapshotBuild, SnapshotShipment };

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

/**
 * The payload a shipment's snapshot carries and the SHA-256 it is proven by. A body that is
 * only this shipment's is published whole, with the hash of the bytes received. A batch body
 * is cut to the shipment's part (batch-slice.ts), published as that JSON and hashed over its
 * canonical form (the bytes survive jsonb and Kafka, so anyone can recompute it); the received
 * body's hash goes into metadata (`batchSha256`) to tie the part to the answer.
 */
function payloadFor(input: SnapshotInput): { payload: SnapshotPayload; sha256: string; sliced: boolean } | null {
  const { response } = input;
  if (response.body === null && response.rawBody !== '') {
    return { payload: encodeSnapshotPayload({ bytes: response.rawBody, contentType: response.contentType ?? 'application/octet-stream' }), sha256: response.sha256, sliced: false };
  }
  const part = sliceBatchAnswer(input.provider, response.body, input.queriedNumber);
  if (part === null) return null;
  const partJson = canonicalJson(part);
  const contentType = response.contentType ?? 'application/json';
  if (partJson === canonicalBody(response.body)) {
    return { payload: encodeSnapshotPayload({ bytes: response.rawBody, contentType, json: { value: response.body } }), sha256: response.sha256, sliced: false };
  }
  return { payload: encodeSnapshotPayload({ bytes: partJson, contentType, json: { value: part } }), sha256: canonicalSnapshotSha256(part), sliced: true };
}

/** A poll's snapshot of one shipment, from the provider's answer (the builder itself is shared with webhook intake). */
export function buildTrackingSnapshot(input: SnapshotInput): SnapshotBuild {
  const built = payloadFor(input);
  if (!built) return { ok: false, reason: `the answer holds nothing for ${input.queriedNumber}` };
  const { response } = input;
  return buildTrackingSnapshotEvent({
    shipment: input.shipment,
    snapshotId: input.snapshotId,
    provider: input.provider,
    source: 'poll',
    fetchedAt: response.fetchedAt,
    httpStatus: response.status,
    sha256: built.sha256,
    payload: built.payload,
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
    producer: input.source,
    capturedAt: input.capturedAt,
  });
}
