import { openServiceAdapters } from '@parcelwatch/bus';
import { describeAdapters, parseEnv, selectAdapters, serviceSettingsSchema } from '@parcelwatch/config';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, runService, systemClock } from '@parcelwatch/service-kit';
import { createNormalizerService } from './app.js';

const DEFAULT_PORT = 3002;

async function main(): Promise<void> {
  const settings = parseEnv(serviceSettingsSchema({ defaultPort: DEFAULT_PORT }));
  const logger = createLogger({ name: 'normalizer', level: settings.LOG_LEVEL, pretty: settings.NODE_ENV === 'development' });
  const lifecycle = createLifecycle({ logger, timeoutMs: settings.SHUTDOWN_TIMEOUT_MS });
  const adapters = selectAdapters(settings);
  logger.info({ adapters: describeAdapters(adapters) }, 'configuration loaded');
  // The events this service writes to the outbox leave through the relay opened here.
  const { db, bus } = await openServiceAdapters(adapters, logger, (name, close) => lifecycle.register(name, close));
  const service = createNormalizerService({ logger, clock: systemClock, db, bus });
  await runService(service, { logger, lifecycle, port: settings.PORT, host: settings.HOST });
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a ConfigError), so this goes straight to stderr.
  console.error(err);
  process.exit(1);
});
