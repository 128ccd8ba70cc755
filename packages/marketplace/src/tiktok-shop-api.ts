import { signTikTokRequest } from './tiktok-signature.js';

/*
 * One signed call to a TikTok Shop style Partner API (202309 conventions): common query
 * (app_key, timestamp, shop_cipher and any extra), `sign` over path + query + raw body,
 * `x-tts-access-token`, JSON body, and the `{code, message, data}` answer, where business errors
 * come inside HTTP 200. Used by the marketplace operations (tiktok-shop.marketplace.ts).
 */

export interface TikTokShopCredentials {
  baseUrl: string;
  appKey: string;
  appSecret: string;
  accessToken: string;
}

export interface TikTokShopCall {
  method: 'GET' | 'POST';
  path: string;
  shopCipher: string;
  /** Unix seconds for the signed timestamp (the Clock's). */
  nowSeconds: number;
  /** Extra query parameters, e.g. `idempotency_key` or `ids`. */
  query?: Record<string, string>;
  body?: unknown;
  /** Default 10 s; a timeout is retriable. */
  timeoutMs?: number;
}

/** Marketplace codes worth retrying: rate limited, internal error, timeout. */
export const TIKTOK_RETRIABLE_CODES: ReadonlySet<number> = new Set([36009002, 36009003, 36009007]);

export class TikTokShopApiError extends Error {
  override readonly name = 'TikTokShopApiError';
  constructor(
    message: string,
    readonly retriable: boolean,
    /** The answer's `code`, or null when there was no JSON answer. */
    readonly code: number | null,
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface Answer {
  code: number;
  message?: string;
  data?: Record<string, unknown>;
}

/** Resolves to the answer's `data`; throws TikTokShopApiError (with `retriable`) otherwise. */
export async function callTikTokShop(credentials: TikTokShopCredentials, call: TikTokShopCall): Promise<Record<string, unknown>> {
  const query: Record<string, string> = {
    app_key: credentials.appKey,
    timestamp: String(Math.floor(call.nowSeconds)),
    shop_cipher: call.shopCipher,
    ...call.query,
  };
  const raw = call.body === undefined ? undefined : JSON.stringify(call.body);
  const sign = signTikTokRequest({ appSecret: credentials.appSecret, path: call.path, query, body: raw });
  const url = `${credentials.baseUrl.replace(/\/$/, '')}${call.path}?${new URLSearchParams({ ...query, sign }).toString()}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: call.method,
      headers: { 'content-type': 'application/json', 'x-tts-access-token': credentials.accessToken },
      ...(raw === undefined ? {} : { body: raw }),
      signal: AbortSignal.timeout(call.timeoutMs ?? 10_000),
    });
  } catch (err) {
    // A timeout may come after the marketplace applied the call: callers repeat it with the same key.
    throw new TikTokShopApiError(`marketplace ${call.path} unreachable: ${(err as Error).message}`, true, null, null, { cause: err });
  }
  const text = await response.text();
  if (response.status === 429 || response.status >= 500) throw new TikTokShopApiError(`marketplace ${call.path} answered HTTP ${response.status}`, true, null, response.status);
  let answer: Answer;
  try {
    answer = JSON.parse(text) as Answer;
  } catch {
    throw new TikTokShopApiError(`marketplace ${call.path} answered HTTP ${response.status} without JSON`, false, null, response.status);
  }
  if (answer.code !== 0) {
    throw new TikTokShopApiError(`marketplace ${call.path} refused: code ${answer.code} ${answer.message ?? ''}`.trim(), TIKTOK_RETRIABLE_CODES.has(answer.code), answer.code, response.status);
  }
  return answer.data ?? {};
}
