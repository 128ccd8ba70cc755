import { rateLimitEnv } from '@parcelwatch/access';
import { parseEnv, serviceConfigSchema, type Env } from '@parcelwatch/config';
import { z } from 'zod';
import { DEFAULT_RETENTION_DAYS } from './proof-archive.js';

/** The archiver's whole configuration: the shared settings, proof retention and the access layer of its own port. */
export const archiverConfigSchema = serviceConfigSchema(
  { defaultPort: 3006 },
  {
    /** How long bundles stay write-once where the bucket has Object Lock. */
    PROOF_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(DEFAULT_RETENTION_DAYS),
    ...rateLimitEnv,
  },
);
export type ArchiverConfig = z.output<typeof archiverConfigSchema>;

export function loadArchiverConfig(env: Env = process.env): ArchiverConfig {
  return parseEnv(archiverConfigSchema, env);
}
