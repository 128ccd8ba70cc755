import { addMoney, convertMoney, MoneyError, money, type CurrencyCode, type Money } from '@parcelwatch/contracts';
import type { CompensationPolicy } from '@parcelwatch/policy';

/**
 * A buyer's lifetime spend is kept per currency, exactly as paid (the api has no rates); the
 * green channel's threshold is in the policy's base currency. Each currency's amount is
 * converted with the policy's current rates (rounded once per currency) and summed. A currency
 * the rate table lacks is left out and named: a buyer is never made a VIP by a guessed rate.
 * Pure.
 */
export interface LifetimeSpendInBase {
  /** Null when the buyer has no known spend (no identity, or no amounts). */
  total: Money | null;
  /** Currencies without a rate, left out of the total. */
  unconverted: CurrencyCode[];
}

export function lifetimeSpendInBase(policy: Pick<CompensationPolicy, 'baseCurrency' | 'rates'>, amounts: readonly Money[]): LifetimeSpendInBase {
  if (amounts.length === 0) return { total: null, unconverted: [] };
  let total = money(0, policy.baseCurrency);
  const unconverted: CurrencyCode[] = [];
  for (const amount of amounts) {
    try {
      total = addMoney(total, convertMoney(amount, policy.baseCurrency, policy.rates));
    } catch (err) {
      if (!(err instanceof MoneyError) || err.code !== 'missing_rate') throw err;
      unconverted.push(amount.currency);
    }
  }
  return { total, unconverted };
}
