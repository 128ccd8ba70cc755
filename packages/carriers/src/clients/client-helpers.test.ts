import { describe, expect, it } from '@jest/globals';
import { OAuthTokenSource } from './oauth-token.source.js';
import type { ProviderResponse } from './provider-transport.js';
import { retryAfterMs } from './retry-after.js';
import { chunk } from './tracking-client.js';

describe('retryAfterMs', () => {
  const now = Date.parse('2025-03-01T00:00:00Z');
  it('reads delta seconds, an HTTP date and AfterShip reset seconds', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sat, 01 Mar 2025 00:00:05 GMT' }), now)).toBe(5_000);
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 2) }), now)).toBe(2_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeNull();
    expect(retryAfterMs(new Headers(), now)).toBeNull();
  });
});

describe('OAuthTokenSource', () => {
  const tokenResponse = (body: unknown): ProviderResponse => ({
    provider: 'ups', status: 200, body, rawBody: '', sha256: '', contentType: 'application/json', fetchedAt: '', durationMs: 1, elapsedMs: 1, attempts: 1,
  });

  it('caches a token until shortly before it expires and shares one request', async () => {
    let now = 0;
    let issued = 0;
    const source = new OAuthTokenSource({
      provider: 'ups',
      now: () => now,
      requestToken: async () => tokenResponse({ access_token: `t${(issued += 1)}`, expires_in: '100' }),
    });
    expect(await Promise.all([source.accessToken(), source.accessToken()])).toEqual(['t1', 't1']);
    now = 89_000;
    expect(await source.accessToken()).toBe('t1');
    now = 90_000; // 100 s lifetime minus a 10 s margin
    expect(await source.accessToken()).toBe('t2');
    source.invalidate();
    expect(await source.accessToken()).toBe('t3');
    expect(source.requests).toBe(3);
  });

  it('refuses an answer without a token', async () => {
    const source = new OAuthTokenSource({ provider: 'fedex', requestToken: async () => tokenResponse({ error: 'invalid_client' }) });
    await expect(source.accessToken()).rejects.toMatchObject({ kind: 'unauthorized', retriable: false });
  });
});

describe('chunk', () => {
  it('splits into batches of the provider limit', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 40)).toEqual([]);
  });
});
