import { createHash } from 'node:crypto';
import { addMoney, type Money } from '@parcelwatch/contracts';
import type { DateTime } from 'luxon';
import type { JourneyStore } from '../journeys/journey.store.js';
import type { Journey } from '../journeys/journey.types.js';

/** An order the sandbox's marketplace was told about, beyond the journeys' own orders. */
export interface MarketplaceOrderInput {
  orderId: string;
  /** What the buyer paid; refunds above it (in total) are refused. Unknown when absent. */
  value?: Money;
  /** The buyer's TikTok user id; derived from the order id when absent. */
  buyerUserId?: string;
  /** A journey whose parcel ships this order (its status follows the journey). */
  trackingNumber?: string;
}

export type MarketplaceOrderStatus = 'AWAITING_COLLECTION' | 'IN_TRANSIT' | 'DELIVERED';

/** One order as the marketplace knows it. */
export interface MarketplaceOrder {
  id: string;
  /** The buyer's user id: stable for an order id, the same on every run. */
  userId: string;
  value: Money | null;
  journey: Journey | null;
  /** Set on a replacement order: the order it replaces. */
  replacedOrderId: string | null;
}

interface Registered {
  value: Money | null;
  userId: string;
  trackingNumber: string | null;
  replacedOrderId: string | null;
}

/**
 * A TikTok-style 19-digit buyer user id derived from the order id, so every journey's order
 * has a buyer without the journey carrying one, and the same order always has the same buyer.
 */
export function buyerUserIdFor(orderId: string): string {
  const hash = createHash('sha256').update(`tiktok-buyer:${orderId}`).digest('hex');
  return `7${(BigInt(`0x${hash.slice(0, 16)}`) % 10n ** 18n).toString().padStart(18, '0')}`;
}

/** The marketplace's status of an order whose parcel follows `journey`, at `now`. */
export function orderStatus(journey: Journey | null, store: JourneyStore, now: DateTime): MarketplaceOrderStatus {
  if (journey === null) return 'IN_TRANSIT';
  const visible = store.visibleEvents(journey, now);
  const last = visible[visible.length - 1];
  if (!last || last.milestone === 'info_received') return 'AWAITING_COLLECTION';
  return last.milestone === 'delivered' ? 'DELIVERED' : 'IN_TRANSIT';
}

/**
 * The orders the marketplace knows: every journey's order (by `store.getByOrderId`) plus the
 * ones registered through the control routes or created as replacements; and what was
 * refunded on each, so refunds never add up to more than the order's value.
 */
export class MarketplaceOrders {
  private readonly registered = new Map<string, Registered>();
  private readonly refunds = new Map<string, Money>();
  /** Buyer user id -> order ids, for registered orders and the journeys indexed so far. */
  private readonly byBuyer = new Map<string, string[]>();
  private indexedJourneys = 0;

  constructor(private readonly store: JourneyStore) {}

  register(input: MarketplaceOrderInput, replacedOrderId: string | null = null): MarketplaceOrder {
    const previous = this.registered.get(input.orderId);
    const userId = input.buyerUserId ?? previous?.userId ?? buyerUserIdFor(input.orderId);
    this.registered.set(input.orderId, {
      value: input.value ?? previous?.value ?? null,
      userId,
      trackingNumber: input.trackingNumber ?? previous?.trackingNumber ?? null,
      replacedOrderId: replacedOrderId ?? previous?.replacedOrderId ?? null,
    });
    const formerUserId = previous?.userId ?? (this.store.getByOrderId(input.orderId) ? buyerUserIdFor(input.orderId) : null);
    if (formerUserId !== null && formerUserId !== userId) this.unindex(formerUserId, input.orderId);
    this.index(userId, input.orderId);
    return this.get(input.orderId)!;
  }

  get(orderId: string): MarketplaceOrder | undefined {
    const registered = this.registered.get(orderId);
    const ownJourney = this.store.getByOrderId(orderId) ?? null;
    if (!registered && !ownJourney) return undefined;
    const journey = registered?.trackingNumber ? (this.store.get(registered.trackingNumber) ?? ownJourney) : ownJourney;
    return {
      id: orderId,
      userId: registered?.userId ?? buyerUserIdFor(orderId),
      value: registered?.value ?? null,
      journey,
      replacedOrderId: registered?.replacedOrderId ?? null,
    };
  }

  /** The orders of a buyer the marketplace knows (empty for a stranger). */
  ordersOfBuyer(userId: string): string[] {
    if (!this.byBuyer.has(userId)) this.indexNewJourneys();
    return [...(this.byBuyer.get(userId) ?? [])];
  }

  refunded(orderId: string): Money | null {
    return this.refunds.get(orderId) ?? null;
  }

  addRefund(orderId: string, amount: Money): void {
    const before = this.refunds.get(orderId);
    this.refunds.set(orderId, before ? addMoney(before, amount) : amount);
  }

  private indexNewJourneys(): void {
    const journeys = this.store.all();
    // The store only grows, in insertion order: index the journeys added since the last time.
    for (const journey of journeys.slice(this.indexedJourneys)) {
      if (!this.registered.has(journey.orderId)) this.index(buyerUserIdFor(journey.orderId), journey.orderId);
    }
    this.indexedJourneys = journeys.length;
  }

  private index(userId: string, orderId: string): void {
    const orders = this.byBuyer.get(userId) ?? [];
    if (!orders.includes(orderId)) orders.push(orderId);
    this.byBuyer.set(userId, orders);
  }

  private unindex(userId: string, orderId: string): void {
    const orders = (this.byBuyer.get(userId) ?? []).filter((id) => id !== orderId);
    if (orders.length > 0) this.byBuyer.set(userId, orders);
    else this.byBuyer.delete(userId);
  }
}
