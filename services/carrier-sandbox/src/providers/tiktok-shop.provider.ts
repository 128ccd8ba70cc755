import { randomBytes } from 'node:crypto';
import { safeEqual, tiktokApp, tiktokSign } from '../auth/credentials.js';
import { newestFirst } from '../journeys/local-time.js';
import { wordingOf } from '../journeys/wording.js';
import { rawBodyOf } from '../http/raw-body.js';
import { header, providerRoute, type ProviderDefinition, type ProviderReply } from './provider.types.js';

function requestId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** TikTok answers business errors with HTTP 200 and a non-zero `code`; overload and outages with 429/503. */
function tiktokError(code: number, message: string, status = 200, headers?: Record<string, string>): ProviderReply {
  return { status, body: { code, message, request_id: requestId(), data: null }, ...(headers ? { headers } : {}) };
}

/** Timestamps are accepted from 5 minutes before to 30 seconds after the server's (real) time. */
function timestampAccepted(timestamp: string | undefined): boolean {
  if (!timestamp || !/^\d{10}$/.test(timestamp)) return false;
  const drift = Number(timestamp) - Date.now() / 1000;
  return drift >= -300 && drift <= 30;
}

export const tiktokShop: ProviderDefinition = {
  provider: 'tiktok',
  identify(request, ctx) {
    const query = request.query as Record<string, string>;
    const app = tiktokApp(ctx.credentials, query.app_key);
    const key = query.app_key || 'anonymous';
    if (!app) return { key, error: tiktokError(36009004, 'Invalid credentials: app_key is not valid.') };
    if (!timestampAccepted(query.timestamp)) return { key, error: tiktokError(36009004, 'Invalid credentials: timestamp is out of the accepted window.') };
    const path = request.url.split('?')[0]!;
    const expected = tiktokSign(app.appSecret, path, query, rawBodyOf(request));
    if (!query.sign || !safeEqual(query.sign, expected)) return { key, error: tiktokError(106001, 'Invalid sign.') };
    const token = header(request, 'x-tts-access-token');
    if (!token || (app.accessTokens && !app.accessTokens.includes(token))) return { key, error: tiktokError(105002, 'Access token is invalid or expired.') };
    if (path.startsWith('/fulfillment/') && !query.shop_cipher) return { key, error: tiktokError(106013, 'shop_cipher is required.') };
    return { key };
  },
  failure(kind, retryAfterSeconds) {
    const headers = retryAfterSeconds === null ? undefined : { 'retry-after': String(retryAfterSeconds) };
    if (kind === 'rate_limited') return tiktokError(36009002, 'Too many requests.', 429, headers);
    if (kind === 'unavailable') return tiktokError(36009003, 'Internal error, please try again later.', 503, headers);
    return tiktokError(36009003, 'Internal error, please try again later.', 500, headers);
  },
  routes(app, ctx) {
    app.get('/fulfillment/202309/orders/:orderId/tracking', providerRoute('tiktok'), async (request) => {
      const journey = ctx.store.getByOrderId((request.params as { orderId: string }).orderId);
      const events = journey ? ctx.checkpoints('tiktok', journey) : [];
      // Only text and a Unix-ms instant: no codes, no location, no zone question.
      const tracking = newestFirst(events).map((event) => ({
        description: wordingOf(event.kind, event.wording),
        update_time_millis: Date.parse(event.occurredAt),
      }));
      return { code: 0, message: 'Success', request_id: requestId(), data: { tracking } };
    });
  },
};
