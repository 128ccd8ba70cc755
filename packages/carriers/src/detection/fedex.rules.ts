import { fedex12CheckDigit, lastDigitMatches } from './check-digits.js';
import { candidate, unchecked, type DetectionCandidate, type DetectionRule } from './detection-candidate.js';
import { mod10 } from './usps.rules.js';

/**
 * The 34-digit barcodes (Express 10..., Ground GSN 96...) end in a 13-digit serial and its
 * FedEx mod 11 check digit; the routing digits before carry no check. The serial with its
 * leading zero dropped is the 12-digit number FedEx's track API answers for.
 */
function barcode34(value: string): DetectionCandidate[] {
  const format = value.startsWith('10') ? 'fedex-express-34' : value.startsWith('96') ? 'fedex-ground-gsn' : null;
  if (!format) return [];
  const tail = value.slice(20);
  const valid = lastDigitMatches(tail, fedex12CheckDigit);
  const short = tail.startsWith('00');
  const normalized = short ? tail.slice(2) : value;
  return [candidate('fedex', format, normalized, valid, { valid: 0.85, invalid: 0.25 }, short ? 'tracking number is the last 12 digits' : undefined)];
}

export const fedex: DetectionRule = (value) => {
  if (!/^\d+$/.test(value)) return [];
  switch (value.length) {
    case 12:
      return [candidate('fedex', 'fedex-express-12', value, lastDigitMatches(value, fedex12CheckDigit), { valid: 0.8, invalid: 0.25 })];
    case 15:
      return [candidate('fedex', 'fedex-ground-15', value, mod10(value), { valid: 0.8, invalid: 0.25 })];
    case 20:
      // 20-digit "96" numbers: no check scheme in our references, so the format alone decides.
      return value.startsWith('96') ? [unchecked('fedex', 'fedex-96-20', value, 0.75)] : [];
    case 22:
      // Ground "96" barcode: 96 + SCNC + service + the 15-digit Ground number, whose own mod 10
      // check digit ends the barcode.
      if (value.startsWith('96')) return [candidate('fedex', 'fedex-ground-96', value, mod10(value.slice(7)), { valid: 0.85, invalid: 0.3 })];
      return value.startsWith('9') ? [] : [unchecked('fedex', 'fedex-22', value, 0.3)];
    case 32:
      // Published as a FedEx length (AfterShip lists it) without a check scheme we could verify.
      return [unchecked('fedex', 'fedex-32', value, 0.35)];
    case 34:
      return barcode34(value);
    default:
      return [];
  }
};
