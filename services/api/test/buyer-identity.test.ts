import { describe, expect, it } from '@jest/globals';
import { buyerIdSchema } from '@parcelwatch/contracts';
import { buyerIdentityOf, deriveBuyerId, normalizeEmail } from '../src/shipments/buyer-identity.js';

const MERCHANT = '0190a3b4-0000-7000-8000-000000000001';
const OTHER_MERCHANT = '0190a3b4-0000-7000-8000-000000000002';
const KEY = 'c0ffee'.repeat(10);

describe('buyer email normalization', () => {
  it.each([
    ['jane.buyer@example.com', 'jane.buyer@example.com'],
    ['  Jane.Buyer@Example.COM ', 'jane.buyer@example.com'],
    // A sub-address (RFC 5233) reaches the same mailbox: one buyer, one history.
    ['jane.buyer+tiktok@example.com', 'jane.buyer@example.com'],
    ['Jane.Buyer+Shop+2@EXAMPLE.com', 'jane.buyer@example.com'],
    // Provider-specific rules are not applied: Gmail's dots are kept.
    ['janebuyer@gmail.com', 'janebuyer@gmail.com'],
    ['jane.buyer@gmail.com', 'jane.buyer@gmail.com'],
    // Nothing before the "+": nothing to cut to.
    ['+jane@example.com', '+jane@example.com'],
  ])('%j is %j', (typed, normalized) => {
    expect(normalizeEmail(typed)).toBe(normalized);
  });
});

describe('buyer identity', () => {
  it('comes from the email when there is one, else from an E.164 phone', () => {
    expect(buyerIdentityOf({ email: 'A@B.example', phone: '+15551234567' })).toEqual({ kind: 'email', normalized: 'a@b.example' });
    expect(buyerIdentityOf({ phone: '+15551234567' })).toEqual({ kind: 'phone', normalized: '+15551234567' });
  });

  it('is none without an email and with a phone lacking its country code, or with no buyer', () => {
    expect(buyerIdentityOf({ phone: '5551234567' })).toBeNull();
    expect(buyerIdentityOf({})).toBeNull();
    expect(buyerIdentityOf(undefined)).toBeNull();
  });

  it('gives one id per buyer and merchant, whatever the spelling, as a UUID events accept', () => {
    const id = deriveBuyerId(KEY, MERCHANT, buyerIdentityOf({ email: 'jane.buyer@example.com' })!);
    expect(deriveBuyerId(KEY, MERCHANT, buyerIdentityOf({ email: ' JANE.Buyer+x@example.com' })!)).toBe(id);
    expect(buyerIdSchema.safeParse(id).success).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives different ids to different buyers, to one buyer at two merchants, and under another key', () => {
    const jane = buyerIdentityOf({ email: 'jane.buyer@example.com' })!;
    const ids = new Set([
      deriveBuyerId(KEY, MERCHANT, jane),
      deriveBuyerId(KEY, MERCHANT, buyerIdentityOf({ email: 'john.buyer@example.com' })!),
      deriveBuyerId(KEY, OTHER_MERCHANT, jane),
      deriveBuyerId('another-key', MERCHANT, jane),
      // An email and a phone with the same text are different identities.
      deriveBuyerId(KEY, MERCHANT, { kind: 'phone', normalized: 'jane.buyer@example.com' }),
    ]);
    expect(ids.size).toBe(5);
  });
});
