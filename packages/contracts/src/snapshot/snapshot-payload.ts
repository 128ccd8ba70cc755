import { createHash } from 'node:crypto';
import type { SnapshotPayload } from '../events/tracking-snapshot.events.js';
import { fitsJsonb } from '../storable-text.js';
import { canonicalJson } from './canonical-json.js';

/** SHA-256 (hex) of bytes, or of text as UTF-8. */
export function snapshotSha256(bytes: Buffer | string): string {
  return createHash('sha256').update(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).digest('hex');
}

/**
 * SHA-256 of a JSON value's canonical form: the hash of a snapshot whose payload is a part cut
 * from a larger answer, which anyone holding the event can recompute from `payload.body`.
 */
export function canonicalSnapshotSha256(value: unknown): string {
  return snapshotSha256(canonicalJson(value));
}

export interface SnapshotBody {
  /** The bytes as received (or, for a part cut from an answer, its canonical JSON). */
  bytes: Buffer | string;
  /** The content type the bytes travel under when they cannot travel as JSON. */
  contentType: string;
  /** The parsed JSON, when the bytes are JSON; absent for XML, HTML and other bodies. */
  json?: { value: unknown };
}

/**
 * How a snapshot body travels: as JSON when it is JSON the outbox's jsonb column can hold, else
 * as its exact bytes in base64 (NUL, unpaired surrogates, XML, HTML), so a body the database
 * cannot store never fails the write that carries it.
 */
export function encodeSnapshotPayload(body: SnapshotBody): SnapshotPayload {
  if (body.json !== undefined && fitsJsonb(body.json.value)) return { encoding: 'json', body: body.json.value };
  const bytes = typeof body.bytes === 'string' ? Buffer.from(body.bytes, 'utf8') : body.bytes;
  return { encoding: 'base64', contentType: body.contentType, body: bytes.toString('base64') };
}

/** The bytes a payload stands for (what the archive keeps and the snapshot row's size counts): JSON as JSON text, base64 decoded. */
export function snapshotPayloadBytes(payload: SnapshotPayload): { bytes: Buffer; ext: 'json' | 'bin'; contentType: string } {
  if (payload.encoding === 'json') return { bytes: Buffer.from(JSON.stringify(payload.body) ?? 'null', 'utf8'), ext: 'json', contentType: 'application/json' };
  return { bytes: Buffer.from(payload.body, 'base64'), ext: 'bin', contentType: payload.contentType };
}

/** The size of `snapshotPayloadBytes(payload).bytes`, counted without copying them into a Buffer. */
export function snapshotPayloadSize(payload: SnapshotPayload): number {
  if (payload.encoding === 'json') return Buffer.byteLength(JSON.stringify(payload.body) ?? 'null', 'utf8');
  return Buffer.from(payload.body, 'base64').length;
}
