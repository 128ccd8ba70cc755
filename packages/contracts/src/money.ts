import { z } from 'zod';
import { CURRENCY_EXPONENTS } from './iso-codes.js';

/**
 * Money is an integer amount of the currency's minor unit (cents, yen, fils) with an ISO 4217
 * code. Arithmetic is exact: amounts are safe integers, conversions run in BigInt rationals
 * and round once, at the end.
 */
export type CurrencyCode = keyof typeof CURRENCY_EXPONENTS;
export const CURRENCY_CODES = Object.keys(CURRENCY_EXPONENTS) as [CurrencyCode, ...CurrencyCode[]];
export const currencyCodeSchema = z.enum(CURRENCY_CODES).meta({ id: 'CurrencyCode' });

export const moneySchema = z.object({
  /** z.int() is bounded to Number.MAX_SAFE_INTEGER, so every amount is exact. */
  amountMinor: z.int(),
  currency: currencyCodeSchema,
}).meta({ id: 'Money' });
export type Money = z.infer<typeof moneySchema>;
export const nonNegativeMoneySchema = moneySchema.extend({ amountMinor: z.int().min(0) }).meta({ id: 'NonNegativeMoney' });

export type MoneyErrorCode = 'currency_mismatch' | 'overflow' | 'invalid_amount' | 'missing_rate';

export class MoneyError extends Error {
  /** A programming or data error: retrying the same computation gives the same result. */
  readonly retriable = false;
  constructor(
    readonly code: MoneyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MoneyError';
  }
}

/**
 * - 'half-even' (banker's rounding): ties go to the even neighbour; no upward bias when many
 *   amounts are converted and summed (budgets, reports). The default.
 * - 'half-up': ties go away from zero (2.5 -> 3, -2.5 -> -3), the "commercial" rounding
 *   buyers expect on a single refund amount.
 */
export type Rounding = 'half-even' | 'half-up';

export function currencyExponent(currency: CurrencyCode): number {
  return CURRENCY_EXPONENTS[currency];
}

export function money(amountMinor: number, currency: CurrencyCode): Money {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new MoneyError('invalid_amount', `amountMinor must be a safe integer, got ${amountMinor}`);
  }
  return { amountMinor, currency };
}

function sameCurrency(a: Money, b: Money, operation: string): void {
  if (a.currency !== b.currency) {
    throw new MoneyError('currency_mismatch', `cannot ${operation} ${a.currency} and ${b.currency}; convert first`);
  }
}

function checked(amountMinor: number | bigint, currency: CurrencyCode): Money {
  const value = typeof amountMinor === 'bigint' ? amountMinor : BigInt(amountMinor);
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new MoneyError('overflow', `${currency} amount ${value} minor units exceeds the safe integer range`);
  }
  return { amountMinor: Number(value), currency };
}

export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b, 'add');
  return checked(a.amountMinor + b.amountMinor, a.currency);
}

export function subtractMoney(a: Money, b: Money): Money {
  sameCurrency(a, b, 'subtract');
  return checked(a.amountMinor - b.amountMinor, a.currency);
}

/** -1, 0 or 1, for sorting; throws on different currencies (there is no meaningful order). */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b, 'compare');
  return a.amountMinor < b.amountMinor ? -1 : a.amountMinor > b.amountMinor ? 1 : 0;
}

/** Exact decimal text of the amount in major units: KWD 12345 -> "12.345", JPY 500 -> "500". */
export function toDecimalString(m: Money): string {
  const exponent = currencyExponent(m.currency);
  const digits = Math.abs(m.amountMinor).toString().padStart(exponent + 1, '0');
  const sign = m.amountMinor < 0 ? '-' : '';
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * Parses a decimal amount in major units ("5", "12.50", "-0.125") into minor units; refuses
 * more fraction digits than the currency has rather than rounding silently.
 */
export function parseMoney(decimal: string, currency: CurrencyCode): Money {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(decimal.trim());
  if (!match) throw new MoneyError('invalid_amount', `"${decimal}" is not a decimal amount`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  const exponent = currencyExponent(currency);
  if (fraction.length > exponent) {
    throw new MoneyError('invalid_amount', `"${decimal}" has more than ${exponent} decimals for ${currency}`);
  }
  return checked(BigInt(`${sign}${whole}${fraction.padEnd(exponent, '0')}`), currency);
}

/**
 * Display text, e.g. "$12.50", "¥500", "KWD 12.345". The number of decimals is the ISO 4217
 * exponent (ICU sometimes shows fewer, e.g. cash digits); the exact decimal string is
 * formatted, never a float.
 */
export function formatMoney(m: Money, locale = 'en-US'): string {
  const exponent = currencyExponent(m.currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: m.currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(toDecimalString(m) as `${number}`);
}

/** A decimal (number or string) as an exact fraction numerator/denominator. */
function toRational(value: number | string): { num: bigint; den: bigint } {
  const text = typeof value === 'number' ? value.toString() : value.trim();
  const match = /^(-)?(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!match) throw new MoneyError('invalid_amount', `"${text}" is not a decimal number`);
  const [, sign = '', whole = '0', fraction = '', exp = '0'] = match;
  const scale = fraction.length - Number(exp);
  const digits = BigInt(`${sign}${whole}${fraction}`);
  return scale >= 0 ? { num: digits, den: 10n ** BigInt(scale) } : { num: digits * 10n ** BigInt(-scale), den: 1n };
}

/** num / den rounded to an integer; den > 0. */
function roundDivide(num: bigint, den: bigint, rounding: Rounding): bigint {
  const quotient = num / den;
  const remainder = num % den;
  if (remainder === 0n) return quotient;
  const awayFromZero = quotient + (num < 0n ? -1n : 1n);
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  if (twice > den) return awayFromZero;
  if (twice < den) return quotient;
  if (rounding === 'half-up') return awayFromZero;
  return quotient % 2n === 0n ? quotient : awayFromZero;
}

/** m × factor ("0.2" for 20 %), rounded to the minor unit. Pass factors as strings to stay exact. */
export function multiplyMoney(m: Money, factor: number | string, rounding: Rounding = 'half-even'): Money {
  const { num, den } = toRational(factor);
  return checked(roundDivide(BigInt(m.amountMinor) * num, den, rounding), m.currency);
}

/**
 * Exchange rates quoted against one base currency, like ECB reference rates: `rates[X]` is how
 * many units of X one unit of `base` buys. The base's own rate is 1 and may be omitted.
 * Give rates as decimal strings when they come from a file, so no float rounding creeps in.
 */
export interface RateTable {
  base: CurrencyCode;
  rates: Partial<Record<CurrencyCode, number | string>>;
}

function rateOf(table: RateTable, currency: CurrencyCode): { num: bigint; den: bigint } {
  const rate = table.rates[currency] ?? (currency === table.base ? '1' : undefined);
  if (rate === undefined) throw new MoneyError('missing_rate', `no ${table.base}/${currency} rate in the table`);
  const rational = toRational(rate);
  if (rational.num <= 0n) throw new MoneyError('invalid_amount', `${table.base}/${currency} rate must be positive`);
  return rational;
}

/** Converts through the table's base currency, rounding once to the target's minor unit. */
export function convertMoney(m: Money, to: CurrencyCode, table: RateTable, rounding: Rounding = 'half-even'): Money {
  if (m.currency === to) return m;
  const from = rateOf(table, m.currency);
  const target = rateOf(table, to);
  // minorTo = minorFrom / 10^eFrom / rateFrom * rateTo * 10^eTo
  const num = BigInt(m.amountMinor) * target.num * from.den * 10n ** BigInt(currencyExponent(to));
  const den = target.den * from.num * 10n ** BigInt(currencyExponent(m.currency));
  return checked(roundDivide(num, den, rounding), to);
}
