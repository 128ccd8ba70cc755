import { COUNTRY_CODES } from '@parcelwatch/contracts';
import {
  dhlExpressCheckDigit,
  fedex12CheckDigit,
  lastDigitMatches,
  mod10Weight31,
  s10CheckDigit,
  upsCheckDigit,
} from './check-digits.js';
import { s10OperatorFor } from './s10-operators.js';

/**
 * One reading of a tracking number. `confidence` is a rank score in 0..1, not a probability:
 * a format with a passing check digit scores high, a format match without any check
 * (the China cross-border prefixes) scores lower, a failed check digit lower still (a typo
 * is more likely than another carrier). `checkDigitValid` is null when the format defines no
 * check digit (or we do not know it).
 */
export type DetectionCandidate = {
  carrier: string;
  confidence: number;
  checkDigitValid: boolean | null;
  /** The number as the carrier's API wants it: upper case, no separators, routing prefix removed. */
  normalized: string;
  /** Which format matched, e.g. 'ups-1z', 'usps-impb', 'upu-s10'. */
  format: string;
};

const COUNTRIES: ReadonlySet<string> = new Set(COUNTRY_CODES);

/** Upper case, with spaces, dashes, dots and underscores (as people paste them) removed. */
export function normalizeTrackingNumber(input: string): string {
  return input.toUpperCase().replace(/[\s\-._]/g, '');
}

type Rule = (value: string) => DetectionCandidate[];

function candidate(
  carrier: string,
  format: string,
  normalized: string,
  checkDigitValid: boolean | null,
  confidence: { valid: number; invalid: number; unchecked?: number },
): DetectionCandidate {
  const score =
    checkDigitValid === null ? (confidence.unchecked ?? confidence.valid) : checkDigitValid ? confidence.valid : confidence.invalid;
  return { carrier, confidence: score, checkDigitValid, normalized, format };
}

const ups: Rule = (value) => {
  if (!/^1Z[A-Z0-9]{16}$/.test(value)) return [];
  const valid = String(upsCheckDigit(value.slice(2, 17))) === value.slice(17);
  return [candidate('ups', 'ups-1z', value, valid, { valid: 0.97, invalid: 0.4 })];
};

const upuS10: Rule = (value) => {
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

/** IMpb with an optional routing prefix: 420 + ZIP5 (8 digits) or 420 + ZIP9 (12 digits). */
function stripUspsRouting(value: string): string {
  const zip9 = /^420\d{9}(9\d{19,21})$/.exec(value);
  if (zip9?.[1] && value.length >= 32) return zip9[1];
  const zip5 = /^420\d{5}(9\d{19,21})$/.exec(value);
  if (zip5?.[1]) return zip5[1];
  return value;
}

const usps: Rule = (value) => {
  if (!/^\d+$/.test(value)) return [];
  const core = stripUspsRouting(value);
  if (!/^9\d{19,21}$/.test(core)) return [];
  const valid = lastDigitMatches(core, mod10Weight31);
  // IMpb channel application identifiers are 91-95; other 9x prefixes match the shape only.
  const impbPrefix = /^9[1-5]/.test(core);
  const scores = impbPrefix ? { valid: 0.9, invalid: 0.3 } : { valid: 0.45, invalid: 0.1 };
  const result = [candidate('usps', 'usps-impb', core, valid, scores)];
  // FedEx Ground Economy (ex SmartPost) parcels carry USPS IMpb numbers handed to USPS.
  if (impbPrefix && core.startsWith('92') && valid) {
    result.push(candidate('fedex', 'fedex-ground-economy', core, valid, { valid: 0.2, invalid: 0.05 }));
  }
  return result;
};

const fedex: Rule = (value) => {
  if (!/^\d+$/.test(value)) return [];
  if (value.length === 12) {
    return [candidate('fedex', 'fedex-express-12', value, lastDigitMatches(value, fedex12CheckDigit), { valid: 0.8, invalid: 0.25 })];
  }
  if (value.length === 15) {
    return [candidate('fedex', 'fedex-ground-15', value, lastDigitMatches(value, mod10Weight31), { valid: 0.8, invalid: 0.25 })];
  }
  if ((value.length === 20 || value.length === 22) && value.startsWith('96')) {
    // "96" barcodes (FedEx Ground/Home): the check scheme over the full barcode is not
    // documented in our references, so the format alone decides.
    return [candidate('fedex', `fedex-96-${value.length}`, value, null, { valid: 0.75, invalid: 0.75 })];
  }
  if (value.length === 22 && !value.startsWith('9')) {
    return [candidate('fedex', 'fedex-22', value, null, { valid: 0.3, invalid: 0.3 })];
  }
  return [];
};

const dhlExpress: Rule = (value) => {
  if (!/^\d{10}$/.test(value)) return [];
  const valid = lastDigitMatches(value, dhlExpressCheckDigit);
  return [candidate('dhl', 'dhl-express-10', value, valid, { valid: 0.75, invalid: 0.2 })];
};

/** China cross-border formats: prefixes only, no published check digit, hence lower scores. */
const chinaCrossBorder: Rule = (value) => {
  const found: DetectionCandidate[] = [];
  const heuristic = (carrier: string, format: string, score: number) =>
    found.push(candidate(carrier, format, value, null, { valid: score, invalid: score }));
  if (/^YT\d{16}$/.test(value)) heuristic('yunexpress', 'yunexpress-yt', 0.9);
  if (/^4PX\d{10,16}(CN)?$/.test(value)) heuristic('4px', '4px', 0.85);
  if (/^LP\d{14}$/.test(value)) heuristic('cainiao', 'cainiao-lp', 0.85);
  if (/^CN[A-Z]{2}[A-Z0-9]{10,20}$/.test(value) && /\d{8}/.test(value)) heuristic('cainiao', 'cainiao-cn', 0.6);
  if (/^JT\d{13}$/.test(value)) heuristic('jtexpress', 'jt-jt', 0.8);
  if (/^(YW|UG|UF|LW)\d{9}(CN|YP)?$/.test(value) && !/^[A-Z]{2}\d{9}CN$/.test(value)) heuristic('yanwen', 'yanwen', 0.5);
  return found;
};

const RULES: readonly Rule[] = [ups, upuS10, usps, fedex, dhlExpress, chinaCrossBorder];

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
