import { createHmac } from 'node:crypto';
import type { Answer, SandboxUnderTest } from './sandbox-client.js';

/*
 * A test's own TikTok Shop caller, written from the documented algorithm
 * (/work/shared/carrier-apis/tiktok-shop.md §3) rather than imported from parcelwatch's client,
 * so the sandbox is checked against the spec: query params except `sign` and `access_token`,
 * sorted, `key + value` concatenated after the path, the raw body appended, wrapped in the
 * secret on both sides, HMAC-SHA256 keyed by the secret, lowercase hex.
 */
export function specSign(appSecret: string, path: string, query: Record<string, string>, body = ''): string {
  const params = Object.keys(query)
    .filter((key) => key !== 'sign' && key !== 'access_token')
    .sort()
    .map((key) => key + query[key])
    .join('');
  return createHmac('sha256', appSecret).update(appSecret + path + params + body + appSecret).digest('hex');
}

export interface SellerApp {
  appKey: string;
  appSecret: string;
  accessToken: string;
  shopCipher: string;
}

export interface SignedCall {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Unix seconds; the sandbox clock's now by default. */
  timestamp?: number;
  /** Overrides for a forged or broken request. */
  app?: Partial<SellerApp>;
  sign?: string;
  omit?: ('shop_cipher' | 'token')[];
}

/** Sends one signed seller-API call to the sandbox and returns its answer. */
export function signedCall(sandbox: SandboxUnderTest, base: SellerApp, call: SignedCall): Promise<Answer> {
  const app = { ...base, ...call.app };
  const query: Record<string, string> = {
    app_key: app.appKey,
    timestamp: String(Math.floor(call.timestamp ?? sandbox.clock.now().toSeconds())),
    ...(call.omit?.includes('shop_cipher') ? {} : { shop_cipher: app.shopCipher }),
    ...call.query,
  };
  const raw = call.body === undefined ? '' : JSON.stringify(call.body);
  const sign = call.sign ?? specSign(app.appSecret, call.path, query, raw);
  const headers: Record<string, string> = call.omit?.includes('token') ? {} : { 'x-tts-access-token': app.accessToken };
  return sandbox.call(call.method, `${call.path}?${new URLSearchParams({ ...query, sign })}`, { headers, ...(raw === '' ? {} : { raw }) });
}
