import { callTikTokShop, type TikTokShopCredentials } from './tiktok-shop-api.js';

/**
 * The seller-side operations parcelwatch performs on a TikTok Shop (Partner API 202309): a buyer
 * message through Customer Service, and the remedies of a compensation. Refunds use the documented
 * seller-created return (`POST /return_refund/202309/returns`, which takes `idempotency_key`).
 * TikTok has no documented call to issue a coupon or create a replacement order; those two paths
 * follow the same conventions and are this project's assumption, to be replaced by the merchant's
 * real integration. Errors are TikTokShopApiError (with `retriable`).
 */
export const MARKETPLACE_PATHS = {
  orders: '/order/202309/orders',
  conversations: '/customer_service/202309/conversations',
  messages: (conversationId: string) => `/customer_service/202309/conversations/${encodeURIComponent(conversationId)}/messages`,
  refund: '/return_refund/202309/returns',
  coupon: '/promotion/202406/coupons/compensations',
  reship: (orderId: string) => `/fulfillment/202309/orders/${encodeURIComponent(orderId)}/replacements`,
} as const;

/** The TikTok Shop production host; MARKETPLACE_URL overrides it (the sandbox in the demo and tests). */
export const TIKTOK_SHOP_BASE_URL = 'https://open-api.tiktokglobalshop.com';

export interface TikTokShopMarketplaceOptions extends TikTokShopCredentials {
  /** The shop cipher of a merchant's shop (Get Authorized Shops). */
  shopCipher: (merchantId: string) => string;
  /** Unix seconds for the signed timestamp (the Clock's). */
  nowSeconds: () => number;
  /** Per request; a timeout is retriable (the same idempotency key is sent again). Default 10 s. */
  timeoutMs?: number;
}

export interface RemedyCall {
  merchantId: string;
  orderId: string;
  /** Sent as `idempotency_key`: the marketplace applies one remedy per key, however often it is sent. */
  idempotencyKey: string;
}

export type CouponValue = { kind: 'free_shipping' } | { kind: 'amount_off'; amount: string; currency: string };

export interface TikTokShopMarketplace {
  /** Starts (or reuses) the order buyer's conversation and sends a TEXT message; the message id when given. */
  sendBuyerMessage(merchantId: string, orderId: string, text: string): Promise<{ messageId: string | null } | { orderNotFound: true }>;
  refund(call: RemedyCall & { amount: string; currency: string; reason: string; addOns: readonly string[] }): Promise<string | null>;
  issueCoupon(call: RemedyCall & { value: CouponValue; reason: string }): Promise<string | null>;
  createReplacement(call: RemedyCall & { priority: boolean; addOns: readonly string[] }): Promise<string | null>;
}

const refOf = (data: Record<string, unknown>, field: string): string | null => {
  const ref = data[field];
  return typeof ref === 'string' && ref.length > 0 ? ref : null;
};

export function createTikTokShopMarketplace(options: TikTokShopMarketplaceOptions): TikTokShopMarketplace {
  const credentials = { baseUrl: options.baseUrl, appKey: options.appKey, appSecret: options.appSecret, accessToken: options.accessToken };
  const call = (merchantId: string, method: 'GET' | 'POST', path: string, extra: { query?: Record<string, string>; body?: unknown }) =>
    callTikTokShop(credentials, { method, path, shopCipher: options.shopCipher(merchantId), nowSeconds: options.nowSeconds(), timeoutMs: options.timeoutMs ?? 10_000, ...extra });
  const remedy = (c: RemedyCall, path: string, body: Record<string, unknown>) => call(c.merchantId, 'POST', path, { query: { idempotency_key: c.idempotencyKey }, body });

  return {
    async sendBuyerMessage(merchantId, orderId, text) {
      const detail = await call(merchantId, 'GET', MARKETPLACE_PATHS.orders, { query: { ids: orderId } });
      const order = (detail['orders'] as { id?: string; user_id?: string }[] | undefined)?.find((o) => o.id === orderId);
      if (order?.user_id === undefined) return { orderNotFound: true };
      const conversation = await call(merchantId, 'POST', MARKETPLACE_PATHS.conversations, { body: { buyer_user_id: order.user_id } });
      const conversationId = conversation['conversation_id'];
      if (typeof conversationId !== 'string') throw new Error('marketplace returned no conversation_id');
      // The API caps TEXT at 2000 characters; `content` is a serialized JSON string.
      const content = JSON.stringify({ content: text.slice(0, 2000) });
      const sent = await call(merchantId, 'POST', MARKETPLACE_PATHS.messages(conversationId), { body: { type: 'TEXT', content } });
      return { messageId: refOf(sent, 'message_id') };
    },
    async refund(c) {
      const body = { order_id: c.orderId, return_type: 'REFUND', return_reason: c.reason, refund_total: c.amount, currency: c.currency, add_ons: c.addOns };
      return refOf(await remedy(c, MARKETPLACE_PATHS.refund, body), 'return_id');
    },
    async issueCoupon(c) {
      const value = c.value.kind === 'free_shipping' ? { coupon_type: 'FREE_SHIPPING' } : { coupon_type: 'AMOUNT_OFF', amount: c.value.amount, currency: c.value.currency };
      return refOf(await remedy(c, MARKETPLACE_PATHS.coupon, { order_id: c.orderId, ...value, reason: c.reason }), 'coupon_id');
    },
    async createReplacement(c) {
      return refOf(await remedy(c, MARKETPLACE_PATHS.reship(c.orderId), { priority: c.priority, add_ons: c.addOns }), 'replacement_order_id');
    },
  };
}
