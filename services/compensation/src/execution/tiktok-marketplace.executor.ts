import { callTikTokShop, TikTokShopApiError } from '@parcelwatch/carriers';
import { toDecimalString } from '@parcelwatch/contracts';
import { ExecutionError, type CompensationExecutor, type ExecutionOrder, type ExecutionResult } from './executor.js';

/**
 * Pays compensations through a TikTok Shop style Partner API: signed query (app_key, timestamp,
 * shop_cipher, idempotency_key, sign), `x-tts-access-token`, JSON body, `{code, message, data}`
 * answers. Refunds use the documented seller-created return (`POST /return_refund/202309/returns`,
 * which accepts `idempotency_key`). TikTok has no documented call to issue a coupon or create a
 * replacement order; the two paths below follow the same conventions and are this project's
 * assumption, to be replaced by the merchant's real integration.
 */
export interface TikTokMarketplaceOptions {
  baseUrl: string;
  appKey: string;
  appSecret: string;
  accessToken: string;
  /** The shop cipher of the merchant's shop. */
  shopCipher: (merchantId: string) => string;
  /** Unix seconds for the signed timestamp (the Clock's). */
  nowSeconds: () => number;
  /** Per request; a timeout is retriable (the same key is sent again). Default 10 s. */
  timeoutMs?: number;
}

export const MARKETPLACE_PATHS = {
  refund: '/return_refund/202309/returns',
  coupon: '/promotion/202406/coupons/compensations',
  reship: (orderId: string) => `/fulfillment/202309/orders/${encodeURIComponent(orderId)}/replacements`,
} as const;

export function createTikTokMarketplaceExecutor(options: TikTokMarketplaceOptions): CompensationExecutor {
  const credentials = { baseUrl: options.baseUrl, appKey: options.appKey, appSecret: options.appSecret, accessToken: options.accessToken };

  async function call(order: ExecutionOrder, path: string, body: Record<string, unknown>, refField: string): Promise<ExecutionResult> {
    try {
      const data = await callTikTokShop(credentials, {
        method: 'POST',
        path,
        shopCipher: options.shopCipher(order.merchantId),
        nowSeconds: options.nowSeconds(),
        query: { idempotency_key: order.executionKey },
        body,
        timeoutMs: options.timeoutMs ?? 10_000,
      });
      const ref = data[refField];
      return { externalRef: typeof ref === 'string' && ref.length > 0 ? ref : null };
    } catch (err) {
      if (err instanceof TikTokShopApiError) throw new ExecutionError(err.message, err.retriable, { cause: err });
      throw err;
    }
  }

  function amountOf(order: ExecutionOrder): { amount: string; currency: string } {
    if (order.amount === null) throw new ExecutionError(`${order.action} needs an amount`, false);
    return { amount: toDecimalString(order.amount), currency: order.amount.currency };
  }

  return {
    issueCoupon(order) {
      const value = order.action === 'free_shipping_voucher' ? { coupon_type: 'FREE_SHIPPING' } : { coupon_type: 'AMOUNT_OFF', ...amountOf(order) };
      return call(order, MARKETPLACE_PATHS.coupon, { order_id: order.orderId, ...value, reason: `compensation tier ${order.tier}` }, 'coupon_id');
    },
    refund(order) {
      const { amount, currency } = amountOf(order);
      return call(
        order,
        MARKETPLACE_PATHS.refund,
        { order_id: order.orderId, return_type: 'REFUND', return_reason: `seller_compensation_tier_${order.tier}`, refund_total: amount, currency, add_ons: order.addOns },
        'return_id',
      );
    },
    reship(order) {
      return call(order, MARKETPLACE_PATHS.reship(order.orderId), { priority: order.action === 'priority_reship', add_ons: order.addOns }, 'replacement_order_id');
    },
  };
}
