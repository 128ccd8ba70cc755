import { openServiceAdapters } from '@parcelwatch/bus';
import { describeAdapters, parseEnv, selectAdapters, serviceSettingsSchema } from '@parcelwatch/config';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, rateLimitsFromEnv, runService, systemClock, withAccessLayer } from '@parcelwatch/service-kit';
import { z } from 'zod';
import { createNotifierService } from './app.js';
import type { ChannelSender } from './channels/channel-sender.js';
import { createEmailSender } from './channels/email.sender.js';
import { createMarketplaceMessageSender } from './channels/marketplace-message.sender.js';
import { createSmsSender } from './channels/sms.sender.js';
import { createMerchantWebhooks } from './webhooks/merchant-webhooks.js';

const DEFAULT_PORT = 3004;

/** The notifier's channels: each is on when its URL is set (and then needs the rest of its settings). */
const notifierEnvSchema = z
  .object({
    NOTIFIER_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(0).default(5_000),
    NOTIFIER_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(8),
    SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be smtp:// or smtps://').optional(),
    SMTP_FROM: z.email().default('notifications@parcelwatch.local'),
    SMS_API_URL: z.url().optional(),
    SMS_ACCOUNT_SID: z.string().optional(),
    SMS_AUTH_TOKEN: z.string().optional(),
    SMS_FROM: z.string().optional(),
    MARKETPLACE_BASE_URL: z.url().optional(),
    MARKETPLACE_APP_KEY: z.string().optional(),
    MARKETPLACE_APP_SECRET: z.string().optional(),
    MARKETPLACE_ACCESS_TOKEN: z.string().optional(),
    MARKETPLACE_SHOP_CIPHER: z.string().optional(),
  })
  .refine((env) => env.SMS_API_URL === undefined || (env.SMS_ACCOUNT_SID && env.SMS_AUTH_TOKEN && env.SMS_FROM), {
    message: 'SMS_API_URL needs SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM',
    path: ['SMS_API_URL'],
  })
  .refine(
    (env) => env.MARKETPLACE_BASE_URL === undefined || (env.MARKETPLACE_APP_KEY && env.MARKETPLACE_APP_SECRET && env.MARKETPLACE_ACCESS_TOKEN && env.MARKETPLACE_SHOP_CIPHER),
    { message: 'MARKETPLACE_BASE_URL needs MARKETPLACE_APP_KEY, MARKETPLACE_APP_SECRET, MARKETPLACE_ACCESS_TOKEN and MARKETPLACE_SHOP_CIPHER', path: ['MARKETPLACE_BASE_URL'] },
  );

async function main(): Promise<void> {
  const settings = parseEnv(serviceSettingsSchema({ defaultPort: DEFAULT_PORT }));
  const env = parseEnv(notifierEnvSchema);
  const logger = createLogger({ name: 'notifier', level: settings.LOG_LEVEL, pretty: settings.NODE_ENV === 'development' });
  const lifecycle = createLifecycle({ logger, timeoutMs: settings.SHUTDOWN_TIMEOUT_MS });
  const adapters = selectAdapters(settings);
  logger.info({ adapters: describeAdapters(adapters) }, 'configuration loaded');

  // The notifications this service writes to the outbox leave through the relay opened here.
  const { db, bus } = await openServiceAdapters(adapters, logger, (name, close) => lifecycle.register(name, close));

  const senders: ChannelSender[] = [];
  if (env.SMTP_URL !== undefined) senders.push(createEmailSender({ smtpUrl: env.SMTP_URL, defaultFrom: env.SMTP_FROM }));
  if (env.SMS_API_URL !== undefined) {
    senders.push(createSmsSender({ baseUrl: env.SMS_API_URL, accountSid: env.SMS_ACCOUNT_SID ?? '', authToken: env.SMS_AUTH_TOKEN ?? '', from: env.SMS_FROM ?? '' }));
  }
  if (env.MARKETPLACE_BASE_URL !== undefined) {
    const shopCipher = env.MARKETPLACE_SHOP_CIPHER ?? '';
    senders.push(
      createMarketplaceMessageSender({
        baseUrl: env.MARKETPLACE_BASE_URL,
        appKey: env.MARKETPLACE_APP_KEY ?? '',
        appSecret: env.MARKETPLACE_APP_SECRET ?? '',
        accessToken: env.MARKETPLACE_ACCESS_TOKEN ?? '',
        shopCipher: () => shopCipher,
        nowSeconds: () => systemClock.now().toSeconds(),
      }),
    );
  }
  lifecycle.register('notification senders', async () => {
    for (const sender of senders) await sender.close?.();
  });
  const merchantWebhooks = createMerchantWebhooks({ db, clock: systemClock, logger, worker: { intervalMs: env.NOTIFIER_DISPATCH_INTERVAL_MS } });
  const service = createNotifierService({
    logger,
    clock: systemClock,
    db,
    bus,
    senders,
    merchantWebhooks,
    dispatchIntervalMs: env.NOTIFIER_DISPATCH_INTERVAL_MS,
    maxAttempts: env.NOTIFIER_MAX_ATTEMPTS,
  });
  // Admin routes on this service's own port, behind the api's access layer (API keys, route policy, rate limits, audit).
  const routes = withAccessLayer({ db, clock: systemClock, logger, options: { enabled: true, rateLimits: rateLimitsFromEnv(process.env) } }, (app) => service.registerRoutes(app));
  await runService(service, { logger, lifecycle, port: settings.PORT, host: settings.HOST, routes });
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a ConfigError), so this goes straight to stderr.
  console.error(err);
  process.exit(1);
});
