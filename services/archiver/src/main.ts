import { rateLimitsOf, withAccessLayer } from '@parcelwatch/access';
import { openBlobStore } from '@parcelwatch/archive';
import { openServiceAdapters } from '@parcelwatch/bus';
import { countDeadLetters } from '@parcelwatch/db';
import { describeAdapters, selectAdapters } from '@parcelwatch/config';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, runService, systemClock } from '@parcelwatch/service-kit';
import { buildArchiver } from './app.js';
import { loadArchiverConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadArchiverConfig();
  const logger = createLogger({ name: 'archiver', level: config.LOG_LEVEL, pretty: config.NODE_ENV === 'development' });
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  const adapters = selectAdapters(config);
  logger.info({ adapters: describeAdapters(adapters) }, 'configuration loaded');
  // The proof.stored events this service writes to the outbox leave through the relay opened here.
  const { db, bus } = await openServiceAdapters(adapters, logger, lifecycle.register);
  const blobStore = await openBlobStore(adapters.blobStore, { logger: logger.child({ component: 'blob-store' }) });
  const { service, routes } = buildArchiver(config, { logger, clock: systemClock, onClose: lifecycle.register }, { db, bus, blobStore });
  // Appeal bundle routes on this service's own port, behind the access layer (API keys, route policy, rate limits, audit).
  const access = withAccessLayer({ db, clock: systemClock, logger, options: { enabled: true, rateLimits: rateLimitsOf(config) } }, (app) => routes?.(app));
  await runService(service, { logger, lifecycle, port: config.PORT, host: config.HOST, routes: access, deadLetters: () => countDeadLetters(db) });
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a ConfigError), so this goes straight to stderr.
  console.error(err);
  process.exit(1);
});
