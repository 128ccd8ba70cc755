import type { MappedTracking, NormalizedCheckpoint } from './mapped-tracking.js';

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text PostgreSQL can store: it refuses NUL in text and jsonb (22021, 22P05), and an unpaired
 * UTF-16 surrogate fails jsonb (22P02) and turns into U+FFFD in text. Carriers do send both
 * (truncated multi-byte wording, C strings); one such scan must not dead-letter the whole
 * snapshot, so NUL is dropped and a lone surrogate becomes U+FFFD. The raw snapshot keeps the bytes.
 */
export function storableText(value: string): string {
  return value.replaceAll('\u0000', '').replace(UNPAIRED_SURROGATE, '\uFFFD');
}

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
