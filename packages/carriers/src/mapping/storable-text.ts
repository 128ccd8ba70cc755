import { storableText } from '@parcelwatch/contracts';
import type { MappedTracking, NormalizedCheckpoint } from './mapped-tracking.js';

/** Carrier text PostgreSQL can store (`storableText` in contracts): one scan with a NUL must not dead-letter the whole snapshot. The raw snapshot keeps the bytes. */
export { storableText };

const nullable = (value: string | null): string | null => (value === null ? null : storableText(value));

function storableCheckpoint(checkpoint: NormalizedCheckpoint): NormalizedCheckpoint {
  const { location } = checkpoint;
  return {
    ...checkpoint,
    location: {
      ...location,
      city: nullable(location.city),
      region: nullable(location.region),
      postalCode: nullable(location.postalCode),
      text: nullable(location.text),
    },
    rawCode: nullable(checkpoint.rawCode),
    rawText: storableText(checkpoint.rawText),
  };
}

/** Every free text of a mapped tracking made storable (see `storableText`). */
export function storableTracking(tracking: MappedTracking): MappedTracking {
  return {
    ...tracking,
    trackingNumber: storableText(tracking.trackingNumber),
    carrier: nullable(tracking.carrier),
    checkpoints: tracking.checkpoints.map(storableCheckpoint),
    unknownCodes: tracking.unknownCodes.map(storableText),
    providerError: tracking.providerError && { code: storableText(tracking.providerError.code), message: storableText(tracking.providerError.message) },
  };
}
