/**
 * Business error codes of the seller APIs the sandbox serves (HTTP 200, non-zero `code`).
 * Documented by TikTok: the after-sales ones (25001001, 25007006) and the Customer Service
 * ones (45101001, 45109003). TikTok documents no coupon-issuing or replacement-order call (the
 * paths parcelwatch uses there are its own assumption), so those follow the after-sales codes;
 * the order API documents no parameter error, so `ORDER_INVALID_PARAM` is the sandbox's choice
 * in that API's 1000xxxx range.
 */
export const CODES = {
  invalidParam: 25001001,
  orderNotFound: 25007006,
  orderInvalidParam: 10001001,
  messageInvalidParam: 45101001,
  notEligibleToInitiate: 45109003,
} as const;

/** A request the marketplace turned down, as it answers it. */
export interface Refusal {
  code: number;
  message: string;
}

/** A parsed request, or the refusal the marketplace answers instead. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export function refuse(code: number, message: string): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: { code, message } };
}
