import { rateLimitsOf, withAccessLayer } from '@parcelwatch/access';
import { openServiceAdapters } from '@parcelwatch/bus';
import { countDeadLetters } from '@parcelwatch/db';
import { describeAdapters, selectAdapters } from '@parcelwatch/config';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, createMetricsRegistry, runService, systemClock } from '@parcelwatch/service-kit';
import { buildNotifier } from './app.js';
import { loadNotifierConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadNotifierConfig();
  const logger = createLogger({ name: 'notifier', level: config.LOG_LEVEL, pretty: config.NODE_ENV === 'development' });
  const lifecycle = createLifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  const adapters = selectAdapters(config);
  logger.info({ adapters: describeAdapters(adapters) }, 'configuration loaded');
  // The notifications this service writes to the outbox leave through the relay opened here.
  const { db, bus } = await openServiceAdapters(adapters, logger, lifecycle.register);
  const registry = createMetricsRegistry({ service: 'notifier' });
  const { service, routes, jobs = [] } = buildNotifier(config, { logger, clock: systemClock, onClose: lifecycle.register }, { db, bus, registry });
  // Webhook admin routes on this service's own port, behind the access layer (API keys, route policy, rate limits, audit).
  const access = withAccessLayer({ db, clock: systemClock, logger, options: { enabled: true, rateLimits: rateLimitsOf(config) } }, (app) => routes?.(app));
  await runService(service, { logger, lifecycle, port: config.PORT, host: config.HOST, routes: access, registry, deadLetters: () => countDeadLetters(db) });
  // Started after the service, stopped before it (registered later, closed earlier).
  for (const job of jobs) {
    await job.start();
    lifecycle.register(job.name, () => job.stop());
  }
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a ConfigError), so this goes straight to stderr.
  console.error(err);
  process.exit(1);
});
