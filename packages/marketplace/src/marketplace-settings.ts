import { envUrl } from '@parcelwatch/config';
import { z } from 'zod';
import { createTikTokShopMarketplace, TIKTOK_SHOP_BASE_URL, type TikTokShopMarketplace } from './tiktok-shop.marketplace.js';

/**
 * The seller's TikTok Shop app: its key and secret, the seller's access token and the shop's
 * cipher. Without them nothing is sent to or paid through the marketplace. MARKETPLACE_URL defaults
 * to TikTok Shop's production host.
 */
export const marketplaceEnv = {
  MARKETPLACE_URL: envUrl(/^https?$/, 'http(s)://').default(TIKTOK_SHOP_BASE_URL),
  MARKETPLACE_APP_KEY: z.string().trim().min(1).optional(),
  MARKETPLACE_APP_SECRET: z.string().trim().min(1).optional(),
  MARKETPLACE_ACCESS_TOKEN: z.string().trim().min(1).optional(),
  MARKETPLACE_SHOP_CIPHER: z.string().trim().min(1).optional(),
};

const CREDENTIAL_KEYS = ['MARKETPLACE_APP_KEY', 'MARKETPLACE_APP_SECRET', 'MARKETPLACE_ACCESS_TOKEN', 'MARKETPLACE_SHOP_CIPHER'] as const;
type MarketplaceInput = Partial<Record<(typeof CREDENTIAL_KEYS)[number], unknown>>;

/** Some of the four credentials without the rest is a half-configured shop: each missing one is reported. */
export const marketplaceRules = CREDENTIAL_KEYS.map((key) =>
  z.refine<MarketplaceInput>((env) => env[key] !== undefined || CREDENTIAL_KEYS.every((k) => env[k] === undefined), {
    path: [key],
    message: `is required when any of ${CREDENTIAL_KEYS.join(', ')} is set`,
    when: () => true,
  }),
);

export type MarketplaceSettings = z.output<z.ZodObject<typeof marketplaceEnv>>;

/** The configured shop's client, or null when no marketplace credentials are set. */
export function marketplaceFromSettings(settings: MarketplaceSettings, nowSeconds: () => number): TikTokShopMarketplace | null {
  const { MARKETPLACE_APP_KEY: appKey, MARKETPLACE_APP_SECRET: appSecret, MARKETPLACE_ACCESS_TOKEN: accessToken, MARKETPLACE_SHOP_CIPHER: cipher } = settings;
  if (appKey === undefined || appSecret === undefined || accessToken === undefined || cipher === undefined) return null;
  return createTikTokShopMarketplace({ baseUrl: settings.MARKETPLACE_URL, appKey, appSecret, accessToken, shopCipher: () => cipher, nowSeconds });
}
