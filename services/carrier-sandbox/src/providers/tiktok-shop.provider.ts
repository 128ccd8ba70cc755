import { safeEqual, tiktokApp, tiktokSign } from '../auth/credentials.js';
import { newestFirst } from '../journeys/local-time.js';
import { wordingOf } from '../journeys/wording.js';
import { rawBodyOf } from '../http/raw-body.js';
import { header, providerRoute, type ProviderDefinition } from './provider.types.js';
import { tiktokError, tiktokSuccess } from './tiktok-shop.answers.js';
import { registerTikTokSellerRoutes } from './tiktok-seller.routes.js';

/** The API categories that act on one shop: they need `shop_cipher`. */
const SHOP_SCOPED = ['/fulfillment/', '/order/', '/return_refund/', '/customer_service/', '/promotion/'];

/**
 * Timestamps are accepted from 5 minutes before to 30 seconds after the server's time. The
 * sandbox has two: the real one (rate limits, the tracking client) and its clock (journeys,
 * and the marketplace clients, which sign with the Clock's time); a timestamp near either passes.
 */
function timestampAccepted(timestamp: string | undefined, nowsSeconds: readonly number[]): boolean {
  if (!timestamp || !/^\d{10}$/.test(timestamp)) return false;
  return nowsSeconds.some((now) => {
    const drift = Number(timestamp) - now;
    return drift >= -300 && drift <= 30;
  });
}

export const tiktokShop: ProviderDefinition = {
  provider: 'tiktok',
  identify(request, ctx) {
    const query = request.query as Record<string, string>;
    const app = tiktokApp(ctx.credentials, query.app_key);
    const key = query.app_key || 'anonymous';
    if (!app) return { key, error: tiktokError(36009004, 'Invalid credentials: app_key is not valid.') };
    if (!timestampAccepted(query.timestamp, [Date.now() / 1000, ctx.clock.now().toSeconds()])) return { key, error: tiktokError(36009004, 'Invalid credentials: timestamp is out of the accepted window.') };
    const path = request.url.split('?')[0]!;
    const expected = tiktokSign(app.appSecret, path, query, rawBodyOf(request));
    if (!query.sign || !safeEqual(query.sign, expected)) return { key, error: tiktokError(106001, 'Invalid sign.') };
    const token = header(request, 'x-tts-access-token');
    if (!token || (app.accessTokens && !app.accessTokens.includes(token))) return { key, error: tiktokError(105002, 'Access token is invalid or expired.') };
    if (SHOP_SCOPED.some((prefix) => path.startsWith(prefix))) {
      if (!query.shop_cipher) return { key, error: tiktokError(106013, 'shop_cipher is required.') };
      if (app.shopCiphers && !app.shopCiphers.includes(query.shop_cipher)) return { key, error: tiktokError(36009004, 'Invalid identifier: shop_cipher is not a shop of this app.') };
    }
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
      return tiktokSuccess({ tracking });
    });
    registerTikTokSellerRoutes(app, ctx);
  },
};
