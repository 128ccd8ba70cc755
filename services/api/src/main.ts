import { describeAdapters, parseEnv, selectAdapters, serviceSettingsSchema } from '@parcelwatch/config';
import { createDb } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, systemClock } from '@parcelwatch/service-kit';
import { z } from 'zod';
import { createApiService, type ApiService } from './app.js';
import { openApiProofStore } from './blobs/proof-store.js';
import { createPerformanceRollupJob } from './reports/performance-rollup.job.js';
import { createRetentionJob, retentionFromEnv } from './housekeeping/retention.job.js';
import { webhookSecretsFromEnv } from './webhooks/webhook-secrets.config.js';
import { rateLimitsFromEnv } from './access/rate-limiter.js';

const DEFAULT_PORT = 3000;

async function main(): Promise<void> {
  const settings = parseEnv(serviceSettingsSchema({ defaultPort: DEFAULT_PORT }));
  const logger = createLogger({ name: 'api', level: settings.LOG_LEVEL, pretty: settings.NODE_ENV === 'development' });
  const lifecycle = createLifecycle({ logger, timeoutMs: settings.SHUTDOWN_TIMEOUT_MS });
  const adapters = selectAdapters(settings);
  logger.info({ adapters: describeAdapters(adapters) }, 'configuration loaded');
  const db = await createDb(adapters.database);
  lifecycle.register('database', () => db.destroy());
  const webhookSecrets = webhookSecretsFromEnv(process.env);
  logger.info({ webhookProviders: Object.keys(webhookSecrets) }, 'webhook intake configured');
  // The api serves /healthz, /readyz and /metrics on its own listener, so no separate health server.
  const rateLimits = rateLimitsFromEnv(process.env);
  logger.info({ rateLimits }, 'access control: API keys required, rate limits per key or client address');
  // Proof links in the shipment detail: presigned to the bucket, or (no S3) signed links to this
  // api's /v1/blobs, under PUBLIC_URL when the address clients use differs from HOST:PORT.
  const links = parseEnv(z.object({ PUBLIC_URL: z.url().optional(), BLOB_SIGNING_SECRET: z.string().min(32).optional() }));
  const front: { service?: ApiService } = {};
  const proofs = await openApiProofStore(adapters.blobStore, {
    publicUrl: () => links.PUBLIC_URL ?? (front.service as ApiService).url(),
    ...(links.BLOB_SIGNING_SECRET !== undefined ? { signingSecret: links.BLOB_SIGNING_SECRET } : {}),
  });
  const service = createApiService({
    logger,
    clock: systemClock,
    db,
    webhookSecrets,
    host: settings.HOST,
    port: settings.PORT,
    access: { enabled: true, rateLimits },
    ...proofs,
  });
  front.service = service;
  await service.start();
  lifecycle.register(service.name, () => service.stop());
  // Keeps the carrier performance rollup current; with several api instances one runs a round at a time.
  const rollup = createPerformanceRollupJob({ db, logger });
  await rollup.start();
  lifecycle.register(rollup.name, () => rollup.stop());
  // Prunes published outbox rows, old dedupe ids and webhook receipts hourly; one instance at a time.
  const retention = createRetentionJob({ db, logger, clock: systemClock, policy: retentionFromEnv(process.env) });
  await retention.start();
  lifecycle.register(retention.name, () => retention.stop());
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a ConfigError), so this goes straight to stderr.
  console.error(err);
  process.exit(1);
});
