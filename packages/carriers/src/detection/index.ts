export { detectCarrier, normalizeTrackingNumber, type DetectionCandidate } from './detect-carrier.js';
export { dhlExpressCheckDigit, fedex12CheckDigit, mod10Weight31, s10CheckDigit, upsCheckDigit } from './check-digits.js';
export { s10OperatorFor } from './s10-operators.js';
