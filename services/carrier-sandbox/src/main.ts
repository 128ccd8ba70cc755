import { describeAdapters, parseEnv, selectAdapters, serviceSettingsSchema } from '@parcelwatch/config';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, runService, systemClock } from '@parcelwatch/service-kit';
import { createCarrierSandboxService } from './app.js';
import { sandboxSettingsSchema } from './sandbox.settings.js';

const DEFAULT_PORT = 3100;

async function main(): Promise<void> {
  const settings = parseEnv(serviceSettingsSchema({ defaultPort: DEFAULT_PORT }));
  const sandbox = parseEnv(sandboxSettingsSchema);
  const logger = createLogger({ name: 'carrier-sandbox', level: settings.LOG_LEVEL, pretty: settings.NODE_ENV === 'development' });
  const lifecycle = createLifecycle({ logger, timeoutMs: settings.SHUTDOWN_TIMEOUT_MS });
  logger.info({ adapters: describeAdapters(selectAdapters(settings)) }, 'configuration loaded');
  const service = createCarrierSandboxService({
    logger,
    clock: systemClock,
    options: {
      seed: sandbox.SANDBOX_SEED,
      host: settings.HOST,
      port: sandbox.SANDBOX_API_PORT,
      webhooks: {
        ...(sandbox.SANDBOX_17TRACK_WEBHOOK_URL ? { '17track': { url: sandbox.SANDBOX_17TRACK_WEBHOOK_URL } } : {}),
        ...(sandbox.SANDBOX_AFTERSHIP_WEBHOOK_URL
          ? { aftership: { url: sandbox.SANDBOX_AFTERSHIP_WEBHOOK_URL, secret: sandbox.SANDBOX_AFTERSHIP_WEBHOOK_SECRET } }
          : {}),
      },
      ...(sandbox.SANDBOX_WEBHOOK_INTERVAL_MS > 0 ? { webhookIntervalMs: sandbox.SANDBOX_WEBHOOK_INTERVAL_MS } : {}),
    },
  });
  if (sandbox.SANDBOX_SHIPMENTS > 0) service.journeys.createBatch({ count: sandbox.SANDBOX_SHIPMENTS, spreadDays: 20 });
  await runService(service, { logger, lifecycle, port: settings.PORT, host: settings.HOST });
  logger.info({ url: service.url }, 'carrier APIs listening');
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a ConfigError), so this goes straight to stderr.
  console.error(err);
  process.exit(1);
});
