import { TikTokShopApiError, type TikTokShopMarketplace } from '@parcelwatch/marketplace';
import { toDecimalString } from '@parcelwatch/contracts';
import { ExecutionError, type CompensationExecutor, type ExecutionOrder, type ExecutionResult } from './executor.js';

/**
 * Pays compensations through the merchant's TikTok Shop (see @parcelwatch/marketplace): a refund as
 * a seller-created return, a coupon, or a replacement order, each sent with the compensation's
 * execution key as its idempotency key, so a retry never pays twice.
 */
export function createTikTokMarketplaceExecutor(marketplace: TikTokShopMarketplace): CompensationExecutor {
  async function run(work: () => Promise<string | null>): Promise<ExecutionResult> {
    try {
      return { externalRef: await work() };
    } catch (err) {
      if (err instanceof TikTokShopApiError) throw new ExecutionError(err.message, err.retriable, { cause: err });
      throw err;
    }
  }

  function amountOf(order: ExecutionOrder): { amount: string; currency: string } {
    if (order.amount === null) throw new ExecutionError(`${order.action} needs an amount`, false);
    return { amount: toDecimalString(order.amount), currency: order.amount.currency };
  }

  const remedy = (order: ExecutionOrder) => ({ merchantId: order.merchantId, orderId: order.orderId, idempotencyKey: order.executionKey });

  return {
    issueCoupon(order) {
      const value = order.action === 'free_shipping_voucher' ? ({ kind: 'free_shipping' } as const) : ({ kind: 'amount_off', ...amountOf(order) } as const);
      return run(() => marketplace.issueCoupon({ ...remedy(order), value, reason: `compensation tier ${order.tier}` }));
    },
    refund(order) {
      const { amount, currency } = amountOf(order);
      return run(() => marketplace.refund({ ...remedy(order), amount, currency, reason: `seller_compensation_tier_${order.tier}`, addOns: order.addOns }));
    },
    reship(order) {
      return run(() => marketplace.createReplacement({ ...remedy(order), priority: order.action === 'priority_reship', addOns: order.addOns }));
    },
  };
}
