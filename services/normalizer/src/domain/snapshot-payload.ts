import { snapshotPayloadBytes, snapshotPayloadSize, type SnapshotPayload } from '@parcelwatch/contracts';
import { PayloadError } from '@parcelwatch/carriers';

/** The provider body as the mappers take it, and its size in bytes (kept with the snapshot row). */
export interface DecodedPayload {
  body: unknown;
  byteSize: number;
}

/**
 * JSON bodies travel as JSON; anything else as base64, which is JSON-parsed here when its
 * content type says JSON. A body that cannot be read is a PayloadError (not retriable).
 */
export function decodeSnapshotPayload(provider: string, payload: SnapshotPayload): DecodedPayload {
  // The size is that of the bytes the archive keeps, so both writers of the snapshot row agree on it.
  if (payload.encoding === 'json') return { body: payload.body, byteSize: snapshotPayloadSize(payload) };
  const { bytes } = snapshotPayloadBytes(payload);
  const text = bytes.toString('utf8');
  try {
    return { body: JSON.parse(text) as unknown, byteSize: bytes.length };
  } catch (err) {
    const preview = text.slice(0, 80).replace(/\s+/g, ' ');
    throw new PayloadError(provider, `base64 body (${payload.contentType}) is not JSON: "${preview}"`, { cause: err });
  }
}
