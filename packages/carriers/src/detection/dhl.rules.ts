import { dhlExpressCheckDigit, dhlPaketCheckDigit, lastDigitMatches } from './check-digits.js';
import { candidate, unchecked, type DetectionCandidate, type DetectionRule } from './detection-candidate.js';

const mod7 = (value: string) => lastDigitMatches(value, dhlExpressCheckDigit);

/** DHL piece ids: JJD / JVGL license plates, JD + 18 digits; any other J + 2-3 letters is a weak shape. */
function pieceIds(value: string): DetectionCandidate[] {
  if (/^(JJD|JVGL)\d{9,20}$/.test(value)) return [unchecked('dhl', 'dhl-piece-id', value, 0.85)];
  if (/^JD\d{18}$/.test(value)) return [unchecked('dhl', 'dhl-piece-id', value, 0.7)];
  if (/^J[A-Z]{2,3}\d{9,10}$/.test(value)) return [unchecked('dhl', 'dhl-piece-id', value, 0.4)];
  return [];
}

/** DHL eCommerce: GM + digits (Global Mail), other country prefixes, and 14-digit numbers. */
function eCommerce(value: string): DetectionCandidate[] {
  if (/^GM\d{10,39}$/.test(value)) return [unchecked('dhl-global-mail', 'dhl-ecommerce-gm', value, 0.85)];
  if (/^(LX|RX|UV|CN|SG|TH|IN|HK|MY)\d{10,39}$/.test(value)) return [unchecked('dhl-global-mail', 'dhl-ecommerce-prefixed', value, 0.45)];
  if (/^\d{14}$/.test(value)) return [unchecked('dhl-global-mail', 'dhl-ecommerce-14', value, 0.35)];
  return [];
}

export const dhl: DetectionRule = (value) => {
  if (/^\d{10}$/.test(value)) return [candidate('dhl', 'dhl-express-10', value, mod7(value), { valid: 0.75, invalid: 0.2 })];
  if (/^\d{11}$/.test(value)) return [candidate('dhl', 'dhl-express-11', value, mod7(value), { valid: 0.6, invalid: 0.15 })];
  if (/^\d{12}$/.test(value)) {
    // DHL Paket (Germany, the last mile of many CN->EU parcels) shares the 12-digit length
    // with FedEx Express; each reading is checked by its own digit.
    return [candidate('dhl-germany', 'dhl-paket-12', value, lastDigitMatches(value, dhlPaketCheckDigit), { valid: 0.55, invalid: 0.1 })];
  }
  return [...pieceIds(value), ...eCommerce(value)];
};
