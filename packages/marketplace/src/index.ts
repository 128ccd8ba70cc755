export { signTikTokRequest } from './tiktok-signature.js';
export { callTikTokShop, TikTokShopApiError, TIKTOK_RETRIABLE_CODES, type TikTokShopCall, type TikTokShopCredentials } from './tiktok-shop-api.js';
export {
  createTikTokShopMarketplace,
  MARKETPLACE_PATHS,
  TIKTOK_SHOP_BASE_URL,
  type CouponValue,
  type RemedyCall,
  type TikTokShopMarketplace,
  type TikTokShopMarketplaceOptions,
} from './tiktok-shop.marketplace.js';
export { marketplaceEnv, marketplaceFromSettings, marketplaceRules, type MarketplaceSettings } from './marketplace-settings.js';
