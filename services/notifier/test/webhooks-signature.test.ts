import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { backoffDelayMs, seededRandom, signMerchantWebhook, verifyMerchantWebhook } from '../src/webhooks/index.js';

const SECRET = 'whsec_test-secret';
const BODY = '{"id":"0193a1b2-0000-7000-8000-000000000001","type":"parcelwatch.shipment.milestone_reached.v1"}';

describe('merchant webhook signatures', () => {
  it('signs v1=hex HMAC-SHA256(secret, timestamp + "." + body), a vector computed independently', () => {
    const headers = signMerchantWebhook(SECRET, 'msg-1', 1_764_000_000, BODY);
    const expected = createHmac('sha256', SECRET).update(`1764000000.${BODY}`).digest('hex');
    expect(headers).toEqual({ 'webhook-id': 'msg-1', 'webhook-timestamp': '1764000000', 'webhook-signature': `v1=${expected}` });
    // A fixed vector, so a change of scheme cannot pass by changing both sides.
    expect(signMerchantWebhook('key', 'm', 1, '{}')['webhook-signature']).toBe('v1=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224');
  });

  it('verifies a genuine request within the tolerance, from Node-style lower-case headers', () => {
    const headers = signMerchantWebhook(SECRET, 'msg-1', 1_000, BODY);
    expect(verifyMerchantWebhook(SECRET, headers, Buffer.from(BODY), { now: 1_200, toleranceSeconds: 300 })).toEqual({ ok: true, messageId: 'msg-1', timestamp: 1_000 });
    // One valid entry among several (a rotation overlap) is enough.
    const both = { ...headers, 'webhook-signature': `v1=${'0'.repeat(64)} ${headers['webhook-signature']}` };
    expect(verifyMerchantWebhook(SECRET, both, BODY, { now: 1_000 }).ok).toBe(true);
  });

  it('rejects a tampered body, a wrong secret, a forged timestamp, old or future timestamps and missing headers', () => {
    const headers = signMerchantWebhook(SECRET, 'msg-1', 1_000, BODY);
    expect(verifyMerchantWebhook(SECRET, headers, BODY.replace('milestone', 'milestonE'), { now: 1_000 })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyMerchantWebhook('whsec_other', headers, BODY, { now: 1_000 })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyMerchantWebhook(SECRET, { ...headers, 'webhook-timestamp': '1001' }, BODY, { now: 1_000 })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyMerchantWebhook(SECRET, headers, BODY, { now: 1_301, toleranceSeconds: 300 })).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyMerchantWebhook(SECRET, headers, BODY, { now: 699, toleranceSeconds: 300 })).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyMerchantWebhook(SECRET, { ...headers, 'webhook-timestamp': '1e3' }, BODY, { now: 1_000 })).toEqual({ ok: false, reason: 'bad_timestamp' });
    expect(verifyMerchantWebhook(SECRET, { 'webhook-id': 'msg-1' }, BODY, { now: 1_000 })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verifyMerchantWebhook(SECRET, { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1=', 'v2=') }, BODY, { now: 1_000 })).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('webhook retry backoff', () => {
  it('doubles from 30 s and stops at 1 h without jitter at the midpoint', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 20].map((n) => backoffDelayMs(n, mid) / 1000)).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
  });

  it('spreads each delay by at most ±20 % and never past the cap', () => {
    expect(backoffDelayMs(1, () => 0)).toBe(24_000);
    expect(backoffDelayMs(1, () => 0.999999)).toBe(36_000);
    expect(backoffDelayMs(12, () => 0.999999)).toBe(3_600_000);
    const random = seededRandom(42);
    for (let n = 1; n <= 12; n += 1) {
      const base = Math.min(3_600_000, 30_000 * 2 ** (n - 1));
      const delay = backoffDelayMs(n, random);
      expect(delay).toBeGreaterThanOrEqual(base * 0.8);
      expect(delay).toBeLessThanOrEqual(Math.min(3_600_000, base * 1.2));
    }
  });

  it('seeded random repeats its sequence', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});
