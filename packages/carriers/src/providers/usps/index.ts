export { mapUsps } from './usps.mapper.js';
export { USPS_EVENT_CODES, USPS_STATUS_CATEGORIES } from './usps.codes.js';
