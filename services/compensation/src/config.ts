import { rateLimitEnv } from '@parcelwatch/access';
import { parseEnv, serviceConfigSchema, type Env } from '@parcelwatch/config';
import { marketplaceEnv, marketplaceRules } from '@parcelwatch/marketplace';
import { z } from 'zod';
import { DEFAULT_POLICY_PATH } from '@parcelwatch/policy';

/**
 * Compensation's whole configuration: the shared settings, the policy file, the execution loop,
 * the marketplace that pays (without its credentials nothing is paid: approved compensations
 * wait), and the access layer of its own port.
 */
export const compensationConfigSchema = serviceConfigSchema(
  { defaultPort: 3005 },
  {
    COMPENSATION_POLICY_PATH: z.string().min(1).default(DEFAULT_POLICY_PATH),
    COMPENSATION_POLICY_WATCH_MS: z.coerce.number().int().min(100).default(2_000),
    COMPENSATION_EXECUTION_INTERVAL_MS: z.coerce.number().int().min(0).default(10_000),
    ...marketplaceEnv,
    ...rateLimitEnv,
  },
  ...marketplaceRules,
);
export type CompensationConfig = z.output<typeof compensationConfigSchema>;

export function loadCompensationConfig(env: Env = process.env): CompensationConfig {
  return parseEnv(compensationConfigSchema, env);
}
