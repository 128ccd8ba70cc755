import { describe, expect, it } from '@jest/globals';
import {
  MoneyError,
  addMoney,
  compareMoney,
  convertMoney,
  currencyExponent,
  formatMoney,
  money,
  moneySchema,
  multiplyMoney,
  parseMoney,
  subtractMoney,
  toDecimalString,
} from '../src/index.js';
import type { RateTable } from '../src/index.js';

const usd = (minor: number) => money(minor, 'USD');

function moneyErrorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof MoneyError) return err.code;
    throw err;
  }
  return undefined;
}

describe('money schema', () => {
  it('takes integer minor units and ISO 4217 codes', () => {
    expect(moneySchema.safeParse({ amountMinor: 1234, currency: 'USD' }).success).toBe(true);
    expect(moneySchema.safeParse({ amountMinor: 12.5, currency: 'USD' }).success).toBe(false);
    expect(moneySchema.safeParse({ amountMinor: Number.MAX_SAFE_INTEGER + 1, currency: 'USD' }).success).toBe(false);
    expect(moneySchema.safeParse({ amountMinor: 1, currency: 'usd' }).success).toBe(false);
    expect(moneySchema.safeParse({ amountMinor: 1, currency: 'XAU' }).success).toBe(false);
  });

  it('knows the exponents', () => {
    expect([currencyExponent('JPY'), currencyExponent('USD'), currencyExponent('KWD'), currencyExponent('CLF')]).toEqual([0, 2, 3, 4]);
  });
});

describe('arithmetic', () => {
  it('adds, subtracts and compares in one currency', () => {
    expect(addMoney(usd(150), usd(275))).toEqual(usd(425));
    expect(subtractMoney(usd(150), usd(275))).toEqual(usd(-125));
    expect(compareMoney(usd(1), usd(2))).toBe(-1);
    expect(compareMoney(usd(2), usd(2))).toBe(0);
    expect(compareMoney(usd(3), usd(2))).toBe(1);
  });

  it('refuses to mix currencies', () => {
    const eur = money(100, 'EUR');
    expect(moneyErrorCode(() => addMoney(usd(100), eur))).toBe('currency_mismatch');
    expect(moneyErrorCode(() => subtractMoney(usd(100), eur))).toBe('currency_mismatch');
    expect(moneyErrorCode(() => compareMoney(usd(100), eur))).toBe('currency_mismatch');
  });

  it('refuses results outside the safe integer range and fractional amounts', () => {
    expect(moneyErrorCode(() => addMoney(usd(Number.MAX_SAFE_INTEGER), usd(1)))).toBe('overflow');
    expect(moneyErrorCode(() => money(1.5, 'USD'))).toBe('invalid_amount');
    expect(new MoneyError('overflow', 'x').retriable).toBe(false);
  });
});

describe('decimal text', () => {
  it.each([
    [money(1234, 'USD'), '12.34'],
    [money(5, 'USD'), '0.05'],
    [money(-5, 'USD'), '-0.05'],
    [money(500, 'JPY'), '500'],
    [money(12345, 'KWD'), '12.345'],
    [money(7, 'KWD'), '0.007'],
  ])('%j -> %s, and back', (m, text) => {
    expect(toDecimalString(m)).toBe(text);
    expect(parseMoney(text, m.currency)).toEqual(m);
  });

  it('refuses more decimals than the currency has', () => {
    expect(moneyErrorCode(() => parseMoney('1.5', 'JPY'))).toBe('invalid_amount');
    expect(moneyErrorCode(() => parseMoney('1.234', 'USD'))).toBe('invalid_amount');
    expect(moneyErrorCode(() => parseMoney('1,50', 'EUR'))).toBe('invalid_amount');
    expect(parseMoney('5', 'USD')).toEqual(usd(500));
  });

  it('formats with the ISO exponent', () => {
    expect(formatMoney(usd(123456))).toBe('$1,234.56');
    expect(formatMoney(money(500, 'JPY'))).toBe('¥500');
    expect(formatMoney(money(12345, 'KWD'))).toBe('KWD\u00a012.345'); // ICU puts a no-break space after a code
    expect(formatMoney(money(9_007_199_254_740_991, 'USD'))).toBe('$90,071,992,547,409.91');
  });
});

describe('multiply and convert', () => {
  it('takes a percentage with banker\'s rounding by default, half-up on request', () => {
    expect(multiplyMoney(usd(2999), '0.3')).toEqual(usd(900)); // 899.7
    expect(multiplyMoney(usd(25), '0.5')).toEqual(usd(12)); // 12.5 -> even
    expect(multiplyMoney(usd(35), '0.5')).toEqual(usd(18)); // 17.5 -> even
    expect(multiplyMoney(usd(25), '0.5', 'half-up')).toEqual(usd(13));
    expect(multiplyMoney(usd(-25), '0.5', 'half-up')).toEqual(usd(-13));
    expect(multiplyMoney(usd(-25), '0.5')).toEqual(usd(-12));
  });

  const rates: RateTable = { base: 'EUR', rates: { USD: '1.25', JPY: '160', KWD: '0.3333', GBP: 0.85 } };

  it('converts through the base currency into the target exponent', () => {
    expect(convertMoney(money(1000, 'EUR'), 'USD', rates)).toEqual(usd(1250));
    expect(convertMoney(usd(1250), 'EUR', rates)).toEqual(money(1000, 'EUR'));
    expect(convertMoney(usd(100), 'JPY', rates)).toEqual(money(128, 'JPY')); // 1 USD = 0.8 EUR = 128 JPY
    expect(convertMoney(usd(100), 'KWD', rates)).toEqual(money(267, 'KWD')); // 0.26664 -> 0.267
    expect(convertMoney(money(1000, 'EUR'), 'GBP', rates)).toEqual(money(850, 'GBP'));
  });

  it('rounds a tie to even, or away from zero with half-up', () => {
    // 1 EUR cent = 1.25 USD cents: a tie between 1 and 2 cents... 0.025 USD -> 2 (even) / 3 (half-up)
    expect(convertMoney(money(2, 'EUR'), 'USD', rates)).toEqual(usd(2)); // 2.5
    expect(convertMoney(money(2, 'EUR'), 'USD', rates, 'half-up')).toEqual(usd(3));
    expect(convertMoney(money(6, 'EUR'), 'USD', rates)).toEqual(usd(8)); // 7.5 -> 8
  });

  it('refuses a currency missing from the table, and returns same-currency input untouched', () => {
    expect(moneyErrorCode(() => convertMoney(usd(100), 'CNY', rates))).toBe('missing_rate');
    expect(convertMoney(usd(100), 'USD', rates)).toEqual(usd(100));
    expect(moneyErrorCode(() => convertMoney(usd(100), 'GBP', { base: 'EUR', rates: { USD: '0', GBP: '1' } }))).toBe(
      'invalid_amount',
    );
  });
});
