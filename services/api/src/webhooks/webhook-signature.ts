import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The carrier push formats we accept, each with how it is signed (see
 * /work/shared/carrier-apis): AfterShip `aftership-hmac-sha256` = base64 HMAC-SHA256(raw body,
 * webhook secret); 17TRACK `sign` = hex SHA-256(raw body + "/" + security key), not an HMAC.
 * TikTok Shop has no tracking-event push, so it has no route here.
 */
export const WEBHOOK_PROVIDERS = ['17track', 'aftership'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

export function isWebhookProvider(value: string): value is WebhookProvider {
  return (WEBHOOK_PROVIDERS as readonly string[]).includes(value);
}

/** The header each provider signs with (lower case, as Node exposes headers). */
export const SIGNATURE_HEADERS: Readonly<Record<WebhookProvider, string>> = {
  '17track': 'sign',
  aftership: 'aftership-hmac-sha256',
};

export function expectedSignature(provider: WebhookProvider, rawBody: Buffer, secret: string): string {
  if (provider === 'aftership') return createHmac('sha256', secret).update(rawBody).digest('base64');
  return createHash('sha256').update(Buffer.concat([rawBody, Buffer.from(`/${secret}`, 'utf8')])).digest('hex');
}

/**
 * Constant-time comparison of the presented signature with the expected one. Only the length
 * can leak, and that is public (a SHA-256 in hex or base64).
 */
export function verifySignature(provider: WebhookProvider, rawBody: Buffer, secret: string, presented: string | undefined): boolean {
  if (presented === undefined || presented === '') return false;
  const expected = Buffer.from(expectedSignature(provider, rawBody, secret), 'utf8');
  // Hex is case-insensitive; base64 is not.
  const given = Buffer.from(provider === '17track' ? presented.trim().toLowerCase() : presented.trim(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
