import { createIdempotentHandler, type BusConsumer, type EventBus } from '@parcelwatch/bus';
import { TOPIC, type Envelope } from '@parcelwatch/contracts';
import type { Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import { marketplaceFromSettings } from '@parcelwatch/marketplace';
import { startRoundLoop, type Clock, type RoundLoop, type Service, type ServiceHost, type ServiceUnit } from '@parcelwatch/service-kit';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { ChannelSender } from './channels/channel-sender.js';
import { createEmailSender } from './channels/email.sender.js';
import { createMarketplaceMessageSender } from './channels/marketplace-message.sender.js';
import { createSmsSender } from './channels/sms.sender.js';
import type { NotifierConfig } from './config.js';
import { countClaimLost, createDispatchMetrics } from './dispatch/dispatch.metrics.js';
import { createNotificationDispatcher, DEFAULT_DISPATCH_BATCH, type DispatchRound, type TrackingLinkSettings } from './dispatch/notification-dispatcher.js';
import type { BuyerChannel } from './domain/notification-planner.js';
import { notifierEventParser } from './notification-event.parser.js';
import { createNotificationApplier, type PlannedNow } from './notification.handler.js';
import type { MerchantWebhooks } from './webhooks/merchant-webhook.port.js';
import { createMerchantWebhooks } from './webhooks/merchant-webhooks.js';
import { createWebhookSecretResealJob } from './webhooks/webhook-secret-reseal.job.js';
import { secretBoxOf } from '@parcelwatch/secrets';

export const NOTIFIER_GROUP = 'notifier';

/** Everything the notifier service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface NotifierDeps {
  logger: Logger;
  clock: Clock;
  db: Kysely<Database>;
  /** Connected by the caller; the service only subscribes (and stops its consumer). */
  bus: EventBus;
  /** One sender per channel that is configured; messages are planned only for these channels. */
  senders: readonly ChannelSender[];
  /** Merchant webhooks (signed deliveries to the merchant's endpoints); every consumed event is handed over. */
  merchantWebhooks?: MerchantWebhooks;
  /** Defaults: the registry names (tests pass unique ones). */
  topics?: { shipmentEvents?: string; exceptions?: string; delays?: string; compensations?: string; notifications?: string };
  groupId?: string;
  maxBatchSize?: number;
  concurrency?: number;
  /** Clock time between dispatch rounds when nothing wakes the loop (default 5 s); 0 runs none on its own (tests call dispatchDue). */
  dispatchIntervalMs?: number;
  /** Lease of a claimed message before another worker sends it (default 2 min). */
  dispatchLeaseMs?: number;
  /** Attempts before a retriable failure becomes final (default 8). */
  maxAttempts?: number;
  /** Messages claimed per dispatch round (default 100). */
  dispatchBatch?: number;
  /** Sends in flight at once in a round (default 8); give each sender as many pooled connections. */
  sendConcurrency?: number;
  /** Where the dispatch metrics go (served at /metrics); default a registry of its own. */
  registry?: Registry;
  /** The buyer tracking pages' base and the key their tokens are sealed under; absent: messages carry no link. */
  trackingLinks?: TrackingLinkSettings | null;
}

export interface NotifierService extends Service {
  readonly topics: { shipmentEvents: string; exceptions: string; delays: string; compensations: string; notifications: string };
  /** One dispatch round now (the loop calls it too). */
  dispatchDue(): Promise<DispatchRound>;
  /** The notifier's routes and the merchant webhook admin routes, on the caller's fastify instance. */
  registerRoutes(app: FastifyInstance): void;
}

/**
 * Tells buyers about milestones, exceptions, delays and compensations by email, SMS and
 * marketplace message, and hands every event to merchant webhooks. The consumer plans messages
 * (one transaction per chunk, idempotent); the dispatch loop sends them when due. The events it
 * writes to the outbox leave through the relay wired next to the service.
 */
export function createNotifierService(deps: NotifierDeps): NotifierService {
  const logger = deps.logger.child({ component: 'notifier' });
  const topics = {
    shipmentEvents: deps.topics?.shipmentEvents ?? TOPIC.shipmentEvents,
    exceptions: deps.topics?.exceptions ?? TOPIC.shipmentExceptions,
    delays: deps.topics?.delays ?? TOPIC.shipmentDelays,
    compensations: deps.topics?.compensations ?? TOPIC.compensations,
    notifications: deps.topics?.notifications ?? TOPIC.notifications,
  };
  const groupId = deps.groupId ?? NOTIFIER_GROUP;
  const senders = new Map<BuyerChannel, ChannelSender>(deps.senders.map((sender) => [sender.channel, sender]));
  const dispatchBatch = deps.dispatchBatch ?? DEFAULT_DISPATCH_BATCH;
  const apply = createNotificationApplier({
    notificationsTopic: topics.notifications,
    now: () => deps.clock.now(),
    channels: new Set(senders.keys()),
    merchantWebhooks: deps.merchantWebhooks,
  });
  const dispatcher = createNotificationDispatcher({
    db: deps.db,
    clock: deps.clock,
    logger,
    senders,
    notificationsTopic: topics.notifications,
    leaseMs: deps.dispatchLeaseMs,
    maxAttempts: deps.maxAttempts,
    batchSize: dispatchBatch,
    sendConcurrency: deps.sendConcurrency,
    onClaimLost: countClaimLost(createDispatchMetrics(deps.registry)),
    trackingLinks: deps.trackingLinks ?? null,
  });
  const intervalMs = deps.dispatchIntervalMs ?? 5_000;
  let consumer: BusConsumer | null = null;
  let loop: RoundLoop | null = null;
  // Planning commits, then wakes the loops that send what became due now: a buyer (or a merchant
  // endpoint) is told in the time of a round, not after the rest of an interval.
  const handler = createIdempotentHandler<Envelope, PlannedNow>({
    db: deps.db,
    groupId,
    apply,
    afterCommit: (planned) => {
      if ((planned?.messagesDue ?? 0) > 0) loop?.wake();
      if ((planned?.webhookDeliveries ?? 0) > 0) deps.merchantWebhooks?.worker.wake();
    },
  });

  return {
    name: 'notifier',
    topics,
    dispatchDue: () => dispatcher.runOnce(),
    registerRoutes(app) {
      deps.merchantWebhooks?.registerRoutes(app);
    },
    async start() {
      if (consumer !== null) return;
      const subscribed = [topics.shipmentEvents, topics.exceptions, topics.delays, topics.compensations];
      consumer = deps.bus.subscribe<Envelope>({
        topics: subscribed,
        groupId,
        parse: notifierEventParser,
        handler,
        maxBatchSize: deps.maxBatchSize ?? 100,
        concurrency: deps.concurrency ?? 2,
        logger,
      });
      await consumer.start();
      await deps.merchantWebhooks?.worker.start();
      if (intervalMs > 0) {
        loop = startRoundLoop({
          clock: deps.clock,
          intervalMs,
          round: () => dispatcher.runOnce(),
          // A full batch means more is due: send it now rather than one batch per interval.
          again: (round) => round.sent + round.failed + round.retryLater + round.deferred + round.lost >= dispatchBatch,
          onError: (err) => logger.error({ err }, 'notification dispatch round failed; next round retries'),
        });
      }
      if (senders.size === 0) logger.warn('no notification channel configured: buyers are told nothing');
      logger.info({ topics: subscribed, groupId, channels: [...senders.keys()], at: deps.clock.now().toISO() }, 'notifier started');
    },
    async stop() {
      const running = consumer;
      consumer = null;
      const dispatching = loop;
      loop = null;
      await dispatching?.stop();
      await running?.stop();
      await deps.merchantWebhooks?.worker.stop();
      logger.info('notifier stopped');
    },
    isHealthy: () => consumer?.isHealthy() ?? false,
  };
}

/** The buyer channels the configuration turns on; none when nothing is configured (buyers are then told nothing, and the start says so). */
export function channelSenders(config: NotifierConfig, nowSeconds: () => number): ChannelSender[] {
  const senders: ChannelSender[] = [];
  // One pooled SMTP connection per send a dispatch round may have in flight.
  if (config.SMTP_URL !== undefined) senders.push(createEmailSender({ smtpUrl: config.SMTP_URL, defaultFrom: config.SMTP_FROM, maxConnections: config.NOTIFIER_SEND_CONCURRENCY }));
  const { SMS_API_URL: smsUrl, SMS_ACCOUNT_SID: accountSid, SMS_AUTH_TOKEN: authToken, SMS_FROM: from } = config;
  if (smsUrl !== undefined && accountSid !== undefined && authToken !== undefined && from !== undefined) {
    senders.push(createSmsSender({ baseUrl: smsUrl, accountSid, authToken, from }));
  }
  const marketplace = marketplaceFromSettings(config, nowSeconds);
  if (marketplace !== null) senders.push(createMarketplaceMessageSender(marketplace));
  return senders;
}

/**
 * The notifier as a deployment runs it, from its configuration: a sender per configured channel
 * and the merchant webhooks. Its main.ts and `parcelwatch start` both call this.
 */
export function buildNotifier(config: NotifierConfig, host: ServiceHost, adapters: { db: Kysely<Database>; bus: EventBus; registry?: Registry }): ServiceUnit<NotifierService> {
  const senders = channelSenders(config, () => host.clock.now().toSeconds());
  host.onClose('notification senders', async () => {
    for (const sender of senders) await sender.close?.();
  });
  const secrets = secretBoxOf(config);
  if (secrets === null) host.logger.warn('PARCELWATCH_SECRET_KEY is not set: merchant webhook signing secrets are stored in clear; set it (openssl rand -base64 32) and they are sealed at the next start');
  const merchantWebhooks = createMerchantWebhooks({
    db: adapters.db,
    clock: host.clock,
    logger: host.logger,
    worker: { intervalMs: config.NOTIFIER_DISPATCH_INTERVAL_MS },
    allow: config.PARCELWATCH_OUTBOUND_ALLOW,
    secrets,
  });
  if (config.PARCELWATCH_OUTBOUND_ALLOW.length > 0) host.logger.info({ outboundAllow: config.PARCELWATCH_OUTBOUND_ALLOW.map((entry) => entry.text) }, 'merchant webhooks may also reach these non-public receivers');
  const service = createNotifierService({
    logger: host.logger,
    clock: host.clock,
    db: adapters.db,
    bus: adapters.bus,
    senders,
    merchantWebhooks,
    dispatchIntervalMs: config.NOTIFIER_DISPATCH_INTERVAL_MS,
    dispatchLeaseMs: config.NOTIFIER_DISPATCH_LEASE_MS,
    maxAttempts: config.NOTIFIER_MAX_ATTEMPTS,
    dispatchBatch: config.NOTIFIER_DISPATCH_BATCH,
    sendConcurrency: config.NOTIFIER_SEND_CONCURRENCY,
    registry: adapters.registry,
    trackingLinks: config.TRACKING_PAGE_BASE_URL === undefined ? null : { baseUrl: config.TRACKING_PAGE_BASE_URL, secrets },
  });
  const jobs = secrets === null ? [] : [createWebhookSecretResealJob({ db: adapters.db, secrets, logger: host.logger })];
  return { service, routes: (app) => service.registerRoutes(app), jobs };
}
