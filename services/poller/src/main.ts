import { describeAdapters, selectAdapters } from '@parcelwatch/config';
import { countDeadLetters, createDb } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, createMetricsRegistry, runService, systemClock } from '@parcelwatch/service-kit';
import { buildPoller } from './app.js';
import { loadPollerConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadPollerConfig();
  const logger = createLogger({ name: 'poller', level: config.LOG_LEVEL, pretty: config.NODE_ENV === 'development' });
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  const adapters = selectAdapters(config);
  logger.info({ adapters: describeAdapters(adapters) }, 'configuration loaded');
  const db = await createDb(adapters.database);
  lifecycle.register('database', () => db.destroy());
  const registry = createMetricsRegistry({ service: 'poller' });
  const { service } = buildPoller(config, { logger, clock: systemClock, onClose: lifecycle.register }, { db, registry });
  await runService(service, { logger, lifecycle, port: config.PORT, host: config.HOST, registry, deadLetters: () => countDeadLetters(db) });
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a ConfigError), so this goes straight to stderr.
  console.error(err);
  process.exit(1);
});
