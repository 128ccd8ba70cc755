import { upsCheckDigit, upsWaybillCheckDigit } from './check-digits.js';
import { candidate, type DetectionRule } from './detection-candidate.js';

/** UPS: 1Z numbers and the waybills of a service letter and 10 digits (K..., J..., V...). */
export const ups: DetectionRule = (value) => {
  if (/^1Z[A-Z0-9]{16}$/.test(value)) {
    const valid = String(upsCheckDigit(value.slice(2, 17))) === value.slice(17);
    return [candidate('ups', 'ups-1z', value, valid, { valid: 0.97, invalid: 0.4 })];
  }
  if (/^[AHJKTV]\d{10}$/.test(value)) {
    const valid = String(upsWaybillCheckDigit(value.slice(1, 10))) === value.slice(10);
    return [candidate('ups', 'ups-waybill', value, valid, { valid: 0.8, invalid: 0.2 })];
  }
  return [];
};
