import { DEFAULT_TIKTOK_APP } from './auth/credentials.js';

const API_KEY_PROVIDERS = ['17TRACK', 'AFTERSHIP', 'DHL'] as const;
const OAUTH_PROVIDERS = ['USPS', 'UPS', 'FEDEX'] as const;

/** The shop cipher and seller token the sandbox's TikTok Shop accepts for the demo's shops. */
export const SANDBOX_SHOP = { shopCipher: 'sandbox-shop-cipher', accessToken: 'sandbox-seller-token' } as const;

/**
 * The settings that point a parcelwatch service at this sandbox instead of the real providers:
 * every carrier's URL and credentials (any non-empty key is accepted unless the sandbox was given
 * a credential list) and the TikTok Shop marketplace. For the demo and tests only; a deployment
 * leaves these unset and reaches the real hosts.
 */
export function sandboxClientEnv(sandboxUrl: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of [...API_KEY_PROVIDERS, ...OAUTH_PROVIDERS]) env[`CARRIER_${p}_URL`] = sandboxUrl;
  for (const p of API_KEY_PROVIDERS) env[`CARRIER_${p}_API_KEY`] = 'sandbox-key';
  for (const p of OAUTH_PROVIDERS) {
    env[`CARRIER_${p}_CLIENT_ID`] = 'sandbox-client';
    env[`CARRIER_${p}_CLIENT_SECRET`] = 'sandbox-secret';
  }
  return {
    ...env,
    MARKETPLACE_URL: sandboxUrl,
    MARKETPLACE_APP_KEY: DEFAULT_TIKTOK_APP.appKey,
    MARKETPLACE_APP_SECRET: DEFAULT_TIKTOK_APP.appSecret,
    MARKETPLACE_ACCESS_TOKEN: SANDBOX_SHOP.accessToken,
    MARKETPLACE_SHOP_CIPHER: SANDBOX_SHOP.shopCipher,
  };
}
