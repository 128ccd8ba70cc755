import { carrierEnv, carrierRules } from '@parcelwatch/carriers';
import { envInt, parseEnv, serviceConfigSchema, type Env } from '@parcelwatch/config';
import { marketplaceEnv, marketplaceRules } from '@parcelwatch/marketplace';
import { secretKeyEnv, secretKeyRules } from '@parcelwatch/secrets';
import { z } from 'zod';
import type { CadencePolicy } from './domain/cadence.js';

const HOUR = 3_600_000;

/** `POLLER_CADENCE_HOURS` names: the cadence fields a deployment (or the demo) may set, in hours. */
const CADENCE_KEYS = {
  lastMile: 'lastMileMs',
  customs: 'customsMs',
  inTransit: 'inTransitMs',
  lineHaul: 'lineHaulMs',
  notFoundMin: 'notFoundMinMs',
  notFoundMax: 'notFoundMaxMs',
  terminal: 'terminalMs',
  terminalGrace: 'terminalGraceMs',
} as const satisfies Record<string, keyof CadencePolicy>;

/** `lastMile=3,customs=6,...` (hours) -> the cadence fields it sets. */
const cadenceHoursSchema = z.string().transform((raw, ctx) => {
  const cadence: Partial<CadencePolicy> = {};
  for (const part of raw.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [name, value] = part.split('=').map((s) => s.trim());
    const field = CADENCE_KEYS[name as keyof typeof CADENCE_KEYS];
    const hours = Number(value);
    if (field === undefined || !Number.isFinite(hours) || hours <= 0) {
      ctx.addIssue({ code: 'custom', message: `entries must be <name>=<hours> with a name among ${Object.keys(CADENCE_KEYS).join(', ')}` });
      return z.NEVER;
    }
    cadence[field] = hours * HOUR;
  }
  return cadence;
});

/** The poller's whole configuration: shared settings, carrier accounts and URLs, the marketplace (TikTok Shop order tracking), pacing. */
export const pollerConfigSchema = serviceConfigSchema(
  { defaultPort: 3001 },
  {
    ...carrierEnv,
    ...marketplaceEnv,
    ...secretKeyEnv,
    /** Overrides every provider's documented per-key rate (a raised quota; the demo's local sandbox). */
    POLLER_REQUESTS_PER_SECOND: envInt({ min: 1, max: 1_000_000 }).optional(),
    /** Poll more or less often than the defaults (services/poller/src/domain/cadence.ts). */
    POLLER_CADENCE_HOURS: cadenceHoursSchema.optional(),
  },
  ...carrierRules,
  ...marketplaceRules,
  ...secretKeyRules,
);
export type PollerConfig = z.output<typeof pollerConfigSchema>;

export function loadPollerConfig(env: Env = process.env): PollerConfig {
  return parseEnv(pollerConfigSchema, env);
}
