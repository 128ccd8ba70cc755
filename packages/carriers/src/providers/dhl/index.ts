export { mapDhl } from './dhl.mapper.js';
export { DHL_STATUS_CODES } from './dhl.codes.js';
