import { hashApiKey, rateLimitsOf } from '@parcelwatch/access';
import { selectAdapters } from '@parcelwatch/config';
import type { Database } from '@parcelwatch/db';
import type { ReadinessCheck, ServiceHost, ServiceUnit } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import { createApiService, type ApiService } from './app.js';
import { openApiProofStore } from './blobs/proof-store.js';
import type { ApiConfig } from './config.js';
import { createRetentionJob, retentionOf } from './housekeeping/retention.job.js';
import { mailCopiesIn } from './buyers/mail-copies.js';
import { createPerformanceRollupJob } from './reports/performance-rollup.job.js';
import { webhookSecretsOf } from './webhooks/webhook-secrets.config.js';
import { createCarrierAccountResealJob } from './carrier-accounts/carrier-account-reseal.job.js';
import { createTrackingLinkResealJob } from './tracking/tracking-link-reseal.job.js';
import { NO_SECRET_KEY_MESSAGE, secretBoxOf } from '@parcelwatch/secrets';

/**
 * The api as a deployment runs it, from its configuration: API keys required, the proof store for
 * links, the carrier webhook secrets, the secret box of carrier accounts, and its jobs (the carrier
 * performance rollup; resealing carrier accounts after a key rotation; retention of published
 * outbox rows, old dedupe ids and webhook receipts; with several api instances one runs a round at
 * a time). Its main.ts and `parcelwatch start` both call this; `checks` are further readiness
 * checks the composer adds (the one-process stack reports on every service).
 */
export async function buildApi(config: ApiConfig, host: ServiceHost, adapters: { db: Kysely<Database>; checks?: readonly ReadinessCheck[]; registry?: Registry }): Promise<ServiceUnit<ApiService>> {
  const webhookSecrets = webhookSecretsOf(config);
  const rateLimits = rateLimitsOf(config);
  const bootstrap = config.PARCELWATCH_BOOTSTRAP_ADMIN_KEY;
  // Whether onboarding is open, never the key.
  host.logger.info(
    { webhookProviders: Object.keys(webhookSecrets), rateLimits, merchantOnboarding: bootstrap !== undefined },
    'api: API keys required; carrier webhook intake for the providers with a secret; POST /v1/merchants with the bootstrap admin key when set',
  );
  const secrets = secretBoxOf(config);
  if (secrets === null) host.logger.warn(`carrier accounts cannot be stored: ${NO_SECRET_KEY_MESSAGE}`);
  else host.logger.info({ secretKeyId: secrets.keyId }, 'carrier accounts are sealed under the configured secret key');
  const mailCopies = config.MAIL_COPY_DIR === undefined ? null : mailCopiesIn(config.MAIL_COPY_DIR);
  const front: { service?: ApiService } = {};
  const proofs = await openApiProofStore(selectAdapters(config).blobStore, {
    publicUrl: () => config.PUBLIC_URL ?? (front.service as ApiService).url(),
    ...(config.BLOB_SIGNING_SECRET !== undefined ? { signingSecret: config.BLOB_SIGNING_SECRET } : {}),
  });
  const service = createApiService({
    logger: host.logger,
    clock: host.clock,
    db: adapters.db,
    webhookSecrets,
    untimedWebhookReceiptDays: retentionOf(config).untimedWebhookReceiptDays,
    host: config.HOST,
    port: config.PORT,
    access: { enabled: true, rateLimits, ...(bootstrap !== undefined ? { bootstrapKeyHash: hashApiKey(bootstrap) } : {}) },
    secrets,
    mailCopies,
    ...(config.TRACKING_PAGE_BASE_URL ?? config.PUBLIC_URL ? { trackingPageBaseUrl: (config.TRACKING_PAGE_BASE_URL ?? config.PUBLIC_URL) as string } : {}),
    wismoPerMinute: config.WISMO_REQUESTS_PER_MINUTE,
    ...(config.TRACKING_FORM_KEY !== undefined ? { trackingFormKey: config.TRACKING_FORM_KEY } : {}),
    ...(adapters.checks ? { checks: adapters.checks } : {}),
    ...(adapters.registry ? { registry: adapters.registry } : {}),
    ...proofs,
  });
  front.service = service;
  const jobs = [
    createPerformanceRollupJob({ db: adapters.db, logger: host.logger }),
    createRetentionJob({ db: adapters.db, logger: host.logger, clock: host.clock, policy: retentionOf(config), mailCopies }),
    ...(secrets === null
      ? []
      : [createCarrierAccountResealJob({ db: adapters.db, clock: host.clock, secrets, logger: host.logger }), createTrackingLinkResealJob({ db: adapters.db, secrets, logger: host.logger })]),
  ];
  return { service, jobs };
}
