import { parseEnv, serviceConfigSchema, type Env } from '@parcelwatch/config';
import { DEFAULT_POLICY_PATH } from '@parcelwatch/policy';
import { z } from 'zod';

/**
 * The detector's whole configuration: the shared settings, its thresholds file, the compensation
 * policy (the one source of the delay tier; the same keys as compensation's) and the time sweep.
 */
export const detectorConfigSchema = serviceConfigSchema(
  { defaultPort: 3003 },
  {
    /** Per carrier / lane / merchant thresholds (YAML or JSON); none: the table's defaults. */
    DETECTOR_THRESHOLDS_FILE: z.string().min(1).optional(),
    COMPENSATION_POLICY_PATH: z.string().min(1).default(DEFAULT_POLICY_PATH),
    COMPENSATION_POLICY_WATCH_MS: z.coerce.number().int().min(100).default(2_000),
    DETECTOR_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
    DETECTOR_SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
    /** Batches a sweep runs at once, each on its own connection. */
    DETECTOR_SWEEP_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  },
);
export type DetectorConfig = z.output<typeof detectorConfigSchema>;

export function loadDetectorConfig(env: Env = process.env): DetectorConfig {
  return parseEnv(detectorConfigSchema, env);
}
