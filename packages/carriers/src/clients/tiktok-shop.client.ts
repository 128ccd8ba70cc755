import { AuthenticationError, ProviderUnavailableError, RateLimitedError, type CarrierClientError } from './client.errors.js';
import { signTikTokRequest } from '@parcelwatch/marketplace';
import { PROVIDER_DEFAULTS, trackInBatches, transportFor, withRegistry, type ClientCommonOptions, type TrackingClient } from './tracking-client.js';

export interface TikTokShopClientOptions extends ClientCommonOptions {
  appKey: string;
  appSecret: string;
  /** The seller's access token (`x-tts-access-token`). */
  accessToken: string;
  /** The shop's cipher from Get Authorized Shops; required by fulfillment APIs. */
  shopCipher: string;
  /** Unix seconds for the `timestamp` parameter; the wall clock by default. */
  nowSeconds?: () => number;
}

const AUTH_CODES = new Set([36009004, 106001, 105002, 105005, 101000, 106013, 36009033]);

/** TikTok answers business errors inside HTTP 200: lift the ones that are overload, outage or auth. */
function inspectTikTok({ status, body }: { status: number; body: unknown }): CarrierClientError | null {
  const code = (body as { code?: unknown } | null)?.code;
  if (typeof code !== 'number' || code === 0) return null;
  const message = String((body as { message?: unknown }).message ?? '');
  if (code === 36009002) return new RateLimitedError({ provider: 'tiktok', status, body });
  if (code === 36009003 || code === 36009007) return new ProviderUnavailableError({ provider: 'tiktok', status: 503, body });
  if (AUTH_CODES.has(code)) return new AuthenticationError(`code ${code}: ${message}`, { provider: 'tiktok', status, body });
  return null;
}

/**
 * TikTok Shop fulfillment tracking (202309): GET an order's carrier events, signed per request
 * (the timestamp is part of the signature, so each attempt is signed afresh). The "numbers"
 * this client tracks are order ids.
 */
export function createTikTokShopClient(options: TikTokShopClientOptions): TrackingClient {
  const base = options.baseUrl ?? PROVIDER_DEFAULTS.tiktok.baseUrl;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const transport = transportFor('tiktok', options.appKey, withRegistry(options), { inspect: inspectTikTok });
  return {
    provider: 'tiktok',
    track(orderIds, trackOptions = {}) {
      return trackInBatches('tiktok', orderIds, 1, ([orderId]) =>
        transport.send(() => {
          const path = `/fulfillment/202309/orders/${encodeURIComponent(orderId!)}/tracking`;
          const query: Record<string, string> = { app_key: options.appKey, shop_cipher: options.shopCipher, timestamp: String(nowSeconds()) };
          const sign = signTikTokRequest({ appSecret: options.appSecret, path, query });
          const search = new URLSearchParams({ ...query, sign });
          return {
            method: 'GET',
            url: `${base}${path}?${search}`,
            headers: { 'x-tts-access-token': options.accessToken, 'content-type': 'application/json' },
          };
        }, trackOptions.signal),
      );
    },
  };
}
