import { z } from 'zod';

/** The detector's own environment, next to the shared service settings. */
export const detectorSettingsSchema = z.object({
  /** Per carrier / lane / merchant thresholds (YAML or JSON); none: the table's defaults. */
  DETECTOR_THRESHOLDS_FILE: z.string().min(1).optional(),
  DETECTOR_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  DETECTOR_SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** Batches a sweep runs at once, each on its own connection. */
  DETECTOR_SWEEP_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
});
export type DetectorSettings = z.output<typeof detectorSettingsSchema>;
