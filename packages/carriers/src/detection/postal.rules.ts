import { COUNTRY_CODES } from '@parcelwatch/contracts';
import { s10CheckDigit } from './check-digits.js';
import { candidate, unchecked, type DetectionCandidate, type DetectionRule } from './detection-candidate.js';
import { s10OperatorFor } from './s10-operators.js';

const COUNTRIES: ReadonlySet<string> = new Set(COUNTRY_CODES);

/** The service indicator's first letter names the China Post product: E = EMS, L = ePacket. */
function s10Note(service: string, suffix: string): string | undefined {
  if (suffix !== 'CN') return undefined;
  if (service.startsWith('E')) return 'EMS service indicator';
  if (service.startsWith('L')) return 'ePacket (letter post) service indicator';
  return undefined;
}

const upuS10: DetectionRule = (value) => {
  const match = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/.exec(value);
  if (!match) return [];
  const [, service = '', serial = '', check = '', suffix = ''] = match;
  const valid = String(s10CheckDigit(serial)) === check;
  if (suffix === 'YP') {
    // Yanwen's own S10-shaped numbers end in the pseudo-country YP; whether they follow the
    // S10 check digit is not documented, so the check is not trusted.
    return [unchecked('yanwen', 'yanwen-yp', value, 0.85)];
  }
  if (!COUNTRIES.has(suffix)) return [];
  return [candidate(s10OperatorFor(suffix, service), 'upu-s10', value, valid, { valid: 0.95, invalid: 0.35 }, s10Note(service, suffix))];
};

/** National parcel formats of the European last mile that are not S10. */
const europeanPosts: DetectionRule = (value) => {
  const found: DetectionCandidate[] = [];
  if (/^3S[A-Z]{4}\d{6,11}$/.test(value)) found.push(unchecked('postnl', 'postnl-3s', value, 0.85));
  if (/^\d[A-Z]\d{11}$/.test(value)) found.push(unchecked('la-poste-colissimo', 'colissimo-13', value, 0.6));
  return found;
};

export const postal: DetectionRule = (value) => [...upuS10(value), ...europeanPosts(value)];
