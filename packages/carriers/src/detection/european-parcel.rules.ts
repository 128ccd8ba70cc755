import { unchecked, type DetectionRule } from './detection-candidate.js';

/**
 * DPD and GLS, the parcel networks of the European last mile. Their labels carry check
 * characters (DPD's ISO 7064 letter, GLS's mod 10), but the number people copy from a
 * marketplace is the bare 14 / 11 digits without them, so these are shape matches: low scores,
 * always listed beside the checked readings of the same length (DHL Express 11 digits).
 */
export const europeanParcel: DetectionRule = (value) => {
  if (/^\d{14}$/.test(value)) return [unchecked('dpd', 'dpd-14', value, 0.4)];
  if (/^\d{11}$/.test(value)) return [unchecked('gls', 'gls-11', value, 0.3)];
  return [];
};
