import { describeAdapters, selectAdapters } from '@parcelwatch/config';
import { createDb } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, systemClock } from '@parcelwatch/service-kit';
import { buildApi } from './build.js';
import { loadApiConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadApiConfig();
  const logger = createLogger({ name: 'api', level: config.LOG_LEVEL, pretty: config.NODE_ENV === 'development' });
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  const adapters = selectAdapters(config);
  logger.info({ adapters: describeAdapters(adapters) }, 'configuration loaded');
  const db = await createDb(adapters.database);
  lifecycle.register('database', () => db.destroy());
  const { service, jobs = [] } = await buildApi(config, { logger, clock: systemClock, onClose: lifecycle.register }, { db });
  // The api serves /healthz, /readyz and /metrics on its own listener, so no separate health server.
  for (const part of [service, ...jobs]) {
    await part.start();
    lifecycle.register(part.name, () => part.stop());
  }
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a ConfigError), so this goes straight to stderr.
  console.error(err);
  process.exit(1);
});
