/**
 * Reads how long a provider asks us to wait: `Retry-After` (delta seconds or an HTTP date,
 * RFC 9110) or AfterShip's `X-RateLimit-Reset` (unix seconds). Null when neither is usable.
 */
export function retryAfterMs(headers: Headers, nowMs: number = Date.now()): number | null {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - nowMs);
  return null;
}
