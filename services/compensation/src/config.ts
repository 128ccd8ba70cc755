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
    // An execution left unfinished (the process died mid-call) is taken again, same key, after this.
    COMPENSATION_EXECUTION_LEASE_MS: z.coerce.number().int().min(1_000).default(5 * 60_000),
    // A payout the marketplace could not take is retried after 30 s, doubling up to 30 min, for 3 days.
    COMPENSATION_RETRY_BASE_MS: z.coerce.number().int().min(100).default(30_000),
    COMPENSATION_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(1_000).default(30 * 60_000),
    COMPENSATION_RETRY_HORIZON_HOURS: z.coerce.number().min(0.01).default(72),
    ...marketplaceEnv,
    ...rateLimitEnv,
  },
  ...marketplaceRules,
);
export type CompensationConfig = z.output<typeof compensationConfigSchema>;

export function loadCompensationConfig(env: Env = process.env): CompensationConfig {
  return parseEnv(compensationConfigSchema, env);
}
