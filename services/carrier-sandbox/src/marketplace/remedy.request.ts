import { CURRENCY_CODES, parseMoney, type CurrencyCode, type Money } from '@parcelwatch/contracts';
import { CODES, refuse, type Parsed } from './marketplace.codes.js';

/** What a seller can pay a buyer through the marketplace: a refund, a coupon or a replacement. */
export type RemedyKind = 'refund' | 'coupon' | 'reship';

/** One remedy request, checked; unknown body fields are dropped. */
export interface RemedyRequest {
  kind: RemedyKind;
  orderId: string;
  /** The refund total or the coupon's amount off; null for a free-shipping coupon or a replacement. */
  amount: Money | null;
  /** refund: REFUND or RETURN_AND_REFUND; coupon: AMOUNT_OFF or FREE_SHIPPING; reship: null. */
  type: string | null;
  reason: string | null;
  /** reship only: a priority replacement. */
  priority: boolean | null;
  addOns: string[];
}

const RETURN_TYPES = ['REFUND', 'RETURN_AND_REFUND'] as const;
const COUPON_TYPES = ['AMOUNT_OFF', 'FREE_SHIPPING'] as const;
const DECIMAL = /^\d+(\.\d+)?$/;

function invalid(message: string) {
  return refuse(CODES.invalidParam, message);
}

/** The client-chosen key of a write call: required here, at most 255 characters (TikTok's limit). */
export function parseIdempotencyKey(value: string | string[] | undefined): Parsed<string> {
  if (typeof value !== 'string' || value.length === 0) return invalid('idempotency_key is required.');
  if (value.length > 255) return invalid('idempotency_key must be at most 255 characters.');
  return { ok: true, value };
}

/** A positive decimal string with no more decimals than the currency has, in an ISO 4217 currency. */
export function parseAmount(amount: unknown, currency: unknown, field: string): Parsed<Money> {
  if (amount === undefined || amount === null) return invalid(`${field} is required.`);
  if (currency === undefined || currency === null) return invalid('currency is required.');
  if (typeof currency !== 'string' || !CURRENCY_CODES.includes(currency as CurrencyCode)) return invalid('currency must be an ISO 4217 code.');
  if (typeof amount !== 'string' || !DECIMAL.test(amount)) return invalid(`${field} must be a decimal string.`);
  let money: Money;
  try {
    money = parseMoney(amount, currency as CurrencyCode);
  } catch (err) {
    return invalid(`${field} is invalid: ${(err as Error).message}.`);
  }
  if (money.amountMinor <= 0) return invalid(`${field} must be positive.`);
  return { ok: true, value: money };
}

function requiredString(body: Record<string, unknown>, field: string): Parsed<string> {
  const value = body[field];
  if (value === undefined || value === null) return invalid(`${field} is required.`);
  if (typeof value !== 'string' || value.trim() === '') return invalid(`${field} must be a non-empty string.`);
  return { ok: true, value };
}

function addOnsOf(body: Record<string, unknown>): Parsed<string[]> {
  const value = body['add_ons'];
  if (value === undefined || value === null) return { ok: true, value: [] };
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) return invalid('add_ons must be an array of strings.');
  return { ok: true, value: value as string[] };
}

/**
 * Checks a remedy call's body the way the marketplace does before it looks at the order:
 * required fields present and typed, enums known, amounts positive with a currency.
 * `pathOrderId` is the order in the path (replacements); the others carry `order_id`.
 */
export function parseRemedy(kind: RemedyKind, body: unknown, pathOrderId: string | null): Parsed<RemedyRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalid('The request body must be a JSON object.');
  const fields = body as Record<string, unknown>;
  const addOns = addOnsOf(fields);
  if (!addOns.ok) return addOns;
  let orderId: string;
  if (pathOrderId !== null) {
    if (pathOrderId.trim() === '') return invalid('order_id is required.');
    orderId = pathOrderId;
  } else {
    const parsed = requiredString(fields, 'order_id');
    if (!parsed.ok) return parsed;
    orderId = parsed.value;
  }
  const base = { kind, orderId, addOns: addOns.value };

  if (kind === 'refund') {
    const returnType = requiredString(fields, 'return_type');
    if (!returnType.ok) return returnType;
    if (!(RETURN_TYPES as readonly string[]).includes(returnType.value)) return invalid(`return_type must be one of ${RETURN_TYPES.join(', ')}.`);
    const reason = requiredString(fields, 'return_reason');
    if (!reason.ok) return reason;
    const amount = parseAmount(fields['refund_total'], fields['currency'], 'refund_total');
    if (!amount.ok) return amount;
    return { ok: true, value: { ...base, amount: amount.value, type: returnType.value, reason: reason.value, priority: null } };
  }

  if (kind === 'coupon') {
    const couponType = requiredString(fields, 'coupon_type');
    if (!couponType.ok) return couponType;
    if (!(COUPON_TYPES as readonly string[]).includes(couponType.value)) return invalid(`coupon_type must be one of ${COUPON_TYPES.join(', ')}.`);
    const reason = typeof fields['reason'] === 'string' ? fields['reason'] : null;
    if (couponType.value === 'FREE_SHIPPING') return { ok: true, value: { ...base, amount: null, type: couponType.value, reason, priority: null } };
    const amount = parseAmount(fields['amount'], fields['currency'], 'amount');
    if (!amount.ok) return amount;
    return { ok: true, value: { ...base, amount: amount.value, type: couponType.value, reason, priority: null } };
  }

  const priority = fields['priority'];
  if (priority !== undefined && priority !== null && typeof priority !== 'boolean') return invalid('priority must be a boolean.');
  return { ok: true, value: { ...base, amount: null, type: null, reason: null, priority: priority === true } };
}

/** What makes two requests the same remedy: a repeated key must come with the same one. */
export function remedyFingerprint(remedy: RemedyRequest): string {
  return JSON.stringify([remedy.kind, remedy.orderId, remedy.amount?.amountMinor ?? null, remedy.amount?.currency ?? null, remedy.type, remedy.priority]);
}
