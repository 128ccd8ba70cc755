import { openBlobStore } from '@parcelwatch/archive';
import { openServiceAdapters } from '@parcelwatch/bus';
import { describeAdapters, parseEnv, selectAdapters, serviceSettingsSchema } from '@parcelwatch/config';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, rateLimitsFromEnv, runService, systemClock, withAccessLayer } from '@parcelwatch/service-kit';
import { z } from 'zod';
import { createArchiverService } from './app.js';
import { DEFAULT_RETENTION_DAYS } from './proof-archive.js';

const DEFAULT_PORT = 3006;

/** Archiver's own settings: how long bundles stay write-once where the bucket has Object Lock. */
const archiverEnvSchema = z.object({
  PROOF_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(DEFAULT_RETENTION_DAYS),
});

async function main(): Promise<void> {
  const settings = parseEnv(serviceSettingsSchema({ defaultPort: DEFAULT_PORT }));
  const env = parseEnv(archiverEnvSchema);
  const logger = createLogger({ name: 'archiver', level: settings.LOG_LEVEL, pretty: settings.NODE_ENV === 'development' });
  const lifecycle = createLifecycle({ logger, timeoutMs: settings.SHUTDOWN_TIMEOUT_MS });
  const adapters = selectAdapters(settings);
  logger.info({ adapters: describeAdapters(adapters) }, 'configuration loaded');
  // The proof.stored events this service writes to the outbox leave through the relay opened here.
  const { db, bus } = await openServiceAdapters(adapters, logger, (name, close) => lifecycle.register(name, close));
  const blobStore = await openBlobStore(adapters.blobStore, { logger: logger.child({ component: 'blob-store' }) });
  const service = createArchiverService({ logger, clock: systemClock, db, bus, blobStore, retentionDays: env.PROOF_RETENTION_DAYS });
  // Admin routes on this service's own port, behind the api's access layer (API keys, route policy, rate limits, audit).
  const routes = withAccessLayer({ db, clock: systemClock, logger, options: { enabled: true, rateLimits: rateLimitsFromEnv(process.env) } }, (app) => service.registerRoutes(app));
  await runService(service, { logger, lifecycle, port: settings.PORT, host: settings.HOST, routes });
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a ConfigError), so this goes straight to stderr.
  console.error(err);
  process.exit(1);
});
