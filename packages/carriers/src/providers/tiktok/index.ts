export { mapTiktok } from './tiktok.mapper.js';
export { TIKTOK_EVENT_CODES } from './tiktok.codes.js';
