// The whole exception pipeline in one process, on real Kafka and PostgreSQL: carrier sandbox ->
// api -> poller -> outbox relay -> normalizer -> detector (events + sweep) -> compensation,
// driven step by step on a fixed clock so every stage has caught up before the next one runs.
import { createApiService, issueApiKey, type ApiService } from '@parcelwatch/api';
import { KafkaBus, OutboxRelay, type KafkaEventBus } from '@parcelwatch/bus';
import { createCarrierSandboxService, type CarrierSandboxService } from '@parcelwatch/carrier-sandbox';
import { CarrierClientRegistry } from '@parcelwatch/carriers';
import { createCompensationService, DEFAULT_POLICY_PATH, loadPolicyStore, type CompensationService, type PolicySource } from '@parcelwatch/compensation';
import { idFromName } from '@parcelwatch/contracts';
import { createDb, type Database } from '@parcelwatch/db';
import { createDetectorService, type DetectorService } from '@parcelwatch/detector';
import { createNormalizerService, type NormalizerService } from '@parcelwatch/normalizer';
import { createPollerService, createSandboxPollerClients, DEFAULT_CADENCE, type PollerService } from '@parcelwatch/poller';
import { fixedClock } from '@parcelwatch/service-kit';
import { createTestDatabase, kafkaBrokers, uniqueTopic } from '@parcelwatch/test-harness';
import type { Admin } from 'kafkajs';
import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { FORCED_ONLY, SEED, START, STEP_HOURS, STEPS, type PlannedShipment } from './exception-pipeline.journeys.js';
import { logger, waitFor } from './tracking-pipeline.fixture.js';

const MINUTE = 60_000;

export interface ExceptionRunOptions {
  /** Re-publish every outbox row of every topic once more right after it was relayed. */
  deliverTwice?: boolean;
  /** Stop the normalizer, detector and compensation after this step and start new ones (same groups). */
  restartAfterStep?: number;
}

/** What the pipeline offers a stage added after compensation (the notification e2e's notifier and archiver). */
export interface PipelineContext {
  db: Kysely<Database>;
  bus: KafkaEventBus;
  clock: ReturnType<typeof fixedClock>;
  topics: Record<string, string>;
  api: ApiService;
  relay(): Promise<void>;
  caughtUp(groupId: string, topics: string[]): Promise<void>;
}

/** Buyer details a registration carries (the exception e2e sends only the zone). */
export type BuyerInput = Record<string, unknown> & { timezone: string };

/**
 * More stages at the end of the pipeline. Between two steps the clock moves in `tickHours`
 * increments with `tick` at each (messages due in the night go out at the right hour).
 */
export interface PipelineExtension {
  topics: Record<string, string>;
  tickHours: number;
  buyer(planned: PlannedShipment, index: number): BuyerInput;
  /** Once the merchants exist, before registration. */
  prepare(ctx: PipelineContext, merchantIds: string[]): Promise<void>;
  startStages(ctx: PipelineContext): Promise<void>;
  stopStages(): Promise<void>;
  tick(ctx: PipelineContext): Promise<void>;
  /** After compensation caught up on a step. */
  afterStep(ctx: PipelineContext, step: number): Promise<void>;
}

export interface ExceptionRun {
  db: Kysely<Database>;
  /** Per topic: outbox rows written, and messages that reached the topic. */
  topics: Record<string, { written: number; published: number }>;
}

export class ExceptionPipeline {
  private readonly extension: PipelineExtension | undefined;
  constructor(extension?: PipelineExtension) {
    this.extension = extension;
    this.topics = {
      shipments: uniqueTopic('shipments'),
      trackingSnapshots: uniqueTopic('tracking.snapshots'),
      shipmentEvents: uniqueTopic('shipment.events'),
      shipmentExceptions: uniqueTopic('shipment.exceptions'),
      shipmentDelays: uniqueTopic('shipment.delays'),
      compensations: uniqueTopic('compensations'),
      ...extension?.topics,
    };
    const suffix = idFromName('e2e-exceptions', this.topics.shipmentEvents).slice(0, 8);
    this.groups = { normalizer: `normalizer-${suffix}`, detector: `detector-${suffix}`, compensation: `compensation-${suffix}` };
  }

  private readonly clock = fixedClock(START);
  private readonly topics: Record<string, string> & {
    shipments: string;
    trackingSnapshots: string;
    shipmentEvents: string;
    shipmentExceptions: string;
    shipmentDelays: string;
    compensations: string;
  };
  private readonly groups: { normalizer: string; detector: string; compensation: string };
  private database: { url: string; drop(): Promise<void> } | undefined;
  private dbHandle: Kysely<Database> | undefined;
  private bus: KafkaBus | undefined;
  private admin: Admin | undefined;
  private sandbox: CarrierSandboxService | undefined;
  private api: ApiService | undefined;
  private relayer: OutboxRelay | undefined;
  private policy: PolicySource | undefined;
  private services: { normalizer: NormalizerService; detector: DetectorService; compensation: CompensationService } | undefined;
  private deliverTwice = false;
  private readonly republished = new Set<string>();

  async run(planned: readonly PlannedShipment[], options: ExceptionRunOptions = {}): Promise<ExceptionRun> {
    this.deliverTwice = options.deliverTwice ?? false;
    this.database = await createTestDatabase();
    const db = (this.dbHandle = await createDb({ kind: 'postgres', url: this.database.url, max: 8 }));
    const bus = (this.bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'e2e-exceptions', logger }));
    await bus.connect();
    await bus.ensureTopics([
      { name: this.topics.shipments, partitions: 2, dlq: true },
      { name: this.topics.trackingSnapshots, partitions: 4, dlq: true },
      { name: this.topics.shipmentEvents, partitions: 4, dlq: true },
      { name: this.topics.shipmentExceptions, partitions: 2, dlq: true },
      { name: this.topics.shipmentDelays, partitions: 2, dlq: true },
      { name: this.topics.compensations, partitions: 2 },
      ...Object.values(this.extension?.topics ?? {}).map((name) => ({ name, partitions: 2, dlq: true })),
    ]);
    this.admin = bus.kafka.admin();
    await this.admin.connect();

    // Request faults and rate limits are the tracking e2e's subject; here they would only cost time.
    const sandbox = (this.sandbox = createCarrierSandboxService({ logger, clock: this.clock, options: { seed: SEED, journeyRates: FORCED_ONLY, rateLimits: { '17track': null } } }));
    await sandbox.start();
    const created = sandbox.journeys.create(planned.map((p) => ({ trackingNumber: p.journey.trackingNumber, shippedAt: DateTime.fromISO(p.shippedAt, { zone: 'utc' }), outcome: p.journey.outcome, incidents: p.incidents })));
    created.forEach((journey, i) => {
      if (JSON.stringify(journey.events) !== JSON.stringify(planned[i]!.journey.events)) throw new Error(`the sandbox generated another journey for ${journey.trackingNumber}`);
    });
    this.api = createApiService({ logger, clock: this.clock, db, topics: this.topics });
    await this.api.start();
    await this.register(planned);

    const cadence = { ...DEFAULT_CADENCE, lastMileMs: MINUTE, customsMs: MINUTE, inTransitMs: MINUTE, lineHaulMs: MINUTE, notFoundMinMs: MINUTE, notFoundMaxMs: MINUTE, terminalMs: MINUTE, failureBaseMs: MINUTE, failureMaxMs: MINUTE, terminalGraceMs: 60 * 24 * 60 * MINUTE };
    const poller: PollerService = createPollerService({
      logger,
      clock: this.clock,
      db,
      clients: () => createSandboxPollerClients({ baseUrl: sandbox.url, registry: new CarrierClientRegistry(), rateLimit: { requestsPerSecond: 50 }, retry: { retries: 3, minTimeoutMs: 10, maxTimeoutMs: 100 } }),
      options: { topics: { trackingSnapshots: this.topics.trackingSnapshots }, cadence },
    });
    this.relayer = new OutboxRelay({ db, bus, logger });
    this.policy = await loadPolicyStore(DEFAULT_POLICY_PATH, logger);
    await this.startServices();
    await this.relay();
    await this.caughtUp(this.groups.detector, [this.topics.shipments, this.topics.shipmentEvents]);
    if (this.extension) {
      // What registration alone decides (a promise already broken) reaches the stages before the clock moves.
      await this.relay();
      await this.caughtUp(this.groups.compensation, [this.topics.shipmentExceptions, this.topics.shipmentDelays]);
      await this.relay();
      await this.extension.afterStep(this.context(), 0);
    }

    for (let step = 1; step <= STEPS; step += 1) {
      const tickHours = this.extension?.tickHours ?? STEP_HOURS;
      for (let hours = 0; hours < STEP_HOURS; hours += tickHours) {
        this.clock.advance({ hours: tickHours });
        if (this.extension && hours + tickHours < STEP_HOURS) await this.extension.tick(this.context());
      }
      await this.drainPoller(poller);
      await this.relay();
      await this.caughtUp(this.groups.normalizer, [this.topics.trackingSnapshots]);
      await this.relay();
      await this.caughtUp(this.groups.detector, [this.topics.shipments, this.topics.shipmentEvents]);
      await this.services!.detector.sweepOnce();
      await this.relay();
      await this.caughtUp(this.groups.compensation, [this.topics.shipmentExceptions, this.topics.shipmentDelays]);
      await this.relay();
      if (this.extension) await this.extension.afterStep(this.context(), step);
      if (step === options.restartAfterStep) {
        await this.stopServices();
        await this.startServices();
      }
    }
    const topics: ExceptionRun['topics'] = {};
    for (const [name, topic] of Object.entries(this.topics)) topics[name] = { written: await this.written([topic]), published: await this.published(topic) };
    return { db, topics };
  }

  /** The clock, for checks after the run (the time the run ended at). */
  now(): string {
    return this.clock.now().toISO()!;
  }

  /** The run's adapters, for stages that go on after it and for checks. */
  contextForChecks(): PipelineContext {
    return this.context();
  }

  databaseUrl(): string {
    return this.database!.url;
  }

  private context(): PipelineContext {
    return {
      db: this.dbHandle!,
      bus: this.bus!,
      clock: this.clock,
      topics: this.topics,
      api: this.api!,
      relay: () => this.relay(),
      caughtUp: (groupId, topics) => this.caughtUp(groupId, topics),
    };
  }

  async stop(): Promise<void> {
    await this.stopServices();
    await this.api?.stop();
    await this.sandbox?.stop();
    await this.admin?.disconnect();
    await this.bus?.disconnect();
    await this.dbHandle?.destroy();
    await this.database?.drop();
  }

  private async startServices(): Promise<void> {
    const deps = { logger, clock: this.clock, db: this.dbHandle!, bus: this.bus! };
    this.services = {
      normalizer: createNormalizerService({ ...deps, topics: this.topics, groupId: this.groups.normalizer }),
      detector: createDetectorService({ ...deps, policy: this.policy!, topics: this.topics, groupId: this.groups.detector, sweep: { enabled: false } }),
      compensation: createCompensationService({
        ...deps,
        policy: this.policy!,
        executor: null,
        topics: { delays: this.topics.shipmentDelays, exceptions: this.topics.shipmentExceptions, compensations: this.topics.compensations },
        groupId: this.groups.compensation,
      }),
    };
    await Promise.all(Object.values(this.services).map((service) => service.start()));
    await this.extension?.startStages(this.context());
  }

  private async stopServices(): Promise<void> {
    if (!this.services) return;
    await this.extension?.stopStages();
    await Promise.all(Object.values(this.services).map((service) => service.stop()));
    this.services = undefined;
  }

  private async register(planned: readonly PlannedShipment[]): Promise<void> {
    const merchant = (i: number) => idFromName('e2e-exceptions-merchant', this.topics.shipments, String(i));
    // One merchant per shipment: the daily compensation budget per merchant is not this test's subject.
    await this.dbHandle!.insertInto('merchants').values(planned.map((_, i) => ({ id: merchant(i), name: `E2E Merchant ${i}` }))).execute();
    await this.extension?.prepare(this.context(), planned.map((_, i) => merchant(i)));
    const shipments = planned.map((p, i) => ({
      merchantId: merchant(i),
      orderId: `E2E-X-${i}`,
      trackingNumber: p.journey.trackingNumber,
      originCountry: 'CN',
      destinationCountry: p.journey.destination.country,
      provider: '17track',
      promisedDeliveryDate: p.promisedDeliveryDate,
      orderValue: p.orderValue,
      buyer: this.extension?.buyer(p, i) ?? { timezone: p.journey.destination.zone },
    }));
    // The api wants an ingest key for these merchants (issue 7).
    const ingest = await issueApiKey({ db: this.dbHandle!, clock: this.clock }, { name: 'e2e ingest', role: 'ingest', merchantIds: [...new Set(shipments.map((s) => s.merchantId))], actor: 'e2e' });
    const response = await fetch(`${this.api!.url()}/v1/shipments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest.key}` }, body: JSON.stringify({ shipments }) });
    const body = (await response.json()) as { summary?: { created: number }; results?: unknown[] };
    if (body.summary?.created !== planned.length) throw new Error(`registration failed: ${response.status} ${JSON.stringify(body.results?.slice(0, 3) ?? body)}`);
    const carriers = await this.dbHandle!.selectFrom('shipments').select(['tracking_number', 'carrier']).execute();
    for (const row of carriers) {
      const p = planned.find((x) => x.journey.trackingNumber === row.tracking_number)!;
      const expected = p.postal ? 'china-post' : 'yunexpress';
      if (row.carrier !== expected) throw new Error(`${row.tracking_number} was registered as ${row.carrier}, the plan assumed ${expected}`);
    }
  }

  private async drainPoller(poller: PollerService): Promise<void> {
    for (let i = 0; i < 20; i += 1) {
      const report = await poller.tick();
      if (report.failed > 0 || report.registrationFailed > 0) throw new Error(`polls failed: ${JSON.stringify(report)}`);
      if (report.polled === 0 && report.registered === 0) return;
    }
    throw new Error('poller kept finding due shipments after 20 ticks');
  }

  /**
   * Relays the outbox; delivering twice, every row relayed once is relayed once more. Only rows
   * already published are reset: consumers keep writing new rows meanwhile, and those must go out
   * once first (ids are not committed in order, so a high-water mark would skip some).
   */
  private async relay(): Promise<void> {
    while ((await this.relayer!.relayOnce()) > 0);
    if (!this.deliverTwice) return;
    const again = await sql<{ id: string }>`
      UPDATE outbox SET published_at = NULL
      WHERE published_at IS NOT NULL AND NOT (id = ANY(${[...this.republished]}::bigint[]))
      RETURNING id`.execute(this.dbHandle!);
    if (again.rows.length === 0) return;
    for (const row of again.rows) this.republished.add(String(row.id));
    while ((await this.relayer!.relayOnce()) > 0);
  }

  /** Waits until a group has processed every distinct message of its topics and has no lag on them. */
  private async caughtUp(groupId: string, topics: string[]): Promise<void> {
    const db = this.dbHandle!;
    const expected = await this.written(topics);
    await waitFor(
      `${groupId} to catch up`,
      async () => {
        const processed = await db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).where('consumer_group', '=', groupId).executeTakeFirstOrThrow();
        return Number(processed.n) >= expected && (await this.lag(groupId, topics)) === 0;
      },
      60_000,
    );
  }

  private async written(topics: string[]): Promise<number> {
    const row = await this.dbHandle!.selectFrom('outbox').select((eb) => eb.fn.countAll<string>().as('n')).where('topic', 'in', topics).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private async published(topic: string): Promise<number> {
    const ends = await this.admin!.fetchTopicOffsets(topic);
    return ends.reduce((total, end) => total + Number(end.high) - Number(end.low), 0);
  }

  /** Consumer lag over the topics; unknown (infinite) while the broker's metadata does not list a new topic yet. */
  private async lag(groupId: string, topics: string[]): Promise<number> {
    try {
      return await this.lagOrThrow(groupId, topics);
    } catch (error) {
      if ((error as { retriable?: boolean }).retriable === true) return Number.POSITIVE_INFINITY;
      throw error;
    }
  }

  private async lagOrThrow(groupId: string, topics: string[]): Promise<number> {
    let total = 0;
    const committed = await this.admin!.fetchOffsets({ groupId, topics });
    for (const topic of topics) {
      const ends = await this.admin!.fetchTopicOffsets(topic);
      const offsets = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const end of ends) total += Number(end.high) - Math.max(Number(offsets.find((p) => p.partition === end.partition)?.offset ?? '-1'), 0);
    }
    return total;
  }
}
