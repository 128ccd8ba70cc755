export { mapFedex } from './fedex.mapper.js';
export { FEDEX_STATUS_CODES } from './fedex.codes.js';
