// The pipeline the fault tests break: carrier sandbox -> api -> poller -> outbox relay -> Kafka ->
// normalizer -> detector -> compensation -> notifier + archiver, on real Kafka, PostgreSQL and
// S3, driven step by step on a fixed clock like the e2e (test/e2e/exception-pipeline.fixture.ts),
// over a subset of the e2e's journeys and fewer steps. Unlike the e2e driver, every driver call
// (poll, relay, sweep, dispatch) is retried until it goes through, as the services' own loops
// would: a fault may fail any of them, and the checks at the end say whether anything was lost.
import { createApiService, issueApiKey, type ApiService } from '@parcelwatch/api';
import { createKafkaBus, databaseDeadLetters, kafkajsClient, OutboxRelay, type KafkaClientName, type KafkaEventBus } from '@parcelwatch/bus';
import { createCarrierSandboxService, sandboxClientEnv, type CarrierSandboxService } from '@parcelwatch/carrier-sandbox';
import { CarrierClientRegistry } from '@parcelwatch/carriers';
import { createCompensationService, createTikTokMarketplaceExecutor, DEFAULT_POLICY_PATH, loadPolicyStore, type CompensationService, type ExecutionRound, type PolicySource } from '@parcelwatch/compensation';
import { idFromName } from '@parcelwatch/contracts';
import { createDb, type Database } from '@parcelwatch/db';
import { createDetectorService, type DetectorService } from '@parcelwatch/detector';
import { createTikTokShopMarketplace } from '@parcelwatch/marketplace';
import { createNormalizerService } from '@parcelwatch/normalizer';
import { createPollerService, createSandboxPollerClients, DEFAULT_CADENCE, type PollerService } from '@parcelwatch/poller';
import { fixedClock, type FixedClock, type Service } from '@parcelwatch/service-kit';
import { createTestDatabase, kafkaBrokers, uniqueTopic, type s3Settings } from '@parcelwatch/test-harness';
import type { Admin } from 'kafkajs';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { setTimeout as pause } from 'node:timers/promises';
import { FORCED_ONLY, planShipments, SEED, START, STEP_HOURS, stepTimes, type PlannedShipment } from '../e2e/exception-pipeline.journeys.js';
import { expectedFor } from '../e2e/exception-pipeline.oracle.js';
import type { PipelineContext } from '../e2e/exception-pipeline.fixture.js';
import type { StageSinks } from '../e2e/notification-pipeline.builders.js';
import { NotificationStages } from '../e2e/notification-pipeline.stages.js';
import { logger } from '../e2e/tracking-pipeline.fixture.js';

const MINUTE = 60_000;
/**
 * 7 days: the first deliveries, stalls, customs holds, failed attempts, damage, late tiers 1 and
 * 2 and their compensations happen (each step costs ~2-30 s of real time, by the machine's load).
 */
export const FAULT_STEPS = 14;

/** Every other e2e journey (27, each kind of the e2e), with what the oracle expects after FAULT_STEPS steps. */
export function faultJourneys(steps = FAULT_STEPS): PlannedShipment[] {
  const times = stepTimes().slice(0, steps);
  return planShipments()
    .filter((_, i) => i % 2 === 0)
    .map((p) => ({ ...p, expected: expectedFor(p, times) }))
    .filter((p) => p.expected.ambiguous === null);
}

/** The services that consume the bus: what a fault test may run elsewhere (each in a child process). */
export const CONSUMING_SERVICES = ['normalizer', 'detector', 'compensation', 'notifier', 'archiver'] as const;
export type ConsumingService = (typeof CONSUMING_SERVICES)[number];

/** What a consuming service run elsewhere needs: the pipeline's settings and its clock's time. */
export interface ServiceSettings {
  service: ConsumingService;
  brokers: string[];
  databaseUrl: string;
  topics: Topics;
  groups: FaultPipeline['groups'];
  now: string;
  /** The notifier's and archiver's servers. */
  sinks: StageSinks;
}

/** A consuming service running elsewhere; `setNow` follows the pipeline's clock. */
export type RunningService = Service & { setNow?(now: string): void };
export type StartService = (settings: ServiceSettings) => Promise<RunningService>;

export interface FaultPipelineOptions {
  /** Another broker than the suite's (a fault test stops its own). */
  brokers?: string[];
  s3?: ReturnType<typeof s3Settings>;
  steps?: number;
  /**
   * Runs each consuming service (default: in this process, like the e2e). The detector's sweeps
   * and the notifier's sends stay in this process, driven step by step.
   */
  startService?: StartService;
  /** Before the clock moves to a step's time (the step's polls have not run). */
  beforeStep?(pipeline: FaultPipeline, step: number): Promise<void>;
  /** Right after the step's snapshots reached Kafka: the normalizer is consuming them. Not awaited until the step ends. */
  midStep?(pipeline: FaultPipeline, step: number): Promise<void>;
  /**
   * Once the step's snapshots are in the outbox and before any reached Kafka: for a fault that
   * must see the normalizer's first commit of the step (it can finish a step's snapshots before
   * `midStep` would start). Not awaited until the step ends.
   */
  beforeRelay?(pipeline: FaultPipeline, step: number): Promise<void>;
}

const orderIdOf = (index: number) => `E2E-X-${index}`;

export interface Topics extends Record<string, string> {
  shipments: string;
  trackingSnapshots: string;
  shipmentEvents: string;
  shipmentExceptions: string;
  shipmentDelays: string;
  compensations: string;
}

export class FaultPipeline {
  /** Every move is told to the services running elsewhere. */
  readonly clock: FixedClock = followedBy(fixedClock(START), (now) => {
    for (const service of this.running.values()) service.setNow?.(now);
  });
  readonly stages: NotificationStages;
  readonly topics: Topics;
  readonly groups: { normalizer: string; detector: string; compensation: string; notifier: string; archiver: string; archiverSnapshots: string };
  readonly planned: PlannedShipment[];
  /** Driver calls that failed and were tried again, by what failed: what the fault did to the pipeline. */
  readonly driverErrors: string[] = [];
  /** Execution rounds that claimed something: what the marketplace did to the payouts. */
  readonly executionRounds: ExecutionRound[] = [];
  /** Real milliseconds each step took (for the report). */
  readonly stepMs: number[] = [];
  db!: Kysely<Database>;
  bus!: KafkaEventBus;
  sandbox!: CarrierSandboxService;
  private database: { url: string; drop(): Promise<void> } | undefined;
  private admin: Admin | undefined;
  private api: ApiService | undefined;
  private relayer: OutboxRelay | undefined;
  private poller: PollerService | undefined;
  private policy: PolicySource | undefined;
  private readonly running = new Map<ConsumingService, RunningService>();
  private detector: DetectorService | undefined;
  private compensation: CompensationService | undefined;
  private readonly steps: number;

  constructor(
    planned: PlannedShipment[],
    private readonly options: FaultPipelineOptions = {},
  ) {
    this.planned = planned;
    this.steps = options.steps ?? FAULT_STEPS;
    this.stages = new NotificationStages({ downAfterStep: -1, upAfterStep: -1 }, { ...(options.s3 ? { s3: options.s3 } : {}), consumersElsewhere: options.startService !== undefined });
    this.topics = {
      shipments: uniqueTopic('shipments'),
      trackingSnapshots: uniqueTopic('tracking.snapshots'),
      shipmentEvents: uniqueTopic('shipment.events'),
      shipmentExceptions: uniqueTopic('shipment.exceptions'),
      shipmentDelays: uniqueTopic('shipment.delays'),
      compensations: uniqueTopic('compensations'),
      ...this.stages.topics,
    };
    const suffix = idFromName('fault-pipeline', this.topics.shipmentEvents).slice(0, 8);
    this.groups = {
      normalizer: `normalizer-${suffix}`,
      detector: `detector-${suffix}`,
      compensation: `compensation-${suffix}`,
      notifier: this.stages.groups.notifier,
      archiver: this.stages.groups.archiver,
      archiverSnapshots: `${this.stages.groups.archiver}-snapshots`,
    };
  }

  /** A kafkajs admin (offsets, lag) on the brokers, whichever client library the bus runs on. */
  kafkaAdmin(): Admin {
    return kafkajsClient({ brokers: this.brokers(), clientId: 'fault-tests-admin' }, logger).admin();
  }

  brokers(): string[] {
    return this.options.brokers ?? kafkaBrokers();
  }

  databaseUrl(): string {
    return this.database!.url;
  }

  /** Sets everything up, registers the journeys and runs every step; the faults happen in the hooks. */
  async run(): Promise<void> {
    this.database = await createTestDatabase();
    this.db = await createDb({ kind: 'postgres', url: this.database.url, max: 8 });
    // KAFKA_CLIENT runs the faults on either client library (the service children inherit it).
    const client = process.env['KAFKA_CLIENT'] as KafkaClientName | undefined;
    this.bus = createKafkaBus(client, { brokers: this.brokers(), clientId: 'fault-tests', logger, requestTimeoutMs: 10_000, deadLetters: databaseDeadLetters(this.db) });
    await this.bus.connect();
    await this.bus.ensureTopics([
      { name: this.topics.shipments, partitions: 2, dlq: true },
      { name: this.topics.trackingSnapshots, partitions: 4, dlq: true },
      { name: this.topics.shipmentEvents, partitions: 4, dlq: true },
      { name: this.topics.shipmentExceptions, partitions: 2, dlq: true },
      { name: this.topics.shipmentDelays, partitions: 2, dlq: true },
      { name: this.topics.compensations, partitions: 2, dlq: true },
      ...Object.values(this.stages.topics).map((name) => ({ name, partitions: 2, dlq: true })),
    ]);
    this.admin = this.kafkaAdmin();
    await this.admin.connect();

    this.sandbox = createCarrierSandboxService({ logger, clock: this.clock, options: { seed: SEED, journeyRates: FORCED_ONLY, rateLimits: { '17track': null } } });
    await this.sandbox.start();
    this.sandbox.journeys.create(this.planned.map((p) => ({ trackingNumber: p.journey.trackingNumber, shippedAt: DateTime.fromISO(p.shippedAt, { zone: 'utc' }), outcome: p.journey.outcome, incidents: p.incidents })));
    // The shop's orders at the marketplace the compensations are paid through (the sandbox's TikTok Shop).
    this.sandbox.marketplace.registerOrders(this.planned.map((p, i) => ({ orderId: orderIdOf(i), trackingNumber: p.journey.trackingNumber, value: p.orderValue })));
    this.api = createApiService({ logger, clock: this.clock, db: this.db, topics: this.topics });
    await this.api.start();
    await this.register();

    const cadence = { ...DEFAULT_CADENCE, lastMileMs: MINUTE, customsMs: MINUTE, inTransitMs: MINUTE, lineHaulMs: MINUTE, notFoundMinMs: MINUTE, notFoundMaxMs: MINUTE, terminalMs: MINUTE, failureBaseMs: MINUTE, failureMaxMs: MINUTE, terminalGraceMs: 60 * 24 * 60 * MINUTE };
    const sandboxUrl = this.sandbox.url;
    const clock = this.clock;
    this.poller = createPollerService({
      logger,
      clock: this.clock,
      db: this.db,
      // The circuit breaker cools down on the pipeline's clock: on its default real clock, 30 s
      // would span many 12-hour steps here, and a step would poll nothing after an outage.
      clients: () =>
        createSandboxPollerClients({
          baseUrl: sandboxUrl,
          registry: new CarrierClientRegistry(),
          rateLimit: { requestsPerSecond: 50 },
          retry: { retries: 3, minTimeoutMs: 10, maxTimeoutMs: 100 },
          circuitBreaker: { now: () => clock.now().toMillis() },
        }),
      options: { topics: { trackingSnapshots: this.topics.trackingSnapshots }, cadence },
    });
    this.relayer = new OutboxRelay({ db: this.db, bus: this.bus, logger });
    this.policy = await loadPolicyStore(DEFAULT_POLICY_PATH, logger);
    await this.startServices();
    await this.relay();
    await this.caughtUp(this.groups.detector, [this.topics.shipments, this.topics.shipmentEvents]);
    await this.relay();
    await this.caughtUp(this.groups.compensation, [this.topics.shipmentExceptions, this.topics.shipmentDelays]);
    await this.relay();
    await this.persist('notifier/archiver step 0', () => this.stages.afterStep(this.context(), 0));

    for (let step = 1; step <= this.steps; step += 1) await this.step(step);
    // Two more days of sending: messages deferred past the last step (night, the daily cap) go out.
    for (let h = 0; h < 48; h += 1) {
      this.clock.advance({ hours: 1 });
      await this.executeCompensations();
      await this.persist('late sends', () => this.stages.tick(this.context()));
    }
    await this.persist('final relay', () => this.stages.afterStep(this.context(), this.steps + 1));
  }

  /** The time the journeys were last polled at: the checkpoints visible then must all be stored. */
  lastStepAt(): Date {
    return new Date(Date.parse(START) + this.steps * STEP_HOURS * 3_600_000);
  }

  private async step(step: number): Promise<void> {
    const started = Date.now();
    await this.options.beforeStep?.(this, step);
    const target = DateTime.fromMillis(Date.parse(START) + step * STEP_HOURS * 3_600_000, { zone: 'utc' });
    // Hour by hour (a hook may have moved the clock part of the way), sending what comes due.
    while (this.clock.now() < target.minus({ hours: 1 })) {
      this.clock.advance({ hours: 1 });
      await this.executeCompensations();
      await this.persist('hourly sends', () => this.stages.tick(this.context()));
    }
    this.clock.set(target);
    await this.drainPoller();
    const early = this.options.beforeRelay?.(this, step);
    await this.relay();
    const fault = this.options.midStep?.(this, step);
    await this.caughtUp(this.groups.normalizer, [this.topics.trackingSnapshots]);
    await this.relay();
    await this.caughtUp(this.groups.detector, [this.topics.shipments, this.topics.shipmentEvents]);
    await this.persist('detector sweep', () => this.detector!.sweepOnce());
    await this.relay();
    await this.caughtUp(this.groups.compensation, [this.topics.shipmentExceptions, this.topics.shipmentDelays]);
    await this.executeCompensations();
    await this.relay();
    await this.persist('notifier/archiver step', () => this.stages.afterStep(this.context(), step));
    await early;
    await fault;
    this.stepMs[step] = Date.now() - started;
  }

  /** One line for the test log: what the fault cost. */
  summary(): string {
    const kinds = [...new Set(this.driverErrors.map((e) => e.split(':')[0]))];
    return `steps ${this.stepMs.filter(Boolean).map((ms) => (ms / 1000).toFixed(1)).join(' ')} s; driver calls retried ${this.driverErrors.length}${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}`;
  }

  context(): PipelineContext {
    return {
      db: this.db,
      bus: this.bus,
      clock: this.clock,
      topics: this.topics,
      api: this.api!,
      relay: () => this.relay(),
      caughtUp: (groupId, topics) => this.caughtUp(groupId, topics),
    };
  }

  async stop(): Promise<void> {
    await this.stopServices().catch(() => undefined);
    await this.stages.close().catch(() => undefined);
    await this.api?.stop();
    await this.sandbox?.stop();
    await this.admin?.disconnect();
    await this.bus?.disconnect();
    await this.db?.destroy();
    await this.database?.drop();
  }

  /** Stops a consuming service (however it runs) and starts it again in the same group(s). */
  async restartService(service: ConsumingService): Promise<void> {
    const old = this.running.get(service);
    if (!old) throw new Error(`the ${service} is not restartable here (the notification stages run it)`);
    await old.stop();
    const fresh = await this.newService(service);
    this.running.set(service, fresh);
    await fresh.start();
  }

  /** A consuming service as it runs now (a child process's handle when one runs it). */
  service(service: ConsumingService): RunningService | undefined {
    return this.running.get(service);
  }

  private newService(service: ConsumingService): Promise<RunningService> {
    if (this.options.startService) {
      return this.options.startService({ service, brokers: this.brokers(), databaseUrl: this.database!.url, topics: this.topics, groups: this.groups, now: this.clock.now().toISO()!, sinks: this.stages.sinks() });
    }
    if (service === 'normalizer') {
      const topics = { trackingSnapshots: this.topics.trackingSnapshots, shipmentEvents: this.topics.shipmentEvents };
      return Promise.resolve(createNormalizerService({ logger, clock: this.clock, db: this.db, bus: this.bus, topics, groupId: this.groups.normalizer }));
    }
    if (service === 'detector') return Promise.resolve(this.detector!);
    if (service === 'compensation') return Promise.resolve(this.compensation!);
    throw new Error(`the notification stages run the ${service} in this process`);
  }

  private async startServices(): Promise<void> {
    const deps = { logger, clock: this.clock, db: this.db, bus: this.bus };
    // In this process always: the detector sweeps from here (its consumer may run elsewhere).
    this.detector = createDetectorService({ ...deps, policy: this.policy!, topics: this.topics, groupId: this.groups.detector, sweep: { enabled: false } });
    // The payouts go to the sandbox's TikTok Shop, with the settings `parcelwatch start` gives a service pointed at it.
    const market = sandboxClientEnv(this.sandbox.url);
    const marketplace = createTikTokShopMarketplace({
      baseUrl: market['MARKETPLACE_URL']!,
      appKey: market['MARKETPLACE_APP_KEY']!,
      appSecret: market['MARKETPLACE_APP_SECRET']!,
      accessToken: market['MARKETPLACE_ACCESS_TOKEN']!,
      shopCipher: () => market['MARKETPLACE_SHOP_CIPHER']!,
      nowSeconds: () => this.clock.now().toSeconds(),
    });
    this.compensation = createCompensationService({
      ...deps,
      policy: this.policy!,
      executor: createTikTokMarketplaceExecutor(marketplace),
      executionIntervalMs: 0,
      topics: { delays: this.topics.shipmentDelays, exceptions: this.topics.shipmentExceptions, compensations: this.topics.compensations },
      groupId: this.groups.compensation,
    });
    await this.stages.startStages(this.context());
    // Elsewhere: every consuming service; here the stages run the notifier and the archiver.
    const consumers = this.options.startService ? CONSUMING_SERVICES : (['normalizer', 'detector', 'compensation'] as const);
    for (const service of consumers) this.running.set(service, await this.newService(service));
    await Promise.all([...this.running.values()].map((service) => service.start()));
  }

  private async stopServices(): Promise<void> {
    await this.stages.stopStages();
    await Promise.all([...this.running.values()].map((service) => service.stop()));
  }

  private async register(): Promise<void> {
    const merchant = (i: number) => idFromName('fault-merchant', this.topics.shipments, String(i));
    await this.db.insertInto('merchants').values(this.planned.map((_, i) => ({ id: merchant(i), name: `Fault Merchant ${i}` }))).execute();
    await this.stages.prepare(this.context(), this.planned.map((_, i) => merchant(i)));
    const shipments = this.planned.map((p, i) => ({
      merchantId: merchant(i),
      orderId: orderIdOf(i),
      trackingNumber: p.journey.trackingNumber,
      originCountry: 'CN',
      destinationCountry: p.journey.destination.country,
      provider: '17track',
      promisedDeliveryDate: p.promisedDeliveryDate,
      orderValue: p.orderValue,
      buyer: this.stages.buyer(p, i),
    }));
    const ingest = await issueApiKey({ db: this.db, clock: this.clock }, { name: 'fault ingest', role: 'ingest', merchantIds: shipments.map((s) => s.merchantId), actor: 'fault-tests' });
    const response = await fetch(`${this.api!.url()}/v1/shipments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest.key}` }, body: JSON.stringify({ shipments }) });
    const body = (await response.json()) as { summary?: { created: number } };
    if (body.summary?.created !== this.planned.length) throw new Error(`registration failed: ${response.status} ${JSON.stringify(body)}`);
  }

  /**
   * Pays what is due through the sandbox's marketplace, round after round until a round claims
   * nothing, as the service's execution loop would (it runs on its own here: the clock is fixed).
   * What failed retriably is due again after its backoff, on a later hour of the clock.
   */
  async executeCompensations(): Promise<void> {
    await this.persist('compensation execution', async () => {
      for (;;) {
        const round = await this.compensation!.executeDue();
        if (round.executed + round.cancelled + round.failed + round.retryLater === 0) return;
        this.executionRounds.push(round);
      }
    });
  }

  /** Polls until nothing is due. Polls the carrier failed stay due later (the poller's own backoff). */
  async drainPoller(): Promise<{ failed: number }> {
    let failed = 0;
    for (let i = 0; i < 20; i += 1) {
      const report = await this.persist('poller tick', () => this.poller!.tick());
      failed += report.failed + report.registrationFailed;
      if (report.polled === 0 && report.registered === 0) return { failed };
    }
    throw new Error('poller kept finding due shipments after 20 ticks');
  }

  /** Relays the whole outbox (retrying while the broker or the database is away). */
  async relay(): Promise<void> {
    await this.persist('outbox relay', async () => {
      while ((await this.relayer!.relayOnce()) > 0);
    });
  }

  /**
   * Calls `work` until it goes through, as a service loop would after a failed round. Gives up
   * after `timeoutMs`: a fault that never heals is a hang the test must report.
   */
  async persist<T>(what: string, work: () => Promise<T>, timeoutMs = 180_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await work();
      } catch (error) {
        this.driverErrors.push(`${what}: ${String((error as Error).message ?? error).slice(0, 160)}`);
        if (Date.now() > deadline) throw new Error(`${what} kept failing for ${timeoutMs} ms`, { cause: error });
        await pause(250);
      }
    }
  }

  /** Waits until a group has processed every distinct message of its topics and has no lag on them. */
  async caughtUp(groupId: string, topics: string[], timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const expected = await this.written(topics);
        const processed = await this.db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).where('consumer_group', '=', groupId).executeTakeFirstOrThrow();
        if (Number(processed.n) >= expected && (await this.lag(groupId, topics)) === 0) return;
      } catch {
        // the database or the broker is away: wait for it like the consumers do
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${groupId} to catch up: ${await this.progress(groupId, topics)}`);
      await pause(100);
    }
  }

  /** Where a group stands, for a timeout's message. */
  private async progress(groupId: string, topics: string[]): Promise<string> {
    try {
      const processed = await this.db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).where('consumer_group', '=', groupId).executeTakeFirstOrThrow();
      return `processed ${processed.n} of ${await this.written(topics)} messages, lag ${await this.lag(groupId, topics)}`;
    } catch (error) {
      return `(no progress: ${String(error)})`;
    }
  }

  async written(topics: string[]): Promise<number> {
    const row = await this.db.selectFrom('outbox').select((eb) => eb.fn.countAll<string>().as('n')).where('topic', 'in', topics).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Consumer lag of a group over its topics (committed offsets against the ends). */
  async lag(groupId: string, topics: string[]): Promise<number> {
    let total = 0;
    const committed = await this.admin!.fetchOffsets({ groupId, topics });
    for (const topic of topics) {
      const ends = await this.admin!.fetchTopicOffsets(topic);
      const offsets = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const end of ends) total += Number(end.high) - Math.max(Number(offsets.find((p) => p.partition === end.partition)?.offset ?? '-1'), 0);
    }
    return total;
  }

  /** Every consumer group with the topics it reads. */
  subscriptions(): [string, string[]][] {
    const t = this.topics;
    return [
      [this.groups.normalizer, [t.trackingSnapshots]],
      [this.groups.detector, [t.shipments, t.shipmentEvents]],
      [this.groups.compensation, [t.shipmentExceptions, t.shipmentDelays]],
      [this.groups.notifier, [t.shipmentEvents, t.shipmentExceptions, t.shipmentDelays, t.compensations]],
      [this.groups.archiver, [t.shipmentEvents]],
      [this.groups.archiverSnapshots, [t.trackingSnapshots]],
    ];
  }
}

/** A fixed clock that calls `moved` with the new time each time it is set or advanced. */
function followedBy(clock: FixedClock, moved: (now: string) => void): FixedClock {
  return {
    ...clock,
    advance(by) {
      const now = clock.advance(by);
      moved(now.toISO()!);
      return now;
    },
    set(instant) {
      const now = clock.set(instant);
      moved(now.toISO()!);
      return now;
    },
  };
}
