export { mapUps } from './ups.mapper.js';
export { UPS_ACTIVITY_TYPES, UPS_STATUS_CODES } from './ups.codes.js';
