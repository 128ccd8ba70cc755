export { detectCarrier, normalizeTrackingNumber, type DetectionCandidate } from './detect-carrier.js';
export {
  dhlExpressCheckDigit,
  dhlPaketCheckDigit,
  fedex12CheckDigit,
  mod10Weight31,
  s10CheckDigit,
  upsCheckDigit,
  upsWaybillCheckDigit,
} from './check-digits.js';
export { FORMATS, type FormatId } from './formats.js';
export { S10_OPERATORS, s10OperatorFor } from './s10-operators.js';
