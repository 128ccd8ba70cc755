import { lastDigitMatches, mod10Weight31 } from './check-digits.js';
import { candidate, type DetectionRule } from './detection-candidate.js';

/** GS1 company prefix of Deutsche Post DHL: its parcels' SSCCs start 3 40434 (printed as 00340434...). */
const DHL_SSCC = /^340434/;

/**
 * SSCC-18 container codes, bare or behind the GS1 application identifier 00 (20 digits).
 * FedEx Ground takes SSCCs whose extension digit says carton or pallet (00, 01, 02, 04: the
 * tracking_number_data lookup); DHL Paket labels parcels with its own company prefix.
 */
export const sscc: DetectionRule = (value) => {
  const code = /^\d{18}$/.test(value) ? value : /^00\d{18}$/.test(value) ? value.slice(2) : null;
  if (!code) return [];
  const valid = lastDigitMatches(code, mod10Weight31);
  const note = code === value ? undefined : 'application identifier 00 removed';
  if (DHL_SSCC.test(code)) return [candidate('dhl-germany', 'sscc-18', value, valid, { valid: 0.8, invalid: 0.2 }, 'Deutsche Post DHL company prefix')];
  if (/^0[0124]/.test(code)) return [candidate('fedex', 'sscc-18', code, valid, { valid: 0.6, invalid: 0.15 }, note)];
  return [];
};
