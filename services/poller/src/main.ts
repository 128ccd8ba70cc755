import { describeAdapters, parseEnv, selectAdapters, serviceSettingsSchema } from '@parcelwatch/config';
import { CarrierClientRegistry } from '@parcelwatch/carriers';
import { createDb } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, runService, systemClock } from '@parcelwatch/service-kit';
import { z } from 'zod';
import { createPollerService } from './app.js';
import { createSandboxPollerClients } from './poller.clients.js';

const DEFAULT_PORT = 3001;

async function main(): Promise<void> {
  const settings = parseEnv(serviceSettingsSchema({ defaultPort: DEFAULT_PORT }));
  // Until per-provider credentials are configured, the poller talks to the carrier sandbox.
  const carriers = parseEnv(z.object({ CARRIER_SANDBOX_URL: z.url().default('http://127.0.0.1:3101') }));
  const logger = createLogger({ name: 'poller', level: settings.LOG_LEVEL, pretty: settings.NODE_ENV === 'development' });
  const lifecycle = createLifecycle({ logger, timeoutMs: settings.SHUTDOWN_TIMEOUT_MS });
  const adapters = selectAdapters(settings);
  logger.info({ adapters: describeAdapters(adapters) }, 'configuration loaded');
  const db = await createDb(adapters.database);
  lifecycle.register('database', () => db.destroy());
  const clients = createSandboxPollerClients({ baseUrl: carriers.CARRIER_SANDBOX_URL, registry: new CarrierClientRegistry() });
  const service = createPollerService({ logger, clock: systemClock, db, clients });
  await runService(service, { logger, lifecycle, port: settings.PORT, host: settings.HOST });
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a ConfigError), so this goes straight to stderr.
  console.error(err);
  process.exit(1);
});
