import { lastDigitMatches, mod10Weight31 } from './check-digits.js';
import { candidate, type DetectionCandidate, type DetectionRule } from './detection-candidate.js';

/** IMpb: application identifier 9x, 20 to 22 digits, or 26 with the long package id. */
const IMPB = /^(9\d{19,21}|9[1-5]\d{24})$/;

/**
 * The number itself, and what is left after a 420 + ZIP5 or 420 + ZIP9 routing prefix (the
 * 30- and 34-digit barcodes); the routing part carries no check, the tracking number does.
 */
function impbReadings(value: string): Array<{ core: string; note?: string }> {
  const readings: Array<{ core: string; note?: string }> = [{ core: value }];
  if (value.startsWith('420')) {
    readings.push({ core: value.slice(8), note: '420 + ZIP5 routing prefix removed' }, { core: value.slice(12), note: '420 + ZIP9 routing prefix removed' });
  }
  return readings.filter(({ core }) => IMPB.test(core));
}

const SMARTPOST_IMPB = /^92\d{2}29/;

export const mod10 = (value: string) => lastDigitMatches(value, mod10Weight31);

export const usps: DetectionRule = (value) => {
  if (!/^\d+$/.test(value)) return [];
  const found: DetectionCandidate[] = [];
  // A 34-digit barcode can read as 420+ZIP9+22 or 420+ZIP5+26: keep the readings whose check passes.
  const readings = impbReadings(value).map((reading) => ({ ...reading, valid: mod10(reading.core) }));
  const kept = readings.some((reading) => reading.valid) ? readings.filter((reading) => reading.valid) : readings;
  for (const { core, valid, note } of kept) {
    // IMpb channel application identifiers are 91-95; other 9x prefixes match the shape only.
    const impbPrefix = /^9[1-5]/.test(core);
    found.push(candidate('usps', 'usps-impb', core, valid, impbPrefix ? { valid: 0.9, invalid: 0.3 } : { valid: 0.45, invalid: 0.1 }, note));
    // FedEx Ground Economy (ex SmartPost) parcels carry USPS IMpb numbers handed to USPS: 92,
    // the SCNC, then FedEx's service type 29.
    if (SMARTPOST_IMPB.test(core) && valid) found.push(candidate('fedex', 'fedex-ground-economy', core, true, { valid: 0.5, invalid: 0.05 }, note));
  }
  if (/^[0-8]\d{19}$/.test(value)) {
    // 20 digits without the 9x identifier: older USPS numbers (Certified Mail 71…), checked as
    // they are or, as IMpb without its identifier, with "91" in front. Two schemes, two formats,
    // so each reading says which check it passed. The same digits with "92" in front are a
    // FedEx SmartPost number: listed only when that check passes.
    const plain = mod10(value);
    const with91 = mod10(`91${value}`);
    if (plain || !with91) found.push(candidate('usps', 'usps-20', value, plain, { valid: 0.6, invalid: 0.1 }));
    if (with91) found.push(candidate('usps', 'usps-20-91', value, true, { valid: 0.6, invalid: 0.1 }));
    if (/^\d{2}29/.test(value) && mod10(`92${value}`)) found.push(candidate('fedex', 'fedex-smartpost-20', value, true, { valid: 0.5, invalid: 0.05 }));
  }
  return found;
};
