import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from './secret-key.js';

/*
 * Secrets at rest, sealed with AES-256-GCM. A sealed value is text:
 *   pw1.<key id>.<iv>.<ciphertext>.<tag>   (base64url parts, 12-byte random iv, 16-byte tag)
 * The key id says which key sealed it, so during a rotation values sealed under the previous key
 * still open, and `needsReseal` finds them. `context` is authenticated but not stored: a value
 * sealed for one row (merchant and provider) does not open as another's.
 */

const VERSION = 'pw1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretOpenError extends Error {
  readonly retriable = false;
  constructor(
    readonly reason: 'malformed' | 'unknown_key' | 'tampered',
    message: string,
  ) {
    super(message);
    this.name = 'SecretOpenError';
  }
}

export interface SecretBox {
  /** The id of the key new values are sealed under. */
  readonly keyId: string;
  seal(plaintext: string, context: string): string;
  /** Throws SecretOpenError when the value is malformed, sealed under neither key, or altered. */
  open(sealed: string, context: string): string;
  /** True when the value was sealed under a key other than the current one (open and seal it again). */
  needsReseal(sealed: string): boolean;
}

const b64 = (buffer: Buffer) => buffer.toString('base64url');

export function createSecretBox(keys: { current: SecretKey; previous?: SecretKey | null }): SecretBox {
  const byId = new Map<string, SecretKey>([[keys.current.id, keys.current]]);
  if (keys.previous) byId.set(keys.previous.id, keys.previous);

  return {
    keyId: keys.current.id,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keys.current.bytes, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, keys.current.id, b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join('.');
    },
    open(sealed, context) {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretOpenError('malformed', 'not a sealed value');
      const [, keyId, ivText, ciphertextText, tagText] = parts as [string, string, string, string, string];
      const key = byId.get(keyId);
      if (key === undefined) {
        throw new SecretOpenError('unknown_key', `sealed under key ${keyId}, which is neither PARCELWATCH_SECRET_KEY nor PARCELWATCH_SECRET_KEY_PREVIOUS`);
      }
      const iv = Buffer.from(ivText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretOpenError('malformed', 'not a sealed value');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretOpenError('tampered', 'the sealed value does not authenticate (altered, or sealed for another record)');
      }
    },
    needsReseal(sealed) {
      return sealed.split('.')[1] !== keys.current.id;
    },
  };
}
