import { openServiceAdapters } from '@parcelwatch/bus';
import { describeAdapters, parseEnv, selectAdapters, serviceSettingsSchema } from '@parcelwatch/config';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, rateLimitsFromEnv, runService, systemClock, withAccessLayer } from '@parcelwatch/service-kit';
import { z } from 'zod';
import { createCompensationService } from './app.js';
import { createTikTokMarketplaceExecutor } from './execution/tiktok-marketplace.executor.js';
import { DEFAULT_POLICY_PATH, loadPolicyStore } from './policy/policy-store.js';

const DEFAULT_PORT = 3005;

/** Compensation's own settings. Without MARKETPLACE_BASE_URL nothing is paid: approved compensations wait. */
const compensationEnvSchema = z
  .object({
    COMPENSATION_POLICY_PATH: z.string().default(DEFAULT_POLICY_PATH),
    COMPENSATION_POLICY_WATCH_MS: z.coerce.number().int().min(100).default(2_000),
    COMPENSATION_EXECUTION_INTERVAL_MS: z.coerce.number().int().min(0).default(10_000),
    MARKETPLACE_BASE_URL: z.url().optional(),
    MARKETPLACE_APP_KEY: z.string().optional(),
    MARKETPLACE_APP_SECRET: z.string().optional(),
    MARKETPLACE_ACCESS_TOKEN: z.string().optional(),
    MARKETPLACE_SHOP_CIPHER: z.string().optional(),
  })
  .refine(
    (env) => env.MARKETPLACE_BASE_URL === undefined || (env.MARKETPLACE_APP_KEY && env.MARKETPLACE_APP_SECRET && env.MARKETPLACE_ACCESS_TOKEN && env.MARKETPLACE_SHOP_CIPHER),
    { message: 'MARKETPLACE_BASE_URL needs MARKETPLACE_APP_KEY, MARKETPLACE_APP_SECRET, MARKETPLACE_ACCESS_TOKEN and MARKETPLACE_SHOP_CIPHER', path: ['MARKETPLACE_BASE_URL'] },
  );

async function main(): Promise<void> {
  const settings = parseEnv(serviceSettingsSchema({ defaultPort: DEFAULT_PORT }));
  const env = parseEnv(compensationEnvSchema);
  const logger = createLogger({ name: 'compensation', level: settings.LOG_LEVEL, pretty: settings.NODE_ENV === 'development' });
  const lifecycle = createLifecycle({ logger, timeoutMs: settings.SHUTDOWN_TIMEOUT_MS });
  const adapters = selectAdapters(settings);
  logger.info({ adapters: describeAdapters(adapters) }, 'configuration loaded');

  // An invalid policy at start is fatal (every problem listed); later, an invalid edit is refused and the old one stays.
  const policy = await loadPolicyStore(env.COMPENSATION_POLICY_PATH, logger);
  policy.watch(env.COMPENSATION_POLICY_WATCH_MS);
  const onHangup = () => void policy.reload();
  process.on('SIGHUP', onHangup);
  lifecycle.register('policy watch', () => {
    process.off('SIGHUP', onHangup);
    policy.close();
  });

  // The events this service writes to the outbox leave through the relay opened here.
  const { db, bus } = await openServiceAdapters(adapters, logger, (name, close) => lifecycle.register(name, close));

  const shopCipher = env.MARKETPLACE_SHOP_CIPHER ?? '';
  const executor =
    env.MARKETPLACE_BASE_URL === undefined
      ? null
      : createTikTokMarketplaceExecutor({
          baseUrl: env.MARKETPLACE_BASE_URL,
          appKey: env.MARKETPLACE_APP_KEY ?? '',
          appSecret: env.MARKETPLACE_APP_SECRET ?? '',
          accessToken: env.MARKETPLACE_ACCESS_TOKEN ?? '',
          shopCipher: () => shopCipher,
          nowSeconds: () => systemClock.now().toSeconds(),
        });
  const service = createCompensationService({ logger, clock: systemClock, db, bus, policy, executor, executionIntervalMs: env.COMPENSATION_EXECUTION_INTERVAL_MS });
  // Admin routes on this service's own port, behind the api's access layer (API keys, route policy, rate limits, audit).
  const routes = withAccessLayer({ db, clock: systemClock, logger, options: { enabled: true, rateLimits: rateLimitsFromEnv(process.env) } }, (app) => service.registerRoutes(app));
  await runService(service, { logger, lifecycle, port: settings.PORT, host: settings.HOST, routes });
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a ConfigError), so this goes straight to stderr.
  console.error(err);
  process.exit(1);
});
