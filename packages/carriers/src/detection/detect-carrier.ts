import { COUNTRY_CODES } from '@parcelwatch/contracts';
import { dhlExpressCheckDigit, dhlPaketCheckDigit, lastDigitMatches, s10CheckDigit, upsCheckDigit } from './check-digits.js';
import { chinaCrossBorder } from './china-cross-border.rules.js';
import { candidate, type DetectionCandidate, type DetectionRule } from './detection-candidate.js';
import { s10OperatorFor } from './s10-operators.js';
import { fedex, usps } from './us-carriers.rules.js';

export type { DetectionCandidate } from './detection-candidate.js';

const COUNTRIES: ReadonlySet<string> = new Set(COUNTRY_CODES);

/** Upper case, with spaces, dashes, dots and underscores (as people paste them) removed. */
export function normalizeTrackingNumber(input: string): string {
  return input.toUpperCase().replace(/[\s\-._]/g, '');
}

const ups: DetectionRule = (value) => {
  if (!/^1Z[A-Z0-9]{16}$/.test(value)) return [];
  const valid = String(upsCheckDigit(value.slice(2, 17))) === value.slice(17);
  return [candidate('ups', 'ups-1z', value, valid, { valid: 0.97, invalid: 0.4 })];
};

const upuS10: DetectionRule = (value) => {
  const match = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/.exec(value);
  if (!match) return [];
  const [, , serial = '', check = '', suffix = ''] = match;
  const valid = String(s10CheckDigit(serial)) === check;
  if (suffix === 'YP') {
    // Yanwen's own S10-shaped numbers end in the pseudo-country YP; whether they follow the
    // S10 check digit is not documented, so the check is reported but not trusted.
    return [candidate('yanwen', 'yanwen-yp', value, null, { valid: 0.85, invalid: 0.85 })];
  }
  if (!COUNTRIES.has(suffix)) return [];
  return [candidate(s10OperatorFor(suffix), 'upu-s10', value, valid, { valid: 0.95, invalid: 0.35 })];
};

const dhl: DetectionRule = (value) => {
  if (/^\d{10}$/.test(value)) {
    return [candidate('dhl', 'dhl-express-10', value, lastDigitMatches(value, dhlExpressCheckDigit), { valid: 0.75, invalid: 0.2 })];
  }
  if (/^\d{12}$/.test(value)) {
    // DHL Paket (Germany, the last mile of many CN->EU parcels) shares the 12-digit length
    // with FedEx Express; each reading is checked by its own digit.
    return [candidate('dhl-germany', 'dhl-paket-12', value, lastDigitMatches(value, dhlPaketCheckDigit), { valid: 0.55, invalid: 0.1 })];
  }
  return [];
};

const RULES: readonly DetectionRule[] = [ups, upuS10, usps, fedex, dhl, chinaCrossBorder];

/**
 * Every carrier this number could belong to, best first. An empty list means no known format
 * matched; several entries mean the number is ambiguous and the caller must not pick blindly
 * (e.g. ask the aggregator's auto-detection, or the merchant).
 */
export function detectCarrier(input: string): DetectionCandidate[] {
  const value = normalizeTrackingNumber(input);
  if (!/^[A-Z0-9]{6,40}$/.test(value)) return [];
  const found = RULES.flatMap((rule) => rule(value));
  const best = new Map<string, DetectionCandidate>();
  for (const item of found) {
    const key = `${item.carrier}|${item.normalized}`;
    const previous = best.get(key);
    if (!previous || previous.confidence < item.confidence) best.set(key, item);
  }
  return [...best.values()].sort((a, b) => b.confidence - a.confidence || a.carrier.localeCompare(b.carrier));
}
