import { openServiceAdapters } from '@parcelwatch/bus';
import { countDeadLetters } from '@parcelwatch/db';
import { describeAdapters, selectAdapters } from '@parcelwatch/config';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, runService, systemClock } from '@parcelwatch/service-kit';
import { buildNormalizer } from './app.js';
import { loadNormalizerConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadNormalizerConfig();
  const logger = createLogger({ name: 'normalizer', level: config.LOG_LEVEL, pretty: config.NODE_ENV === 'development' });
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  const adapters = selectAdapters(config);
  logger.info({ adapters: describeAdapters(adapters) }, 'configuration loaded');
  // The events this service writes to the outbox leave through the relay opened here.
  const { db, bus } = await openServiceAdapters(adapters, logger, lifecycle.register);
  const { service } = buildNormalizer(config, { logger, clock: systemClock, onClose: lifecycle.register }, { db, bus });
  await runService(service, { logger, lifecycle, port: config.PORT, host: config.HOST, deadLetters: () => countDeadLetters(db) });
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a ConfigError), so this goes straight to stderr.
  console.error(err);
  process.exit(1);
});
