import { rateLimitEnv } from '@parcelwatch/access';
import { parseEnv, serviceConfigSchema, type Env } from '@parcelwatch/config';
import { marketplaceEnv, marketplaceRules } from '@parcelwatch/marketplace';
import { outboundAllowEnv } from '@parcelwatch/outbound';
import { secretKeyEnv, secretKeyRules } from '@parcelwatch/secrets';
import { z } from 'zod';

type SmsInput = { SMS_API_URL?: unknown; SMS_ACCOUNT_SID?: unknown; SMS_AUTH_TOKEN?: unknown; SMS_FROM?: unknown };

/** SMS needs all of its settings once its URL is set; each missing one is reported. */
const smsRules = (['SMS_ACCOUNT_SID', 'SMS_AUTH_TOKEN', 'SMS_FROM'] as const).map((key) =>
  z.refine<SmsInput>((env) => env.SMS_API_URL === undefined || env[key] !== undefined, { path: [key], message: 'is required when SMS_API_URL is set', when: () => true }),
);

/**
 * The notifier's whole configuration: the shared settings, the dispatch loop, each buyer channel
 * (on when its settings are given: SMTP_URL for email, SMS_API_URL and its account for SMS, the
 * marketplace's credentials for marketplace messages) and the access layer of its own port.
 */
export const notifierConfigSchema = serviceConfigSchema(
  { defaultPort: 3004 },
  {
    NOTIFIER_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(0).default(5_000),
    NOTIFIER_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(8),
    /** How long a claimed message may wait in its batch before another notifier instance may take it. */
    NOTIFIER_DISPATCH_LEASE_MS: z.coerce.number().int().min(500).default(120_000),
    /** Messages one dispatch round claims; a full round is followed by the next at once. */
    NOTIFIER_DISPATCH_BATCH: z.coerce.number().int().min(1).max(1_000).default(100),
    /** Sends in flight at once per notifier (and pooled SMTP connections): a provider's round trips overlap. */
    NOTIFIER_SEND_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
    SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be smtp:// or smtps://').optional(),
    SMTP_FROM: z.email().default('notifications@parcelwatch.local'),
    SMS_API_URL: z.url().optional(),
    SMS_ACCOUNT_SID: z.string().trim().min(1).optional(),
    SMS_AUTH_TOKEN: z.string().trim().min(1).optional(),
    SMS_FROM: z.string().trim().min(1).optional(),
    /** Where buyers reach their tracking pages (the api's `/t/`): every buyer message carries the link. Unset: no link. */
    TRACKING_PAGE_BASE_URL: z.url().optional(),
    ...marketplaceEnv,
    ...rateLimitEnv,
    // Merchant webhooks reach public addresses only, but for these (on-premises receivers).
    ...outboundAllowEnv,
    // Seals merchant webhook signing secrets at rest.
    ...secretKeyEnv,
  },
  ...smsRules,
  ...marketplaceRules,
  ...secretKeyRules,
);
export type NotifierConfig = z.output<typeof notifierConfigSchema>;

export function loadNotifierConfig(env: Env = process.env): NotifierConfig {
  return parseEnv(notifierConfigSchema, env);
}
