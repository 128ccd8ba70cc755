// The seller's deployment for the month: every service built by its own build function from one
// environment (what `parcelwatch start` does), on the harness's PostgreSQL, Kafka and S3 server,
// with the carriers and TikTok Shop pointed at the carrier sandbox and buyer mail and SMS going
// to local sinks. Between steps of the simulated clock the pipeline is brought to rest.
import { setTimeout as pause } from 'node:timers/promises';
import { apiConfigSchema, buildApi, type ApiService } from '@parcelwatch/api';
import { openBlobStore } from '@parcelwatch/archive';
import { archiverConfigSchema, buildArchiver } from '@parcelwatch/archiver';
import { KafkaBus, OutboxRelay } from '@parcelwatch/bus';
import { createCarrierSandboxService, DEFAULT_RATE_LIMITS, sandboxClientEnv, type CarrierSandboxService } from '@parcelwatch/carrier-sandbox';
import { buildCompensation, compensationConfigSchema, type CompensationService } from '@parcelwatch/compensation';
import { parseEnvAll, selectAdapters } from '@parcelwatch/config';
import { idFromName, TOPIC } from '@parcelwatch/contracts';
import { countUnprocessedOutbox, createDb, maxOutboxId, type Database, type OutboxReader } from '@parcelwatch/db';
import { buildDetector, detectorConfigSchema, type DetectorService } from '@parcelwatch/detector';
import { buildNormalizer, normalizerConfigSchema } from '@parcelwatch/normalizer';
import { buildNotifier, notifierConfigSchema, startSmsSink, startSmtpSink, type NotifierService, type SmsSink, type SmtpSink } from '@parcelwatch/notifier';
import { buildPoller, pollerConfigSchema, type PollerService } from '@parcelwatch/poller';
import { fixedClock, type Service, type ServiceHost, type ServiceUnit } from '@parcelwatch/service-kit';
import { createTestDatabase, kafkaBrokers, s3Settings } from '@parcelwatch/test-harness';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { NamespacedBus } from './sellers-month.bus.js';
import { FORCED_ONLY, SEED, START, type PlannedParcel } from './sellers-month.plan.js';
import { logger } from './tracking-pipeline.fixture.js';

const SMS_CREDENTIALS = { accountSid: 'ACmonth0000001', authToken: 'month-sms-token' };
const WEBHOOK_SECRETS = { '17track': 'month-17track-push-key', aftership: 'month-aftership-push-secret' };

/** Who reads what (the services' own groups and topics): the drain waits for each. */
const READERS: readonly OutboxReader[] = [
  { group: 'normalizer', topics: [TOPIC.trackingSnapshots] },
  { group: 'detector', topics: [TOPIC.shipmentEvents, TOPIC.shipments] },
  { group: 'compensation', topics: [TOPIC.shipmentDelays, TOPIC.shipmentExceptions] },
  { group: 'notifier', topics: [TOPIC.shipmentEvents, TOPIC.shipmentExceptions, TOPIC.shipmentDelays, TOPIC.compensations] },
];

export class SellersMonthStack {
  readonly clock = fixedClock(START);
  /** The operator's key for onboarding (PARCELWATCH_BOOTSTRAP_ADMIN_KEY). */
  readonly bootstrapKey = `month-operator-${idFromName('sellers-month', 'bootstrap')}`;
  private database: { url: string; drop(): Promise<void> } | undefined;
  private dbHandle: Kysely<Database> | undefined;
  private kafka: KafkaBus | undefined;
  private bus: NamespacedBus | undefined;
  private sandboxService: CarrierSandboxService | undefined;
  private smtpSink: SmtpSink | undefined;
  private smsSink: SmsSink | undefined;
  private relay: OutboxRelay | undefined;
  private apiService: ApiService | undefined;
  private parts: { poller: PollerService; detector: DetectorService; notifier: NotifierService; compensation: CompensationService } | undefined;
  private readonly services: Service[] = [];
  private readonly closers: (() => Promise<void> | void)[] = [];
  private settledThrough = 0;

  get db(): Kysely<Database> {
    return this.dbHandle!;
  }
  get sandbox(): CarrierSandboxService {
    return this.sandboxService!;
  }
  get api(): ApiService {
    return this.apiService!;
  }
  get smtp(): SmtpSink {
    return this.smtpSink!;
  }
  get sms(): SmsSink {
    return this.smsSink!;
  }

  /** Opens the adapters, has the sandbox create the plan's journeys and orders, builds and starts every service. */
  async open(plan: readonly PlannedParcel[]): Promise<void> {
    this.database = await createTestDatabase();
    this.dbHandle = await createDb({ kind: 'postgres', url: this.database.url, max: 10 });
    const suffix = idFromName('sellers-month', this.database.url).slice(0, 8);
    this.kafka = new KafkaBus({ brokers: kafkaBrokers(), clientId: `sellers-month-${suffix}`, logger });
    this.bus = new NamespacedBus(this.kafka, `month-${suffix}`);
    await this.kafka.connect();
    await this.kafka.ensureTopics(Object.values(TOPIC).map((name) => ({ name: this.bus!.topic(name), partitions: 2, dlq: true })));

    // The carriers and TikTok Shop: the sandbox plays the plan's journeys, and knows the shop's orders.
    const sandbox = (this.sandboxService = createCarrierSandboxService({
      logger,
      clock: this.clock,
      options: { seed: SEED, journeyRates: FORCED_ONLY, rateLimits: Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS).map((p) => [p, null])) },
    }));
    await sandbox.start();
    this.closers.push(() => sandbox.stop());
    const created = sandbox.journeys.create(plan.map((p) => ({ ...p.request, shippedAt: DateTime.fromISO(p.request.shippedAt, { zone: 'utc' }) })));
    created.forEach((journey, i) => {
      if (JSON.stringify(journey.events) !== JSON.stringify(plan[i]!.journey.events)) throw new Error(`the sandbox generated another journey for ${journey.trackingNumber}`);
    });
    sandbox.marketplace.registerOrders(plan.map((p) => ({ orderId: p.orderId, trackingNumber: p.journey.trackingNumber, value: p.orderValue })));

    this.smtpSink = await startSmtpSink();
    this.smsSink = await startSmsSink(SMS_CREDENTIALS);
    this.closers.push(() => this.smtpSink?.close(), () => this.smsSink?.close());

    const s3 = s3Settings();
    const env: Record<string, string> = {
      ...sandboxClientEnv(sandbox.url),
      LOG_LEVEL: 'error',
      PORT: '0',
      DATABASE_URL: this.database.url,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_CLIENT_ID: `sellers-month-${suffix}`,
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      S3_BUCKET: `sellers-month-${suffix}`,
      SMTP_URL: this.smtpSink.url,
      SMTP_FROM: 'care@seller.example',
      SMS_API_URL: this.smsSink.url,
      SMS_ACCOUNT_SID: SMS_CREDENTIALS.accountSid,
      SMS_AUTH_TOKEN: SMS_CREDENTIALS.authToken,
      SMS_FROM: '+15550000000',
      WEBHOOK_SECRET_17TRACK: WEBHOOK_SECRETS['17track'],
      WEBHOOK_SECRET_AFTERSHIP: WEBHOOK_SECRETS.aftership,
      // Every active parcel is polled once a step; the drain runs what the loops would.
      POLLER_REQUESTS_PER_SECOND: '10000',
      POLLER_CADENCE_HOURS: 'lastMile=1,customs=1,inTransit=1,lineHaul=1,notFoundMin=1,notFoundMax=1,terminal=12',
      NOTIFIER_DISPATCH_INTERVAL_MS: '0',
      COMPENSATION_EXECUTION_INTERVAL_MS: '0',
      DETECTOR_SWEEP_INTERVAL_MS: String(365 * 24 * 3_600_000),
      PARCELWATCH_BOOTSTRAP_ADMIN_KEY: this.bootstrapKey,
    };
    const configs = parseEnvAll(
      {
        api: apiConfigSchema,
        poller: pollerConfigSchema,
        normalizer: normalizerConfigSchema,
        detector: detectorConfigSchema,
        notifier: notifierConfigSchema,
        compensation: compensationConfigSchema,
        archiver: archiverConfigSchema,
      },
      env,
    );
    const db = this.dbHandle;
    const bus = this.bus;
    const blobStore = await openBlobStore(selectAdapters(configs.archiver).blobStore);
    const host: ServiceHost = { logger, clock: this.clock, onClose: (_name, close) => void this.closers.push(close) };
    const api = await buildApi(configs.api, host, { db });
    const normalizer = buildNormalizer(configs.normalizer, host, { db, bus });
    const poller = buildPoller(configs.poller, host, { db });
    const detector = await buildDetector(configs.detector, host, { db, bus });
    const notifier = buildNotifier(configs.notifier, host, { db, bus });
    const compensation = await buildCompensation(configs.compensation, host, { db, bus });
    const archiver = buildArchiver(configs.archiver, host, { db, bus, blobStore });
    const units: ServiceUnit[] = [normalizer, poller, detector, notifier, compensation, archiver, api];
    for (const unit of units) {
      unit.routes?.(api.service.app);
      this.services.push(unit.service, ...(unit.jobs ?? []));
    }
    this.apiService = api.service;
    this.parts = { poller: poller.service, detector: detector.service, notifier: notifier.service, compensation: compensation.service };
    this.relay = new OutboxRelay({ db, bus, logger });
    for (const service of this.services) await service.start();
    // The carriers push to the api's webhook intake, signed as each provider signs.
    sandbox.webhooks.configure({
      '17track': { url: `${api.service.url()}/v1/webhooks/17track`, key: WEBHOOK_SECRETS['17track'] },
      aftership: { url: `${api.service.url()}/v1/webhooks/aftership`, secret: WEBHOOK_SECRETS.aftership },
    });
    this.settledThrough = await this.maxOutboxId();
  }

  async close(): Promise<void> {
    for (const service of [...this.services].reverse()) await service.stop().catch(() => undefined);
    for (const close of this.closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
    await this.kafka?.disconnect();
    await this.dbHandle?.destroy();
    await this.database?.drop();
  }

  /**
   * Brings the pipeline to rest at the clock's now: carrier pushes, polls, sweeps, sends, the
   * operator's approvals (`between`), payouts; again until a whole pass writes nothing new.
   */
  async untilQuiet(between: () => Promise<void>): Promise<void> {
    const parts = this.parts!;
    for (let pass = 0; pass < 30; pass += 1) {
      this.timings['passes'] = (this.timings['passes'] ?? 0) + 1;
      const before = await this.maxOutboxId();
      await this.timed('push', async () => {
        const pushes = await this.sandbox.webhooks.flush();
        const refused = pushes.filter((p) => p.status !== 202 && p.status !== 200);
        if (refused.length > 0) throw new Error(`carrier pushes refused: ${JSON.stringify(refused.slice(0, 3))}`);
      });
      await this.timed('poll', async () => {
        for (let i = 0; i < 20; i += 1) {
          const report = await parts.poller.tick();
          if (report.polled === 0 && report.registered === 0) break;
        }
      });
      await this.timed('settle', () => this.settle());
      await this.timed('sweep', () => parts.detector.sweepOnce());
      await this.timed('settle', () => this.settle());
      await this.timed('send', async () => {
        for (let i = 0; i < 20; i += 1) {
          const round = await parts.notifier.dispatchDue();
          if (round.sent + round.failed + round.retryLater === 0) break;
        }
      });
      await this.timed('settle', () => this.settle());
      await this.timed('approve', between);
      await this.timed('pay', async () => {
        for (let i = 0; i < 20; i += 1) {
          const round = await parts.compensation.executeDue();
          if (round.executed + round.cancelled + round.failed + round.retryLater === 0) break;
        }
      });
      await this.timed('settle', () => this.settle());
      if ((await this.maxOutboxId()) === before) return;
    }
    throw new Error('the pipeline kept producing events after 30 passes at one instant');
  }

  /** Real milliseconds per phase of the drain, summed over the month. */
  readonly timings: Record<string, number> = {};

  private async timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.timings[phase] = Math.round((this.timings[phase] ?? 0) + performance.now() - t0);
    }
  }

  /** Relays the outbox and waits until every reader has processed every row relayed. */
  private async settle(): Promise<void> {
    const started = Date.now();
    let wait = 5;
    for (;;) {
      while ((await this.relay!.relayOnce()) > 0);
      const waiting = await this.unprocessed();
      if (waiting.total === 0) {
        this.settledThrough = waiting.maxId;
        return;
      }
      if (Date.now() - started > 60_000) throw new Error(`consumers stuck: ${JSON.stringify(waiting.byGroup)} messages unprocessed (dead-lettered, or a stage down)`);
      await pause(wait);
      wait = Math.min(wait * 2, 80);
    }
  }

  private unprocessed(): Promise<{ total: number; maxId: number; byGroup: Record<string, number> }> {
    return countUnprocessedOutbox(this.db, READERS, this.settledThrough);
  }

  private maxOutboxId(): Promise<number> {
    return maxOutboxId(this.db);
  }
}
