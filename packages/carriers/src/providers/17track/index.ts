export { map17Track, map17TrackTrackInfo, map17TrackWebhook } from './17track.mapper.js';
export { SEVENTEEN_TRACK_CARRIERS, SEVENTEEN_TRACK_MAIN_STATUSES, SEVENTEEN_TRACK_SUB_STATUSES } from './17track.codes.js';
