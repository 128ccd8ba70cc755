import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * How parcelwatch signs merchant webhooks (close to Standard Webhooks, hex rather than base64):
 *   webhook-id:        the message id (same on every retry and replay of one message)
 *   webhook-timestamp: unix seconds when this attempt was signed
 *   webhook-signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>
 * The secret is used as its UTF-8 bytes, `whsec_` prefix included. Several signatures may be
 * given, space separated (room for a key rotation overlap); one valid v1 entry is enough.
 * The carrier-webhook helpers in services/api sign other formats (AfterShip base64 over the
 * body only, 17TRACK a plain SHA-256) and live in another service, so nothing is shared.
 */
export const WEBHOOK_HEADERS = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;
const SCHEME = 'v1';

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

function digest(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
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
    'webhook-signature': `${SCHEME}=${digest(secret, timestamp, rawBody)}`,
  };
}

export type WebhookVerification = { ok: true; messageId: string; timestamp: number } | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'timestamp_out_of_tolerance' | 'bad_signature' };

type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: HeaderBag, name: string): string | undefined {
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(found) ? found[0] : (found as string | undefined);
}

/**
 * For receivers: checks the timestamp is within `toleranceSeconds` of `now` (unix seconds; a
 * captured request replayed later is refused) and that one v1 signature matches, compared in
 * constant time.
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
  const expected = Buffer.from(digest(secret, timestamp, rawBody), 'utf8');
  for (const entry of signatures.split(' ')) {
    const [scheme, value] = entry.split('=', 2);
    if (scheme !== SCHEME || value === undefined) continue;
    const given = Buffer.from(value.toLowerCase(), 'utf8');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, messageId, timestamp };
  }
  return { ok: false, reason: 'bad_signature' };
}
