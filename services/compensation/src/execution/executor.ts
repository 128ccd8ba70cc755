import type { CompensationAction, CompensationTier, Money } from '@parcelwatch/contracts';

/** One approved compensation to carry out in the marketplace. */
export interface ExecutionOrder {
  compensationId: string;
  /** Sent as the marketplace's idempotency key: a retry of the same compensation is the same request. */
  executionKey: string;
  shipmentId: string;
  merchantId: string;
  /** The seller's order id in the marketplace. */
  orderId: string;
  tier: CompensationTier;
  action: CompensationAction;
  addOns: readonly CompensationAction[];
  /** Coupon value or refund amount; null for a reship. */
  amount: Money | null;
}

export interface ExecutionResult {
  /** The coupon, refund or replacement order id in the marketplace. */
  externalRef: string | null;
}

/**
 * Where compensations are paid. Pluggable: one implementation per marketplace (TikTok Shop
 * style below), a fake in tests. Every call carries `executionKey`, and an implementation must
 * make a repeated key harmless (the marketplace's idempotency key, or its own lookup).
 */
export interface CompensationExecutor {
  /** store_coupon, free_shipping_voucher */
  issueCoupon(order: ExecutionOrder): Promise<ExecutionResult>;
  /** partial_refund, full_refund */
  refund(order: ExecutionOrder): Promise<ExecutionResult>;
  /** reship, priority_reship */
  reship(order: ExecutionOrder): Promise<ExecutionResult>;
}

/** A failed execution; `retriable` ones go back to the queue with the same key. */
export class ExecutionError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExecutionError';
  }
}

export function dispatchExecution(executor: CompensationExecutor, order: ExecutionOrder): Promise<ExecutionResult> {
  switch (order.action) {
    case 'store_coupon':
    case 'free_shipping_voucher':
      return executor.issueCoupon(order);
    case 'partial_refund':
    case 'full_refund':
      return executor.refund(order);
    case 'reship':
    case 'priority_reship':
      return executor.reship(order);
    default:
      return Promise.reject(new ExecutionError(`${order.action} is not an action that can be executed on its own`, false));
  }
}
