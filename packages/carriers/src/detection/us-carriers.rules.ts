import { fedex12CheckDigit, lastDigitMatches, mod10Weight31 } from './check-digits.js';
import { candidate, type DetectionCandidate, type DetectionRule } from './detection-candidate.js';

/** IMpb: application identifier 9x, 20 to 22 digits, or 26 with the long package id. */
const IMPB = /^(9\d{19,21}|9[1-5]\d{24})$/;

/** The number itself, and what is left after a 420 + ZIP5 or 420 + ZIP9 routing prefix. */
function impbReadings(value: string): string[] {
  const readings = [value];
  if (value.startsWith('420')) readings.push(value.slice(8), value.slice(12));
  return readings.filter((reading) => IMPB.test(reading));
}

const mod10 = (value: string) => lastDigitMatches(value, mod10Weight31);

export const usps: DetectionRule = (value) => {
  if (!/^\d+$/.test(value)) return [];
  const found: DetectionCandidate[] = [];
  // A 34-digit barcode can read as 420+ZIP9+22 or 420+ZIP5+26: keep the readings whose check passes.
  const readings = impbReadings(value).map((core) => ({ core, valid: mod10(core) }));
  const kept = readings.some((reading) => reading.valid) ? readings.filter((reading) => reading.valid) : readings;
  for (const { core, valid } of kept) {
    // IMpb channel application identifiers are 91-95; other 9x prefixes match the shape only.
    const impbPrefix = /^9[1-5]/.test(core);
    found.push(candidate('usps', 'usps-impb', core, valid, impbPrefix ? { valid: 0.9, invalid: 0.3 } : { valid: 0.45, invalid: 0.1 }));
    // FedEx Ground Economy (ex SmartPost) parcels carry USPS IMpb numbers handed to USPS.
    if (core.startsWith('92') && valid) found.push(candidate('fedex', 'fedex-ground-economy', core, true, { valid: 0.2, invalid: 0.05 }));
  }
  if (/^[0-8]\d{19}$/.test(value)) {
    // 20 digits without the 9x identifier: older USPS numbers (Certified Mail 71…), checked as
    // they are or, as IMpb without its identifier, with "91" in front. The same digits with
    // "92" in front are a FedEx SmartPost number: listed only when that check passes.
    const valid = mod10(value) || mod10(`91${value}`);
    found.push(candidate('usps', 'usps-20', value, valid, { valid: 0.6, invalid: 0.1 }));
    if (mod10(`92${value}`)) found.push(candidate('fedex', 'fedex-smartpost-20', value, true, { valid: 0.5, invalid: 0.05 }));
  }
  return found;
};

export const fedex: DetectionRule = (value) => {
  if (!/^\d+$/.test(value)) return [];
  if (value.length === 12) {
    return [candidate('fedex', 'fedex-express-12', value, lastDigitMatches(value, fedex12CheckDigit), { valid: 0.8, invalid: 0.25 })];
  }
  if (value.length === 15) return [candidate('fedex', 'fedex-ground-15', value, mod10(value), { valid: 0.8, invalid: 0.25 })];
  if (value.length === 22 && value.startsWith('96')) {
    // Ground "96" barcode: 96 + SCNC + service + the 15-digit Ground number, whose own mod 10
    // check digit ends the barcode.
    return [candidate('fedex', 'fedex-ground-96', value, mod10(value.slice(7)), { valid: 0.85, invalid: 0.3 })];
  }
  if (value.length === 20 && value.startsWith('96')) {
    // 20-digit "96" numbers: no check scheme in our references, so the format alone decides.
    return [candidate('fedex', 'fedex-96-20', value, null, { valid: 0.75, invalid: 0.75 })];
  }
  if (value.length === 22 && !value.startsWith('9')) return [candidate('fedex', 'fedex-22', value, null, { valid: 0.3, invalid: 0.3 })];
  return [];
};
