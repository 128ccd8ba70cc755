import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { backoffDelayMs, newWebhookSecret, seededRandom, signMerchantWebhook, verifyMerchantWebhook } from '../src/webhooks/index.js';

// 24 key bytes in standard base64, as newWebhookSecret makes them.
const SECRET = 'whsec_' + Buffer.from('parcelwatch-test-key-0001', 'utf8').toString('base64');
const BODY = '{"id":"0193a1b2-0000-7000-8000-000000000001","type":"parcelwatch.shipment.milestone_reached.v1"}';

describe('merchant webhook signatures (Standard Webhooks)', () => {
  it('signs v1,base64 HMAC-SHA256(key, id + "." + timestamp + "." + body), the key being the secret\'s base64 bytes', () => {
    const headers = signMerchantWebhook(SECRET, 'msg-1', 1_764_000_000, BODY);
    const expected = createHmac('sha256', Buffer.from('parcelwatch-test-key-0001')).update(`msg-1.1764000000.${BODY}`).digest('base64');
    expect(headers).toEqual({ 'webhook-id': 'msg-1', 'webhook-timestamp': '1764000000', 'webhook-signature': `v1,${expected}` });
    // The specification's own example, so a change of scheme cannot pass by changing both sides.
    expect(signMerchantWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1_614_265_330, '{"test": 2432232314}')['webhook-signature']).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('is verified by the reference library, and verifies what the library signs', () => {
    const library = new Webhook(SECRET);
    const now = Math.floor(Date.now() / 1000);
    const headers = signMerchantWebhook(SECRET, 'msg_2LzS7K', now, BODY);
    expect(library.verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(() => library.verify(BODY.replace('milestone', 'milestonE'), headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(newWebhookSecret()).verify(BODY, headers)).toThrow(WebhookVerificationError);
    // A fresh secret is one the library can read.
    const fresh = newWebhookSecret();
    expect(new Webhook(fresh).verify(BODY, signMerchantWebhook(fresh, 'msg-2', now, BODY))).toEqual(JSON.parse(BODY));

    const signature = library.sign('msg_3', new Date(now * 1000), BODY);
    const theirs = { 'webhook-id': 'msg_3', 'webhook-timestamp': String(now), 'webhook-signature': signature };
    expect(verifyMerchantWebhook(SECRET, theirs, BODY, { now })).toEqual({ ok: true, messageId: 'msg_3', timestamp: now });
  });

  it('verifies a genuine request within the tolerance, from Node-style lower-case headers', () => {
    const headers = signMerchantWebhook(SECRET, 'msg-1', 1_000, BODY);
    expect(verifyMerchantWebhook(SECRET, headers, Buffer.from(BODY), { now: 1_200, toleranceSeconds: 300 })).toEqual({ ok: true, messageId: 'msg-1', timestamp: 1_000 });
    // One valid entry among several (a rotation overlap) is enough.
    const both = { ...headers, 'webhook-signature': `v1,${'A'.repeat(43)}= ${headers['webhook-signature']}` };
    expect(verifyMerchantWebhook(SECRET, both, BODY, { now: 1_000 }).ok).toBe(true);
  });

  it('rejects a tampered body, a wrong secret, a forged id or timestamp, old or future timestamps and missing headers', () => {
    const headers = signMerchantWebhook(SECRET, 'msg-1', 1_000, BODY);
    expect(verifyMerchantWebhook(SECRET, headers, BODY.replace('milestone', 'milestonE'), { now: 1_000 })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyMerchantWebhook(newWebhookSecret(), headers, BODY, { now: 1_000 })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyMerchantWebhook(SECRET, { ...headers, 'webhook-id': 'msg-2' }, BODY, { now: 1_000 })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyMerchantWebhook(SECRET, { ...headers, 'webhook-timestamp': '1001' }, BODY, { now: 1_000 })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyMerchantWebhook(SECRET, headers, BODY, { now: 1_301, toleranceSeconds: 300 })).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyMerchantWebhook(SECRET, headers, BODY, { now: 699, toleranceSeconds: 300 })).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyMerchantWebhook(SECRET, { ...headers, 'webhook-timestamp': '1e3' }, BODY, { now: 1_000 })).toEqual({ ok: false, reason: 'bad_timestamp' });
    expect(verifyMerchantWebhook(SECRET, { 'webhook-id': 'msg-1' }, BODY, { now: 1_000 })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verifyMerchantWebhook(SECRET, { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') }, BODY, { now: 1_000 })).toEqual({ ok: false, reason: 'bad_signature' });
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
