import { randomBytes } from 'node:crypto';
import { toDecimalString } from '@parcelwatch/contracts';
import type { Clock } from '@parcelwatch/service-kit';
import type { JourneyStore } from '../journeys/journey.store.js';
import { CODES, refuse, type Parsed, type Refusal } from './marketplace.codes.js';
import { MarketplaceLedger } from './marketplace.ledger.js';
import { MarketplaceOrders, orderStatus, type MarketplaceOrderInput } from './marketplace-orders.js';
import { remedyFingerprint, type RemedyKind, type RemedyRequest } from './remedy.request.js';

/** The app and shop a call is made for: idempotency keys and conversations belong to a shop. */
export interface MarketplaceScope {
  appKey: string;
  shopCipher: string;
}

/** A successful answer's parts; the route wraps them in `{code: 0, message, request_id, data}`. */
export interface MarketplaceAnswer {
  requestId: string;
  data: Record<string, unknown>;
}

export type RemedyOutcome =
  | { outcome: 'applied' | 'repeated'; answer: MarketplaceAnswer; holdMs: number }
  | { outcome: 'refused'; refusal: Refusal };

interface Conversation {
  id: string;
  shopCipher: string;
  buyerUserId: string;
}

const REFERENCE_FIELD: Record<RemedyKind, string> = { refund: 'return_id', coupon: 'coupon_id', reship: 'replacement_order_id' };
const ID_PREFIX = { refund: '4035', coupon: '7301', reship: '58', conversation: '7404', message: '7405' } as const;

export function newRequestId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/**
 * The seller side of a TikTok Shop style marketplace: orders and their buyers, remedies paid
 * exactly once per idempotency key, buyer conversations and messages, and the ledger of all of
 * it. No HTTP here: the TikTok routes call it after the gate has checked the signature.
 */
export class SandboxMarketplace {
  readonly orders: MarketplaceOrders;
  readonly ledger = new MarketplaceLedger();
  private readonly answers = new Map<string, { fingerprint: string; answer: MarketplaceAnswer }>();
  private readonly conversations = new Map<string, Conversation>();
  private readonly conversationOf = new Map<string, string>();
  /** The order a buyer's detail was last read for: what a following message is about. */
  private readonly lastLookup = new Map<string, string>();
  private readonly counters = { refund: 0, coupon: 0, reship: 0, conversation: 0, message: 0 };
  private stalls = { count: 0, ms: 0 };

  constructor(private readonly deps: { store: JourneyStore; clock: Clock }) {
    this.orders = new MarketplaceOrders(deps.store);
  }

  registerOrders(inputs: readonly MarketplaceOrderInput[]): void {
    for (const input of inputs) this.orders.register(input);
  }

  /** An order as the marketplace knows it (for the control routes), or undefined. */
  describeOrder(orderId: string) {
    const order = this.orders.get(orderId);
    if (!order) return undefined;
    return {
      orderId: order.id,
      buyerUserId: order.userId,
      value: order.value,
      refunded: this.orders.refunded(order.id),
      trackingNumber: order.journey?.trackingNumber ?? null,
      replacedOrderId: order.replacedOrderId,
    };
  }

  /** The next `count` remedies applied hold their answer `ms` (real time) after they are recorded. */
  stallAnswers(count: number, ms: number): void {
    this.stalls = { count, ms };
  }

  /**
   * Applies a checked remedy once per (shop, key): a repeated key with the same remedy gets
   * the first answer and applies nothing; with a different remedy it is refused.
   */
  applyRemedy(scope: MarketplaceScope, key: string, remedy: RemedyRequest): RemedyOutcome {
    const order = this.orders.get(remedy.orderId);
    if (!order) return { outcome: 'refused', refusal: { code: CODES.orderNotFound, message: `Order ${remedy.orderId} not found.` } };
    const scopedKey = `${scope.appKey}\u0000${scope.shopCipher}\u0000${key}`;
    const fingerprint = remedyFingerprint(remedy);
    const previous = this.answers.get(scopedKey);
    if (previous) {
      if (previous.fingerprint !== fingerprint) return { outcome: 'refused', refusal: { code: CODES.invalidParam, message: 'idempotency_key was already used for a different request.' } };
      return { outcome: 'repeated', answer: previous.answer, holdMs: 0 };
    }
    if (remedy.amount !== null && order.value !== null) {
      if (remedy.amount.currency !== order.value.currency) {
        return { outcome: 'refused', refusal: { code: CODES.invalidParam, message: `currency ${remedy.amount.currency} does not match the order's ${order.value.currency}.` } };
      }
      const refunded = this.orders.refunded(order.id)?.amountMinor ?? 0;
      if (remedy.kind === 'refund' && refunded + remedy.amount.amountMinor > order.value.amountMinor) {
        const left = toDecimalString({ amountMinor: order.value.amountMinor - refunded, currency: order.value.currency });
        return { outcome: 'refused', refusal: { code: CODES.invalidParam, message: `refund_total exceeds the refundable amount of the order (${left} ${order.value.currency}).` } };
      }
    }

    const reference = this.nextId(remedy.kind);
    if (remedy.kind === 'refund' && remedy.amount !== null) this.orders.addRefund(order.id, remedy.amount);
    if (remedy.kind === 'reship') {
      this.orders.register({ orderId: reference, buyerUserId: order.userId, ...(order.value ? { value: order.value } : {}) }, order.id);
    }
    const data: Record<string, unknown> = { [REFERENCE_FIELD[remedy.kind]]: reference };
    if (remedy.kind === 'refund') data['return_status'] = remedy.type === 'REFUND' ? 'RETURN_OR_REFUND_REQUEST_COMPLETE' : 'AWAITING_BUYER_SHIP';
    const answer = { requestId: newRequestId(), data };
    this.answers.set(scopedKey, { fingerprint, answer });
    this.ledger.recordPayout(
      {
        kind: remedy.kind,
        orderId: order.id,
        amount: remedy.amount ? toDecimalString(remedy.amount) : null,
        currency: remedy.amount?.currency ?? null,
        type: remedy.type,
        priority: remedy.priority,
        addOns: [...remedy.addOns],
        idempotencyKey: key,
        reference,
        appKey: scope.appKey,
        shopCipher: scope.shopCipher,
        at: this.now(),
      },
      remedy.amount,
    );
    let holdMs = 0;
    if (this.stalls.count > 0) {
      this.stalls.count -= 1;
      holdMs = this.stalls.ms;
    }
    return { outcome: 'applied', answer, holdMs };
  }

  /** Get Order Detail: the known ones among `ids`, in order; unknown ids are left out. */
  orderDetails(ids: readonly string[]): Record<string, unknown>[] {
    const now = this.deps.clock.now();
    return ids.flatMap((id) => {
      const order = this.orders.get(id);
      if (!order) return [];
      this.lastLookup.set(order.userId, order.id);
      const journey = order.journey;
      return [
        {
          id: order.id,
          status: orderStatus(journey, this.deps.store, now),
          user_id: order.userId,
          is_replacement_order: order.replacedOrderId !== null,
          ...(order.replacedOrderId ? { replaced_order_id: order.replacedOrderId } : {}),
          ...(journey
            ? { tracking_number: journey.trackingNumber, shipping_provider: journey.lastMileCarrier, create_time: Math.floor(Date.parse(journey.shippedAt) / 1000) }
            : {}),
          ...(order.value ? { payment: { currency: order.value.currency, total_amount: toDecimalString(order.value) } } : {}),
        },
      ];
    });
  }

  /** Starts a conversation with a buyer of this shop, or returns the open one. */
  openConversation(scope: MarketplaceScope, buyerUserId: string): Parsed<{ conversationId: string; orderId: string | null }> {
    const orders = this.orders.ordersOfBuyer(buyerUserId);
    if (orders.length === 0) return refuse(CODES.notEligibleToInitiate, 'Not eligible to initiate a conversation with this buyer.');
    const key = `${scope.shopCipher}\u0000${buyerUserId}`;
    let id = this.conversationOf.get(key);
    if (id === undefined) {
      id = this.nextId('conversation');
      this.conversationOf.set(key, id);
      this.conversations.set(id, { id, shopCipher: scope.shopCipher, buyerUserId });
    }
    return { ok: true, value: { conversationId: id, orderId: this.lastLookup.get(buyerUserId) ?? orders[orders.length - 1]! } };
  }

  /** Sends a TEXT message (content: a serialized JSON string `{"content": "..."}`, 1 to 2000 characters). */
  sendMessage(scope: MarketplaceScope, conversationId: string, body: unknown): Parsed<{ messageId: string; orderId: string | null }> {
    const conversation = this.conversations.get(conversationId);
    if (!conversation || conversation.shopCipher !== scope.shopCipher) return refuse(CODES.messageInvalidParam, `Conversation ${conversationId} not found.`);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(CODES.messageInvalidParam, 'The request body must be a JSON object.');
    const { type, content } = body as { type?: unknown; content?: unknown };
    if (type === undefined || content === undefined) return refuse(CODES.messageInvalidParam, 'type and content are required.');
    if (type !== 'TEXT') return refuse(CODES.messageInvalidParam, `Message type ${String(type)} is not supported by the sandbox (TEXT only).`);
    if (typeof content !== 'string') return refuse(CODES.messageInvalidParam, 'content must be a serialized JSON string.');
    let text: unknown;
    try {
      text = (JSON.parse(content) as { content?: unknown } | null)?.content;
    } catch {
      return refuse(CODES.messageInvalidParam, 'content must be a serialized JSON string.');
    }
    if (typeof text !== 'string' || text.trim() === '') return refuse(CODES.messageInvalidParam, 'A TEXT message needs a non-empty content.');
    if (text.length > 2000) return refuse(CODES.messageInvalidParam, 'A TEXT message is at most 2000 characters.');
    const messageId = this.nextId('message');
    const orderId = this.lastLookup.get(conversation.buyerUserId) ?? this.orders.ordersOfBuyer(conversation.buyerUserId).at(-1) ?? null;
    this.ledger.recordMessage({ messageId, orderId, conversationId, buyerUserId: conversation.buyerUserId, type, text, textLength: text.length, at: this.now() });
    return { ok: true, value: { messageId, orderId } };
  }

  now(): string {
    return this.deps.clock.now().toISO()!;
  }

  private nextId(kind: keyof typeof ID_PREFIX): string {
    this.counters[kind] += 1;
    const prefix = ID_PREFIX[kind];
    return `${prefix}${String(this.counters[kind]).padStart(18 - prefix.length, '0')}`;
  }
}
