import { addMoney, toDecimalString, type Money } from '@parcelwatch/contracts';
import type { RemedyKind } from './remedy.request.js';

/** One remedy the marketplace applied: money (or a parcel) that went to a buyer. */
export interface LedgerPayout {
  kind: RemedyKind;
  orderId: string;
  /** Decimal text in major units, e.g. "12.50"; null for a free-shipping coupon or a replacement. */
  amount: string | null;
  currency: string | null;
  /** refund: REFUND / RETURN_AND_REFUND; coupon: AMOUNT_OFF / FREE_SHIPPING; reship: null. */
  type: string | null;
  priority: boolean | null;
  addOns: string[];
  idempotencyKey: string;
  /** The marketplace's id of what it created: return_id, coupon_id or replacement_order_id. */
  reference: string;
  appKey: string;
  shopCipher: string;
  /** The sandbox clock's now, ISO. */
  at: string;
}

/** One buyer message the marketplace delivered. */
export interface LedgerMessage {
  messageId: string;
  /** The buyer's order the sender was looking at (the last one looked up), or null. */
  orderId: string | null;
  conversationId: string;
  buyerUserId: string;
  type: string;
  text: string;
  textLength: number;
  at: string;
}

export type LedgerRoute = 'refund' | 'coupon' | 'reship' | 'order_detail' | 'conversation' | 'message';

/** One request to the seller routes and what became of it. */
export interface LedgerRequest {
  at: string;
  method: string;
  path: string;
  route: LedgerRoute;
  orderId: string | null;
  idempotencyKey: string | null;
  /** `applied` (a remedy paid), `repeated` (a known key: first answer again), `answered` (a read or a message), `refused <code>`. */
  outcome: string;
  status: number;
}

export interface LedgerCount {
  /** Every entry ever recorded since the last reset. */
  total: number;
  /** Oldest entries no longer listed (the lists keep the newest `limit`). */
  dropped: number;
}

export interface LedgerReport {
  payouts: LedgerPayout[];
  messages: LedgerMessage[];
  requests: LedgerRequest[];
  counts: {
    payouts: LedgerCount & { byKind: Record<RemedyKind, number> };
    messages: LedgerCount;
    requests: LedgerCount & { byOutcome: Record<string, number> };
  };
  /** Everything paid since the last reset, listed or dropped: per kind, per currency, decimal text. */
  paid: Record<RemedyKind, Record<string, string>>;
  limit: number;
}

/** What became of the remedy requests sent with one idempotency key: a client that pays once per key shows `applied` 1. */
export interface KeyCount {
  requests: number;
  applied: number;
  repeated: number;
  refused: number;
}

const REMEDY_ROUTES: readonly LedgerRoute[] = ['refund', 'coupon', 'reship'];

export const LEDGER_LIMIT = 5_000;

/** A list that keeps its newest `limit` entries and counts what it let go. */
class BoundedLog<T> {
  readonly entries: T[] = [];
  total = 0;

  constructor(private readonly limit: number) {}

  push(entry: T): void {
    this.entries.push(entry);
    this.total += 1;
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  count(): LedgerCount {
    return { total: this.total, dropped: this.total - this.entries.length };
  }

  clear(): void {
    this.entries.length = 0;
    this.total = 0;
  }
}

/**
 * What the marketplace itself saw: every remedy applied, every buyer message, every request
 * to the seller routes with its outcome. Lists are bounded; counts and paid totals cover
 * everything, so a payout never disappears from the figures when it leaves the list.
 */
export class MarketplaceLedger {
  private readonly payoutLog: BoundedLog<LedgerPayout>;
  private readonly messageLog: BoundedLog<LedgerMessage>;
  private readonly requestLog: BoundedLog<LedgerRequest>;
  private byKind: Record<RemedyKind, number> = { refund: 0, coupon: 0, reship: 0 };
  private byOutcome: Record<string, number> = {};
  /** Every remedy key since the last reset, unbounded: the double-payment check needs all of them. */
  private byKey = new Map<string, KeyCount>();
  private paid: Record<RemedyKind, Map<string, Money>> = { refund: new Map(), coupon: new Map(), reship: new Map() };

  constructor(private readonly limit = LEDGER_LIMIT) {
    this.payoutLog = new BoundedLog(limit);
    this.messageLog = new BoundedLog(limit);
    this.requestLog = new BoundedLog(limit);
  }

  recordPayout(payout: LedgerPayout, amount: Money | null): void {
    this.payoutLog.push(payout);
    this.byKind[payout.kind] += 1;
    if (amount !== null) {
      const before = this.paid[payout.kind].get(amount.currency);
      this.paid[payout.kind].set(amount.currency, before ? addMoney(before, amount) : amount);
    }
  }

  recordMessage(message: LedgerMessage): void {
    this.messageLog.push(message);
  }

  recordRequest(request: LedgerRequest): void {
    this.requestLog.push(request);
    this.byOutcome[request.outcome] = (this.byOutcome[request.outcome] ?? 0) + 1;
    if (request.idempotencyKey !== null && REMEDY_ROUTES.includes(request.route)) {
      const count = this.byKey.get(request.idempotencyKey) ?? { requests: 0, applied: 0, repeated: 0, refused: 0 };
      count.requests += 1;
      if (request.outcome === 'applied') count.applied += 1;
      else if (request.outcome === 'repeated') count.repeated += 1;
      else count.refused += 1;
      this.byKey.set(request.idempotencyKey, count);
    }
  }

  /** Remedy requests per idempotency key (all of them since the last reset), with what became of them. */
  keyCounts(): Record<string, KeyCount> {
    return Object.fromEntries([...this.byKey].map(([key, count]) => [key, { ...count }]));
  }

  /** Copies of the lists (optionally one order's entries) and the counts. */
  report(filter: { orderId?: string } = {}): LedgerReport {
    const keep = <T extends { orderId: string | null }>(entries: T[]) =>
      entries.filter((entry) => filter.orderId === undefined || entry.orderId === filter.orderId).map((entry) => structuredClone(entry));
    const paid = Object.fromEntries(
      Object.entries(this.paid).map(([kind, totals]) => [kind, Object.fromEntries([...totals].map(([currency, money]) => [currency, toDecimalString(money)]))]),
    ) as LedgerReport['paid'];
    return {
      payouts: keep(this.payoutLog.entries),
      messages: keep(this.messageLog.entries),
      requests: keep(this.requestLog.entries),
      counts: {
        payouts: { ...this.payoutLog.count(), byKind: { ...this.byKind } },
        messages: this.messageLog.count(),
        requests: { ...this.requestLog.count(), byOutcome: { ...this.byOutcome } },
      },
      paid,
      limit: this.limit,
    };
  }

  /** Forgets what was recorded; the marketplace's state (orders, keys, refunds) stays. */
  reset(): void {
    this.payoutLog.clear();
    this.messageLog.clear();
    this.requestLog.clear();
    this.byKind = { refund: 0, coupon: 0, reship: 0 };
    this.byOutcome = {};
    this.byKey = new Map();
    this.paid = { refund: new Map(), coupon: new Map(), reship: new Map() };
  }
}
