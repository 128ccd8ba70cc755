import { createHmac } from 'node:crypto';

/** A 256-bit key for AES-256-GCM, with the id sealed values carry so rotation can find it. */
export interface SecretKey {
  readonly id: string;
  readonly bytes: Buffer;
}

export class SecretKeyError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

const HEX = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * Reads a key written as 64 hex digits or as base64 (standard or url-safe) of exactly 32 bytes
 * (`openssl rand -base64 32`). Anything else is refused: a short or mistyped key must not
 * quietly become a weak one. The message never repeats the value.
 */
export function parseSecretKey(text: string): SecretKey {
  const trimmed = text.trim();
  let bytes: Buffer | null = null;
  if (HEX.test(trimmed)) bytes = Buffer.from(trimmed, 'hex');
  else if (BASE64.test(trimmed)) bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes === null || bytes.length !== 32) {
    throw new SecretKeyError('must be 32 bytes written as 64 hex digits or base64 (openssl rand -base64 32)');
  }
  return { id: keyIdOf(bytes), bytes };
}

/**
 * A short public name of a key: an HMAC of a fixed label under the key, so it says which key
 * sealed a value without saying anything about the key.
 */
export function keyIdOf(bytes: Buffer): string {
  return createHmac('sha256', bytes).update('parcelwatch secret key id').digest('hex').slice(0, 12);
}
