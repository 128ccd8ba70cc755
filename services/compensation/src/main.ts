import { describeAdapters, parseEnv, selectAdapters, serviceSettingsSchema } from '@parcelwatch/config';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, runService, systemClock } from '@parcelwatch/service-kit';
import { createCompensationService } from './app.js';

const DEFAULT_PORT = 3005;

async function main(): Promise<void> {
  const settings = parseEnv(serviceSettingsSchema({ defaultPort: DEFAULT_PORT }));
  const logger = createLogger({ name: 'compensation', level: settings.LOG_LEVEL, pretty: settings.NODE_ENV === 'development' });
  const lifecycle = createLifecycle({ logger, timeoutMs: settings.SHUTDOWN_TIMEOUT_MS });
  logger.info({ adapters: describeAdapters(selectAdapters(settings)) }, 'configuration loaded');
  const service = createCompensationService({ logger, clock: systemClock });
  await runService(service, { logger, lifecycle, port: settings.PORT, host: settings.HOST });
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a ConfigError), so this goes straight to stderr.
  console.error(err);
  process.exit(1);
});
