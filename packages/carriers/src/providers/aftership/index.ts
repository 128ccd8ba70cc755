export { mapAfterShip, mapAfterShipResponse, mapAfterShipWebhook } from './aftership.mapper.js';
export { AFTERSHIP_SUBTAGS, AFTERSHIP_TAGS } from './aftership.codes.js';
