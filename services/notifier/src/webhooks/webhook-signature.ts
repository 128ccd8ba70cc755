import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * Merchant webhooks are signed as Standard Webhooks (https://www.standardwebhooks.com), so a
 * receiver can verify them with the reference libraries (`standardwebhooks` on npm, and its
 * ports to other languages):
 *   webhook-id:        the message id (same on every retry and replay of one message)
 *   webhook-timestamp: unix seconds when this attempt was signed
 *   webhook-signature: v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + rawBody)>
 * The secret is `whsec_` + the base64 of the key's bytes; the key is those bytes. Several
 * signatures may be given, space separated (room for a key rotation overlap); one valid v1
 * entry is enough. The carrier-webhook helpers in services/api sign other formats (AfterShip
 * base64 over the body only, 17TRACK a plain SHA-256) and live in another service.
 */
export const WEBHOOK_HEADERS = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;
const SCHEME = 'v1';
const SECRET_PREFIX = 'whsec_';

/** 24 random bytes as a Standard Webhooks secret (standard base64, which the reference libraries decode). */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
}

/**
 * The HMAC key of a secret: the bytes its base64 part encodes. Node's decoder also reads the
 * URL-safe alphabet, in which secrets made before 2026-12-08 were written: those keep signing
 * with the same key, though a reference library can only read them once rotated.
 */
function signingKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new Error('webhook secret holds no key');
  return key;
}

function digest(secret: string, messageId: string, timestamp: number, rawBody: Buffer | string): string {
  return createHmac('sha256', signingKey(secret)).update(`${messageId}.${timestamp}.`).update(rawBody).digest('base64');
}

// A type alias, not an interface, so it passes where a header record is expected.
export type SignedWebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** The three headers for one attempt; `timestamp` is unix seconds (from the Clock). */
export function signMerchantWebhook(secret: string, messageId: string, timestamp: number, rawBody: Buffer | string): SignedWebhookHeaders {
  if (!Number.isInteger(timestamp)) throw new Error('webhook timestamp must be whole unix seconds');
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `${SCHEME},${digest(secret, messageId, timestamp, rawBody)}`,
  };
}

export type WebhookVerification = { ok: true; messageId: string; timestamp: number } | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'timestamp_out_of_tolerance' | 'bad_signature' };

type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: HeaderBag, name: string): string | undefined {
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(found) ? found[0] : (found as string | undefined);
}

/**
 * For receivers (and the dev sink): checks the timestamp is within `toleranceSeconds` of `now`
 * (unix seconds; a captured request replayed later is refused) and that one v1 signature over
 * the message id, timestamp and body matches, compared in constant time.
 */
export function verifyMerchantWebhook(
  secret: string,
  headers: HeaderBag,
  rawBody: Buffer | string,
  options: { toleranceSeconds?: number; now: number },
): WebhookVerification {
  const messageId = header(headers, WEBHOOK_HEADERS.id);
  const timestampText = header(headers, WEBHOOK_HEADERS.timestamp);
  const signatures = header(headers, WEBHOOK_HEADERS.signature);
  if (!messageId || !timestampText || !signatures) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: 'bad_timestamp' };
  const timestamp = Number(timestampText);
  if (Math.abs(options.now - timestamp) > (options.toleranceSeconds ?? 300)) return { ok: false, reason: 'timestamp_out_of_tolerance' };
  const expected = Buffer.from(digest(secret, messageId, timestamp, rawBody), 'utf8');
  for (const entry of signatures.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== SCHEME) continue;
    const given = Buffer.from(entry.slice(comma + 1), 'utf8');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, messageId, timestamp };
  }
  return { ok: false, reason: 'bad_signature' };
}
