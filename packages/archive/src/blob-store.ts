import { createHash } from 'node:crypto';

/*
 * The proof archive's storage port. Keys are S3-style paths
 * (`proofs/<merchant>/<shipment>/<kind>/<time>-<sha256>.json`); checksums are lowercase hex
 * SHA-256, the form written into bundle manifests (S3's base64 form stays inside the adapter).
 */

export type BlobBody = Buffer | Uint8Array | string;

export interface PutOptions {
  contentType: string;
  /** Expected SHA-256 (hex) of the body: the put is refused when the body does not match. */
  sha256?: string;
  /** Write-once until this instant, where the store supports it (S3 Object Lock, the filesystem store). */
  retainUntil?: Date;
}

export interface PutResult {
  key: string;
  sha256: string;
  /** Set by stores that version objects (an S3 bucket with versioning or Object Lock). */
  versionId?: string;
  /** Set only when retention was actually applied: the caller records whether a proof is locked. */
  retainedUntil?: Date;
}

export interface BlobHead {
  size: number;
  /** Null when the store holds no full-object SHA-256 for the blob (written by another tool). */
  sha256: string | null;
  contentType: string;
  retainUntil?: Date;
}

export interface BlobStore {
  put(key: string, body: BlobBody, options: PutOptions): Promise<PutResult>;
  /** The whole body, checked against its stored SHA-256 when there is one. */
  get(key: string): Promise<Buffer>;
  head(key: string): Promise<BlobHead>;
  exists(key: string): Promise<boolean>;
  /**
   * A URL that lets its holder download the blob for `ttlSeconds` without other credentials.
   * With `downloadAs`, following the URL saves a file of that name (Content-Disposition:
   * attachment) rather than showing the bytes in the browser.
   */
  presignGet(key: string, ttlSeconds: number, options?: PresignOptions): Promise<string>;
}

export interface PresignOptions {
  downloadAs?: string;
}

/** `attachment; filename="…"` for a file name, ASCII-safe, with the UTF-8 form beside it. */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^A-Za-z0-9._-]/g, '_') || 'download';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export class BlobNotFoundError extends Error {
  readonly retriable = false;
  constructor(readonly key: string, options?: { cause?: unknown }) {
    super(`blob not found: ${key}`, options);
    this.name = 'BlobNotFoundError';
  }
}

/**
 * The body does not match its SHA-256. On put the caller sent the wrong bytes or hash (not
 * retriable); on get the bytes were damaged on the way or at rest (retriable: a re-read may
 * come from a healthy replica).
 */
export class ChecksumMismatchError extends Error {
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly actual: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(`SHA-256 mismatch for ${key}: expected ${expected}, got ${actual}`, options);
    this.name = 'ChecksumMismatchError';
  }
}

/** A retained blob cannot be overwritten before its retention ends. */
export class BlobRetainedError extends Error {
  readonly retriable = false;
  constructor(readonly key: string, readonly retainUntil: Date) {
    super(`blob ${key} is retained until ${retainUntil.toISOString()} and cannot be overwritten`);
    this.name = 'BlobRetainedError';
  }
}

export class InvalidBlobKeyError extends Error {
  readonly retriable = false;
  constructor(readonly key: string, reason: string) {
    super(`invalid blob key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidBlobKeyError';
  }
}

export function toBuffer(body: BlobBody): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

export function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

export function base64ToHex(base64: string): string {
  return Buffer.from(base64, 'base64').toString('hex');
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Hashes the body and, when the caller gave an expected hash, refuses a mismatch before any I/O. */
export function verifiedSha256(key: string, body: Buffer, expected: string | undefined): string {
  const actual = sha256Hex(body);
  if (expected === undefined) return actual;
  const normalized = expected.toLowerCase();
  if (!SHA256_HEX.test(normalized)) throw new ChecksumMismatchError(key, expected, actual, false);
  if (normalized !== actual) throw new ChecksumMismatchError(key, normalized, actual, false);
  return actual;
}

/**
 * Keys are relative, slash-separated paths without `.`/`..` segments, empty segments,
 * backslashes or control characters: safe as S3 keys and as filesystem paths alike.
 */
export function assertValidKey(key: string): void {
  if (key.length === 0 || key.length > 1024) throw new InvalidBlobKeyError(key, 'must be 1 to 1024 characters');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(key)) throw new InvalidBlobKeyError(key, 'must not contain control characters or backslashes');
  if (key.startsWith('/')) throw new InvalidBlobKeyError(key, 'must be relative');
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw new InvalidBlobKeyError(key, 'must not contain empty, "." or ".." segments');
  }
}

export function assertValidTtl(ttlSeconds: number): void {
  // SigV4 presigned URLs live at most 7 days.
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 604_800) {
    throw new RangeError(`presigned URL TTL must be an integer between 1 and 604800 seconds, got ${ttlSeconds}`);
  }
}

/** `exists` for any store, through its `head`: only a missing object answers false; other failures propagate. */
export async function existsByHead(head: (key: string) => Promise<unknown>, key: string): Promise<boolean> {
  try {
    await head(key);
    return true;
  } catch (err) {
    if (err instanceof BlobNotFoundError) return false;
    throw err;
  }
}
