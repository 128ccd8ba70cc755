import { describe, expect, it } from '@jest/globals';
import { MarketplaceLedger, type LedgerPayout } from './marketplace.ledger.js';

const payout = (n: number): LedgerPayout => ({
  kind: 'refund',
  orderId: `order-${n}`,
  amount: '1.25',
  currency: 'USD',
  type: 'REFUND',
  priority: null,
  addOns: [],
  idempotencyKey: `key-${n}`,
  reference: `ref-${n}`,
  appKey: 'app',
  shopCipher: 'shop',
  at: '2025-03-20T00:00:00.000Z',
});

describe('marketplace ledger', () => {
  it('keeps the newest entries within its limit and still counts and sums every payout', () => {
    const ledger = new MarketplaceLedger(3);
    for (let n = 1; n <= 5; n += 1) ledger.recordPayout(payout(n), { amountMinor: 125, currency: 'USD' });
    ledger.recordPayout({ ...payout(6), kind: 'coupon', amount: '5', currency: 'JPY' }, { amountMinor: 5, currency: 'JPY' });
    const report = ledger.report();
    expect(report.payouts.map((p) => p.reference)).toEqual(['ref-4', 'ref-5', 'ref-6']);
    expect(report.counts.payouts).toEqual({ total: 6, dropped: 3, byKind: { refund: 5, coupon: 1, reship: 0 } });
    expect(report.paid).toEqual({ refund: { USD: '6.25' }, coupon: { JPY: '5' }, reship: {} });
  });

  it('filters by order, hands out copies, and forgets everything on reset', () => {
    const ledger = new MarketplaceLedger();
    ledger.recordPayout(payout(1), { amountMinor: 125, currency: 'USD' });
    ledger.recordPayout(payout(2), { amountMinor: 125, currency: 'USD' });
    ledger.recordRequest({ at: 'now', method: 'POST', path: '/p', route: 'refund', orderId: 'order-2', idempotencyKey: 'key-2', outcome: 'applied', status: 200 });
    const only = ledger.report({ orderId: 'order-2' });
    expect(only.payouts.map((p) => p.orderId)).toEqual(['order-2']);
    expect(only.requests).toHaveLength(1);
    only.payouts[0]!.addOns.push('mutated');
    expect(ledger.report().payouts[1]!.addOns).toEqual([]);
    ledger.reset();
    expect(ledger.report().counts).toEqual({ payouts: { total: 0, dropped: 0, byKind: { refund: 0, coupon: 0, reship: 0 } }, messages: { total: 0, dropped: 0 }, requests: { total: 0, dropped: 0, byOutcome: {} } });
  });
});
