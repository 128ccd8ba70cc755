import { createHash, randomBytes } from 'node:crypto';

/*
 * API keys look like `pw_<prefix>_<secret>`: the 8-character prefix is shown to ops (lists, logs,
 * audit) so a key can be recognised; the secret is 32 random bytes, base64url. Only the SHA-256
 * of the whole key is stored: a stolen database does not give working keys, and a fast hash is
 * enough because the secret has 256 bits (nothing to brute-force, unlike a password).
 */
const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const KEY_PREFIX_LENGTH = 8;
const SECRET_BYTES = 32;
const KEY_PATTERN = /^pw_([a-z0-9]{8})_([A-Za-z0-9_-]{43,})$/;

export interface GeneratedApiKey {
  /** Shown once to whoever created it; never stored, never logged. */
  key: string;
  prefix: string;
  hash: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): GeneratedApiKey {
  const bytes = randomBytes(KEY_PREFIX_LENGTH);
  // 256 % 36 leaves a slight bias; the prefix only identifies, it is not the secret.
  const prefix = Array.from(bytes, (b) => PREFIX_ALPHABET[b % PREFIX_ALPHABET.length]).join('');
  const key = `pw_${prefix}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** The prefix of a well-formed key, or null: a malformed key is refused without a database read. */
export function apiKeyPrefix(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}

/** The key a request presents: `Authorization: Bearer <key>` or `x-api-key: <key>`; null when neither. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | null {
  const authorization = headers['authorization'];
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] !== undefined) return match[1];
  }
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  return null;
}
