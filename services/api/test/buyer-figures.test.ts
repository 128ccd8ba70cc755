import { describe, expect, it } from '@jest/globals';
import type { BuyerTotals, CountedOrder } from '@parcelwatch/db';
import { figuresAfterEachOrder, type CreatedOrderRef } from '../src/shipments/buyer-figures.js';

const M = '0190a3b4-0000-7000-8000-000000000001';
const JANE = '5c1f0e2a-77d4-8a31-9b0e-4d2c6f1a8e03';
const JOHN = '5c1f0e2a-77d4-8a31-9b0e-4d2c6f1a8e04';
const ref = (buyerId: string, orderId: string): CreatedOrderRef => ({ buyerId, merchantId: M, orderId });
const counted = (buyerId: string, orderId: string, amountMinor: number | null, currency = 'USD', newOrder = true): CountedOrder => ({
  buyerId,
  merchantId: M,
  orderId,
  newOrder,
  added: amountMinor === null ? null : { amountMinor, currency },
});

describe('the buyer figures each registration event reports', () => {
  it('grows order by order within a batch, in input order, from the totals after the batch', () => {
    // Jane had 100.00 USD and 2 orders before; this batch adds 50.00, 70.00 and a parcel of the 50.00 order.
    const totals = new Map<string, BuyerTotals>([[JANE, { buyerId: JANE, orderCount: 4, spend: [{ amountMinor: 22_000, currency: 'USD' }] }]]);
    const figures = figuresAfterEachOrder(
      [ref(JANE, 'A'), ref(JANE, 'B'), ref(JANE, 'A')],
      [counted(JANE, 'A', 5_000), counted(JANE, 'B', 7_000)],
      totals,
    );
    expect(figures.map((f) => [f.orderCount, f.lifetimeSpend?.amountMinor])).toEqual([
      [3, 15_000],
      [4, 22_000],
      // The second parcel of order A adds nothing.
      [4, 22_000],
    ]);
  });

  it('keeps buyers apart, and reports several currencies only in the per-currency list', () => {
    const totals = new Map<string, BuyerTotals>([
      [JANE, { buyerId: JANE, orderCount: 2, spend: [{ amountMinor: 4_600, currency: 'EUR' }, { amountMinor: 5_000, currency: 'USD' }] }],
      [JOHN, { buyerId: JOHN, orderCount: 1, spend: [{ amountMinor: 1_000, currency: 'USD' }] }],
    ]);
    const [first, john, second] = figuresAfterEachOrder(
      [ref(JANE, 'A'), ref(JOHN, 'C'), ref(JANE, 'B')],
      [counted(JANE, 'A', 5_000), counted(JOHN, 'C', 1_000), counted(JANE, 'B', 4_600, 'EUR')],
      totals,
    );
    expect(first).toEqual({ lifetimeSpend: { amountMinor: 5_000, currency: 'USD' }, lifetimeSpendByCurrency: [{ amountMinor: 5_000, currency: 'USD' }], orderCount: 1 });
    expect(john).toEqual({ lifetimeSpend: { amountMinor: 1_000, currency: 'USD' }, lifetimeSpendByCurrency: [{ amountMinor: 1_000, currency: 'USD' }], orderCount: 1 });
    expect(second).toEqual({
      lifetimeSpend: null,
      lifetimeSpendByCurrency: [
        { amountMinor: 4_600, currency: 'EUR' },
        { amountMinor: 5_000, currency: 'USD' },
      ],
      orderCount: 2,
    });
  });

  it('has no amount for a buyer whose orders carried no value', () => {
    const totals = new Map<string, BuyerTotals>([[JANE, { buyerId: JANE, orderCount: 1, spend: [] }]]);
    expect(figuresAfterEachOrder([ref(JANE, 'A')], [counted(JANE, 'A', null)], totals)).toEqual([{ lifetimeSpend: null, lifetimeSpendByCurrency: [], orderCount: 1 }]);
  });
});
