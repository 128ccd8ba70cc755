import { describe, expect, it } from '@jest/globals';
import { fixedClock } from '@parcelwatch/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS_OFF_CALLER, accessFor, apiKeyPrefix, canAccessMerchant, generateApiKey, hashApiKey, merchantScope, presentedKey, RateLimiter, rateLimitEnv, rateLimitsOf, requireRole, type Caller } from '../src/index.js';
import { parseEnv } from '@parcelwatch/config';
import { z } from 'zod';

describe('API key format and hash', () => {
  it('makes pw_<8-char prefix>_<43+ char base64url secret> keys, stored as the SHA-256 of the whole key', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key).toMatch(/^pw_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`pw_${prefix}_`)).toBe(true);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashApiKey(key));
    expect(hash).not.toContain(key.slice(12));
    expect(apiKeyPrefix(key)).toBe(prefix);
    expect(generateApiKey().key).not.toBe(key);
  });

  it('refuses malformed keys without a lookup', () => {
    expect(apiKeyPrefix('pw_abc_short')).toBeNull();
    expect(apiKeyPrefix('sk_live_0123456789')).toBeNull();
    expect(apiKeyPrefix(`pw_ABCDEFGH_${'a'.repeat(43)}`)).toBeNull();
  });

  it('reads the key from Authorization: Bearer or x-api-key', () => {
    expect(presentedKey({ authorization: 'Bearer pw_x' })).toBe('pw_x');
    expect(presentedKey({ authorization: 'bearer   pw_y ' })).toBe('pw_y');
    expect(presentedKey({ 'x-api-key': 'pw_z' })).toBe('pw_z');
    expect(presentedKey({ authorization: 'Basic dXNlcjpwdw==' })).toBeNull();
    expect(presentedKey({})).toBeNull();
  });
});

describe('route policy table', () => {
  it.each([
    ['GET', '/healthz', 'open'],
    ['GET', '/metrics', 'open'],
    ['POST', '/v1/webhooks/:provider', 'open'],
    ['POST', '/v1/shipments', ['ingest', 'admin']],
    ['POST', '/v1/shipments/import', ['ingest', 'admin']],
    ['GET', '/v1/shipments/:id', ['viewer', 'approver', 'admin']],
    ['HEAD', '/v1/reports/stuck', ['viewer', 'approver', 'admin']],
    ['GET', '/compensations', ['viewer', 'approver', 'admin']],
    ['GET', '/compensations/:id', ['viewer', 'approver', 'admin']],
    ['POST', '/compensations/:id/approve', ['approver', 'admin']],
    ['POST', '/compensations/:id/reject', ['approver', 'admin']],
    ['POST', '/compensations/:id/retry', ['approver', 'admin']],
    ['POST', '/v1/shipments/:id/appeal-bundles', ['approver', 'admin']],
    ['DELETE', '/v1/webhook-endpoints/:id', ['admin']],
    ['POST', '/v1/api-keys', ['admin']],
    ['GET', '/v1/audit-log', ['admin']],
    ['GET', '/v1/me', ['viewer', 'approver', 'admin', 'ingest', 'bot', 'operator']],
    ['POST', '/v1/wismo', ['bot', 'admin']],
    ['GET', '/v1/shipments/:id/tracking-link', ['viewer', 'approver', 'admin']],
    ['DELETE', '/v1/shipments/:id/tracking-link', ['approver', 'admin']],
    ['GET', '/t/:token', 'open'],
    ['POST', '/t/:token/contact', 'open'],
    ['POST', '/t/lookup', 'open'],
    ['POST', '/v1/merchants', ['operator']],
    ['GET', '/v1/merchants', ['operator', 'admin']],
    ['GET', '/v1/merchants/:id', ['operator', 'admin']],
    ['PATCH', '/v1/merchants/:id', ['operator', 'admin']],
    ['GET', '/dashboard', 'open'],
    ['GET', '/dashboard/assets/:file', 'open'],
    ['GET', '/v1/blobs/*', 'open'],
  ])('%s %s -> %j', (method, pattern, access) => {
    expect(accessFor(method, pattern)).toEqual(access);
  });

  it('has no rule (deny) for routes nobody decided on', () => {
    expect(accessFor('POST', '/compensations/:id/execute')).toBeNull();
    expect(accessFor('DELETE', '/v1/shipments/:id')).toBeNull();
    expect(accessFor('POST', '/dashboard')).toBeNull();
    expect(accessFor('DELETE', '/v1/blobs/*')).toBeNull();
    expect(accessFor('POST', '/healthz')).toBeNull();
    expect(accessFor('DELETE', '/v1/merchants/:id')).toBeNull();
  });
});

describe('rate limiter', () => {
  it('allows the limit in a burst, then answers with the wait until the next token; refills with the clock', () => {
    const clock = fixedClock('2026-03-02T10:00:00Z');
    const limiter = new RateLimiter(clock);
    for (let n = 0; n < 3; n += 1) expect(limiter.take('k', 3)).toEqual({ allowed: true });
    expect(limiter.take('k', 3)).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(limiter.take('other', 3)).toEqual({ allowed: true });
    clock.advance({ seconds: 19 });
    expect(limiter.take('k', 3)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock.advance({ seconds: 1 });
    expect(limiter.take('k', 3)).toEqual({ allowed: true });
  });

  it('past its cap forgets the least recently used buckets, never a busy caller that is being limited', () => {
    const clock = fixedClock('2026-03-02T10:00:00Z');
    const limiter = new RateLimiter(clock, 100);
    for (let n = 0; n < 3; n += 1) limiter.take('busy', 3);
    expect(limiter.take('busy', 3)).toMatchObject({ allowed: false });
    // A flood of new addresses, the limited caller still knocking now and then.
    for (let n = 0; n < 1_000; n += 1) {
      limiter.take(`ip:${n}`, 3);
      if (n % 50 === 0) expect(limiter.take('busy', 3)).toMatchObject({ allowed: false });
    }
    expect(limiter.size).toBe(100);
    expect(limiter.take('busy', 3)).toMatchObject({ allowed: false });
  });

  it('reads its limits from env with defaults, and refuses nonsense', () => {
    const limits = (env: Record<string, string>) => rateLimitsOf(parseEnv(z.object(rateLimitEnv), env));
    expect(limits({})).toEqual({ readsPerMinute: 600, writesPerMinute: 60, webhooksPerMinute: 1200 });
    expect(limits({ RATE_LIMIT_WRITES_PER_MINUTE: '5' }).writesPerMinute).toBe(5);
    expect(() => limits({ RATE_LIMIT_READS_PER_MINUTE: 'many' })).toThrow();
  });
});

describe('merchant scope without a caller', () => {
  const request = (caller?: Caller) => ({ caller }) as unknown as FastifyRequest;
  const reply = () => {
    const sent: { status?: number; body?: unknown } = {};
    const r = { code: (status: number) => ((sent.status = status), r), send: (body: unknown) => ((sent.body = body), r) };
    return { r: r as unknown as FastifyReply, sent };
  };

  it('fails closed: no caller sees no merchant and passes no role check', () => {
    expect(merchantScope(request())).toEqual([]);
    expect(canAccessMerchant(request(), 'm1')).toBe(false);
    const { r, sent } = reply();
    expect(requireRole(request(), r, ['admin'])).toBe(false);
    expect(sent.status).toBe(401);
  });

  it('gives everything only to the explicit access-off caller, and a key only its merchants', () => {
    expect(merchantScope(request(ACCESS_OFF_CALLER))).toBeNull();
    expect(canAccessMerchant(request(ACCESS_OFF_CALLER), 'm1')).toBe(true);
    expect(requireRole(request(ACCESS_OFF_CALLER), reply().r, ['approver'])).toBe(true);
    const viewer: Caller = { keyId: 'k', name: 'k', role: 'viewer', merchantIds: ['m1'] };
    expect(merchantScope(request(viewer))).toEqual(['m1']);
    expect(canAccessMerchant(request(viewer), 'm2')).toBe(false);
    const { r, sent } = reply();
    expect(requireRole(request(viewer), r, ['approver'])).toBe(false);
    expect(sent.status).toBe(403);
  });
});
