import { rateLimitEnv } from '@parcelwatch/access';
import { parseEnv, serviceConfigSchema, type Env } from '@parcelwatch/config';
import { secretKeyEnv, secretKeyRules } from '@parcelwatch/secrets';
import { z } from 'zod';
import { retentionEnv } from './housekeeping/retention.job.js';
import { webhookSecretEnv } from './webhooks/webhook-secrets.config.js';

/**
 * The api's whole configuration: the shared settings, the access layer (with the bootstrap admin
 * key that onboards merchants), carrier webhook secrets, retention of the messaging plumbing, the
 * key that seals carrier credentials, and how proof links are made: presigned to the bucket, or
 * (no S3) signed links to this api's /v1/blobs under PUBLIC_URL when the address clients use
 * differs from HOST:PORT.
 */
export const apiConfigSchema = serviceConfigSchema(
  { defaultPort: 3000 },
  {
    ...rateLimitEnv,
    ...webhookSecretEnv,
    ...retentionEnv,
    PUBLIC_URL: z.url().optional(),
    /** Where buyers reach their tracking pages (`<base>/t/<token>`): PUBLIC_URL when unset. */
    TRACKING_PAGE_BASE_URL: z.url().optional(),
    /** Signs the tracking page's contact form; every api instance serving the pages needs the same one. */
    /** Questions a minute one bot key may ask POST /v1/wismo (each order number at most 5). */
    WISMO_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
    TRACKING_FORM_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Where kept buyer mail copies (.eml) are: pruned by retention, deleted by a buyer's erasure. `parcelwatch start` sets it to its local mail sink's. */
    MAIL_COPY_DIR: z.string().trim().min(1).optional(),
    BLOB_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /**
     * The operator's key for merchant onboarding (POST /v1/merchants, which also issues the
     * merchant's first admin key). Unset: no request can create a merchant over HTTP
     * (`parcelwatch merchants create` still can, on the database).
     */
    PARCELWATCH_BOOTSTRAP_ADMIN_KEY: z.string().trim().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional(),
    ...secretKeyEnv,
  },
  ...secretKeyRules,
);
export type ApiConfig = z.output<typeof apiConfigSchema>;

export function loadApiConfig(env: Env = process.env): ApiConfig {
  return parseEnv(apiConfigSchema, env);
}
