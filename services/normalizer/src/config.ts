import { parseEnv, serviceConfigSchema, type Env } from '@parcelwatch/config';
import type { z } from 'zod';

/** The normalizer's whole configuration: the shared settings (it has none of its own yet). */
export const normalizerConfigSchema = serviceConfigSchema({ defaultPort: 3002 }, {});
export type NormalizerConfig = z.output<typeof normalizerConfigSchema>;

export function loadNormalizerConfig(env: Env = process.env): NormalizerConfig {
  return parseEnv(normalizerConfigSchema, env);
}
