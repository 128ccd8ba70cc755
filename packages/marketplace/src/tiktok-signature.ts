import { createHmac } from 'node:crypto';

/**
 * TikTok Shop API request signature (202309 "sign your API request"): the query parameters
 * except `sign` and `access_token`, sorted by key and concatenated as key+value, appended to
 * the path, then the raw body (unless multipart), wrapped in the app secret on both sides,
 * HMAC-SHA256 keyed with the app secret, lowercase hex.
 */
export function signTikTokRequest(input: { appSecret: string; path: string; query: Record<string, string>; body?: string }): string {
  const params = Object.keys(input.query)
    .filter((key) => key !== 'sign' && key !== 'access_token')
    .sort()
    .map((key) => `${key}${input.query[key]}`)
    .join('');
  const payload = `${input.appSecret}${input.path}${params}${input.body ?? ''}${input.appSecret}`;
  return createHmac('sha256', input.appSecret).update(payload).digest('hex');
}
