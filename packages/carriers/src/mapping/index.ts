export * from './mapped-tracking.js';
export { PayloadError } from './payload-error.js';
export { checkpointFingerprint, type FingerprintInput } from './checkpoint-fingerprint.js';
export { resolveCarrierTime, resolveLocalWithOffset, resolveEpochSeconds, singleZoneOf, parseUtcOffset, type CarrierTime } from './carrier-time.js';
export { statusFromKeywords } from './keyword-fallback.js';
export { placeZonelessScans } from './zone-inference.js';
export { makeLocation, toCountryCode } from './location.js';
export type { CodeTable } from './status-resolver.js';
export { isProvider, mapperFor, mapPayload } from './mapper-registry.js';
