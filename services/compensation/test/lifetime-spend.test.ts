import { describe, expect, it } from '@jest/globals';
import { lifetimeSpendInBase } from '../src/domain/lifetime-spend.js';
import { defaultPolicy } from './support.js';

describe('a buyer lifetime spend in the base currency', () => {
  const policy = defaultPolicy();

  it('is null without any amount', () => {
    expect(lifetimeSpendInBase(policy, [])).toEqual({ total: null, unconverted: [] });
  });

  it('converts each currency with the policy rates and sums: 460.00 EUR at 0.92 plus 40.00 USD is 540.00 USD', () => {
    const spend = lifetimeSpendInBase(policy, [
      { amountMinor: 46_000, currency: 'EUR' },
      { amountMinor: 4_000, currency: 'USD' },
    ]);
    expect(spend).toEqual({ total: { amountMinor: 54_000, currency: 'USD' }, unconverted: [] });
  });

  it('rounds once per currency (half-even): 0.01 GBP at 0.79 is 0.01 USD, 15,000 JPY at 150 is 100.00 USD', () => {
    expect(lifetimeSpendInBase(policy, [{ amountMinor: 1, currency: 'GBP' }, { amountMinor: 15_000, currency: 'JPY' }]).total).toEqual({ amountMinor: 10_001, currency: 'USD' });
  });

  it('leaves out, and names, a currency the rate table lacks', () => {
    expect(lifetimeSpendInBase(policy, [{ amountMinor: 100_000, currency: 'CHF' }, { amountMinor: 2_500, currency: 'USD' }])).toEqual({
      total: { amountMinor: 2_500, currency: 'USD' },
      unconverted: ['CHF'],
    });
  });
});
