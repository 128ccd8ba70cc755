import { storableText } from '@parcelwatch/contracts';
import type { MappedTracking, NormalizedCheckpoint } from './mapped-tracking.js';

/** Carrier text PostgreSQL can store (`storableText` in contracts): one scan with a NUL must not dead-letter the whole snapshot. The raw snapshot keeps the bytes. */
export { storableText };

const nullable = (value: string | null): string | null => (value === null ? null : storableText(value));

// Both spelled out, not spread: spreading plus overrides is V8's slow path, and this runs per scan.
function storableCheckpoint(checkpoint: NormalizedCheckpoint): NormalizedCheckpoint {
  const { location } = checkpoint;
  return {
    milestone: checkpoint.milestone,
    reason: checkpoint.reason,
    occurredAt: checkpoint.occurredAt,
    localTime: checkpoint.localTime,
    utcOffsetMinutes: checkpoint.utcOffsetMinutes,
    zoneUnknown: checkpoint.zoneUnknown,
    location: {
      city: nullable(location.city),
      region: nullable(location.region),
      postalCode: nullable(location.postalCode),
      countryCode: location.countryCode,
      text: nullable(location.text),
    },
    rawCode: nullable(checkpoint.rawCode),
    rawText: storableText(checkpoint.rawText),
  } as NormalizedCheckpoint;
}

/** Every free text of a mapped tracking made storable (see `storableText`). */
export function storableTracking(tracking: MappedTracking): MappedTracking {
  return {
    milestone: tracking.milestone,
    reason: tracking.reason,
    provider: tracking.provider,
    trackingNumber: storableText(tracking.trackingNumber),
    carrier: nullable(tracking.carrier),
    checkpoints: tracking.checkpoints.map(storableCheckpoint),
    notFound: tracking.notFound,
    unknownCodes: tracking.unknownCodes.map(storableText),
    providerError: tracking.providerError && { code: storableText(tracking.providerError.code), message: storableText(tracking.providerError.message) },
    estimatedDelivery: tracking.estimatedDelivery,
  } as MappedTracking;
}
