// The stages the notification e2e adds after compensation: the notifier (email, SMS and
// marketplace messages to real servers on loopback, merchant webhooks to a receiver that goes
// down for days) and the archiver (proof bundles in the S3 server), with their admin routes on a
// small HTTP server of their own (the pipeline's api is already listening when stages are built).
import { parseOutboundAllow } from '@parcelwatch/outbound';
import { installAccessLayer } from '@parcelwatch/access';
import type { S3BlobStore } from '@parcelwatch/archive';
import type { ArchiverService } from '@parcelwatch/archiver';
import { idFromName } from '@parcelwatch/contracts';
import {
  createMerchantWebhooks,
  startMarketplaceSink,
  startSmsSink,
  startSmtpSink,
  startWebhookSink,
  type ChannelSender,
  type MarketplaceSink,
  type MerchantWebhooksSubsystem,
  type NotifierService,
  type SmsSink,
  type SmtpSink,
  type WebhookSink,
} from '@parcelwatch/notifier';
import { s3Settings, uniqueTopic } from '@parcelwatch/test-harness';
import Fastify, { type FastifyInstance } from 'fastify';
import type { BuyerInput, PipelineContext, PipelineExtension } from './exception-pipeline.fixture.js';
import type { PlannedShipment } from './exception-pipeline.journeys.js';
import { SHOP, SMS_CREDENTIALS, stageArchiver, stageBlobStore, stageMerchantWebhooks, stageNotifier, stageSenders, type StageSinks } from './notification-pipeline.builders.js';
import { logger } from './tracking-pipeline.fixture.js';

const LANGUAGE_BY_COUNTRY: Record<string, string> = { DE: 'de', FR: 'fr', ES: 'es', IT: 'it' };
export const WEBHOOK_SECRET = 'whsec_e2e_notification_pipeline';

/** The buyer of the i-th planned shipment: every one has an email, every other a phone; the language follows the country (some US buyers read Spanish). */
export function buyerOf(planned: PlannedShipment, index: number): BuyerInput & { locale: string; email: string; phone?: string } {
  const country = planned.journey.destination.country;
  const locale = LANGUAGE_BY_COUNTRY[country] ?? (index % 3 === 0 ? 'es-US' : 'en-US');
  return {
    email: `buyer-${index}@buyers.example`,
    ...(index % 2 === 0 ? { phone: `+1 555 ${String(1_000_000 + index).slice(1)}` } : {}),
    locale,
    timezone: planned.journey.destination.zone,
  };
}

/** Every fourth merchant has the marketplace's customer-service API connected; every third has a webhook endpoint. */
export const marketplaceOn = (index: number): boolean => index % 4 === 0;
export const webhookOn = (index: number): boolean => index % 3 === 0;

export interface WebhookOutage {
  /** The receiver refuses connections from the end of this step ... */
  downAfterStep: number;
  /** ... until the end of this one, when an admin re-enables the endpoints it got disabled. */
  upAfterStep: number;
}

export class NotificationStages implements PipelineExtension {
  readonly topics = { notifications: uniqueTopic('notifications'), proofs: uniqueTopic('proofs') };
  readonly tickHours = 1;
  readonly groups = (() => {
    const suffix = idFromName('e2e-notifications', this.topics.notifications).slice(0, 8);
    return { notifier: `notifier-${suffix}`, archiver: `archiver-${suffix}` };
  })();
  readonly bucket = `e2e-proofs-${idFromName('bucket', this.topics.proofs).slice(0, 12)}`;
  smtp: SmtpSink | undefined;
  sms: SmsSink | undefined;
  marketplace: MarketplaceSink | undefined;
  webhooks: WebhookSink | undefined;
  blobStore: S3BlobStore | undefined;
  admin: FastifyInstance | undefined;
  adminUrl = '';
  /** The outbox's highest id when each step's stages had caught up: which step an event was planned in. */
  readonly watermarks: number[] = [];
  /** Endpoints an admin re-enabled after the outage. */
  reEnabled = 0;
  private notifier: NotifierService | undefined;
  private archiver: ArchiverService | undefined;
  private merchantWebhooks: MerchantWebhooksSubsystem | undefined;
  private senders: ChannelSender[] = [];

  /**
   * `s3`: another S3 server than the suite's (a fault test stops its own). `consumersElsewhere`:
   * the notifier's and archiver's consumers run in other processes (built from `sinks()`); here
   * the notifier only sends what is due.
   */
  constructor(
    private readonly outage: WebhookOutage,
    private readonly options: { s3?: ReturnType<typeof s3Settings>; consumersElsewhere?: boolean } = {},
  ) {}

  /** Where the servers listen, once `prepare` has started them. */
  sinks(): StageSinks {
    return { smtpUrl: this.smtp!.url, smsUrl: this.sms!.url, marketplaceUrl: this.marketplace!.url, s3: this.options.s3 ?? s3Settings(), bucket: this.bucket };
  }

  buyer(planned: PlannedShipment, index: number): BuyerInput {
    return buyerOf(planned, index);
  }

  async prepare(ctx: PipelineContext, merchantIds: string[]): Promise<void> {
    const now = () => ctx.clock.now().toSeconds();
    this.smtp = await startSmtpSink();
    this.sms = await startSmsSink(SMS_CREDENTIALS);
    this.marketplace = await startMarketplaceSink(SHOP, { nowSeconds: now });
    this.webhooks = await startWebhookSink({ secret: WEBHOOK_SECRET, nowSeconds: now });
    this.senders = stageSenders(this.sinks(), now);
    this.blobStore = stageBlobStore(this.sinks());
    await this.blobStore.ensureBucket({ objectLock: true });

    for (const [i, id] of merchantIds.entries()) {
      if (marketplaceOn(i)) await ctx.db.updateTable('merchants').set({ settings: JSON.stringify({ notifications: { channels: { marketplace_message: true } } }) }).where('id', '=', id).execute();
    }
    // The admin routes (webhook endpoints, appeal bundles) on their own loopback server.
    this.admin = Fastify();
    // Every caller trusted (access off): without a layer the routes answer nobody.
    installAccessLayer(this.admin, { db: ctx.db, clock: ctx.clock, logger, options: { enabled: false }, rateLimits: false });
    createMerchantWebhooks({ db: ctx.db, clock: ctx.clock, logger, allow: parseOutboundAllow('127.0.0.1/32').entries }).registerRoutes(this.admin);
    this.archiverFor(ctx).registerRoutes(this.admin);
    this.adminUrl = await this.admin.listen({ host: '127.0.0.1', port: 0 });
    for (const [i, merchantId] of merchantIds.entries()) {
      if (!webhookOn(i)) continue;
      const created = await this.post(`/v1/webhook-endpoints`, { merchantId, url: this.webhooks.url });
      // The receiver checks one secret; each endpoint got its own, shown once: give them the receiver's.
      await ctx.db.updateTable('webhook_endpoints').set({ secret: WEBHOOK_SECRET }).where('id', '=', (created as { id: string }).id).execute();
    }
  }

  async startStages(ctx: PipelineContext): Promise<void> {
    this.merchantWebhooks = stageMerchantWebhooks({ ...ctx, logger }, this.topics.notifications);
    this.notifier = stageNotifier({ ...ctx, logger }, { senders: this.senders, merchantWebhooks: this.merchantWebhooks, notificationsTopic: this.topics.notifications, groupId: this.groups.notifier });
    this.archiver = this.archiverFor(ctx);
    if (this.options.consumersElsewhere) return;
    await this.notifier.start();
    await this.archiver.start();
  }

  async stopStages(): Promise<void> {
    await this.notifier?.stop();
    await this.archiver?.stop();
    this.notifier = undefined;
    this.archiver = undefined;
  }

  /** Between steps, each hour: send what has come due (most hours nothing has: one query then). */
  async tick(ctx: PipelineContext): Promise<void> {
    const now = ctx.clock.now().toJSDate();
    const message = await ctx.db.selectFrom('notifications').select('id').where('status', 'in', ['scheduled', 'deferred', 'sending']).where('scheduled_for', '<=', now).limit(1).execute();
    const delivery = await ctx.db.selectFrom('webhook_deliveries').select('id').where('status', '=', 'pending').where('next_attempt_at', '<=', now).limit(1).execute();
    if (message.length + delivery.length > 0) await this.send(ctx);
  }

  async afterStep(ctx: PipelineContext, step: number): Promise<void> {
    await ctx.caughtUp(this.groups.notifier, [ctx.topics['shipmentEvents']!, ctx.topics['shipmentExceptions']!, ctx.topics['shipmentDelays']!, ctx.topics['compensations']!]);
    await ctx.caughtUp(`${this.groups.archiver}-snapshots`, [ctx.topics['trackingSnapshots']!]);
    await ctx.caughtUp(this.groups.archiver, [ctx.topics['shipmentEvents']!]);
    const top = await ctx.db.selectFrom('outbox').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
    this.watermarks[step] = Number(top.id ?? 0);
    await this.send(ctx);
    if (step === this.outage.downAfterStep) await this.webhooks!.down('refuse');
    if (step === this.outage.upAfterStep) {
      await this.webhooks!.up();
      const disabled = await ctx.db.selectFrom('webhook_endpoints').select('id').where('status', '=', 'disabled').execute();
      for (const endpoint of disabled) await this.post(`/v1/webhook-endpoints/${endpoint.id}/enable`, {});
      this.reEnabled += disabled.length;
      await this.send(ctx);
    }
  }

  /** After the last step: hours more of sending, for messages deferred past the end (quiet hours, the daily cap, retries). */
  async drain(ctx: PipelineContext, hours: number): Promise<void> {
    for (let h = 0; h < hours; h += 1) {
      ctx.clock.advance({ hours: 1 });
      await this.send(ctx);
    }
  }

  async close(): Promise<void> {
    await this.stopStages();
    for (const sender of this.senders) await sender.close?.();
    await this.admin?.close();
    await Promise.all([this.smtp?.close(), this.sms?.close(), this.marketplace?.close(), this.webhooks?.close()]);
  }

  async post(path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${this.adminUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = (await response.json()) as unknown;
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  private async send(ctx: PipelineContext): Promise<void> {
    await ctx.relay();
    // Rounds until nothing due is left (a round takes a bounded batch).
    for (let i = 0; i < 50; i += 1) {
      const round = await this.notifier!.dispatchDue();
      const hooks = await this.merchantWebhooks!.worker.runOnce();
      if (Object.values(round).every((n) => n === 0) && hooks.sent + hooks.failed + hooks.retryLater === 0) break;
    }
    await ctx.relay();
  }

  private archiverFor(ctx: PipelineContext): ArchiverService {
    return stageArchiver({ ...ctx, logger }, { blobStore: this.blobStore!, proofsTopic: this.topics.proofs, groupId: this.groups.archiver });
  }
}
