import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { apiConfigSchema, buildApi, type ApiService, type TrackingLinkDeps } from '@parcelwatch/api';
import { secretBoxOf } from '@parcelwatch/secrets';
import { openBlobStore, type BlobStore } from '@parcelwatch/archive';
import { archiverConfigSchema, buildArchiver } from '@parcelwatch/archiver';
import { createKafkaBus, databaseDeadLetters, EmbeddedBus, OutboxRelay, kafkaBusOptions, type DeadLetterStore, type EventBus } from '@parcelwatch/bus';
import { createCarrierSandboxService, sandboxClientEnv, type CarrierSandboxOptions, type CarrierSandboxService } from '@parcelwatch/carrier-sandbox';
import { buildCompensation, compensationConfigSchema, type CompensationService } from '@parcelwatch/compensation';
import { describeAdapters, parseEnvAll, selectAdapters, type AdapterPlan, type Env } from '@parcelwatch/config';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { buildDetector, detectorConfigSchema, type DetectorService } from '@parcelwatch/detector';
import type { Logger } from '@parcelwatch/logger';
import { buildNormalizer, normalizerConfigSchema } from '@parcelwatch/normalizer';
import { buildNotifier, notifierConfigSchema, type NotifierService } from '@parcelwatch/notifier';
import { buildPoller, pollerConfigSchema, type PollerService } from '@parcelwatch/poller';
import { createMetricsRegistry, type Clock, type ReadinessCheck, type Service, type ServiceHost, type ServiceUnit } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { openMessageSinks } from './message-sinks.js';
import { keepSecretKey } from './secret-key-file.js';

/*
 * `parcelwatch start` composes every service in one process: it parses each service's own
 * config (src/config.ts) from one environment, opens the adapters once (one database, one bus,
 * one blob store, one outbox relay) and calls each service's build function, exactly as each
 * service's main.ts does. The api is the one front door: the other services' routes are mounted
 * on it. Nothing here reaches inside a service.
 */

/** The adapters every service shares in one process, the services built on them, and the api in front. */
export interface Stack {
  plan: AdapterPlan;
  db: Kysely<Database>;
  bus: EventBus;
  blobStore: BlobStore;
  relay: OutboxRelay;
  api: ApiService;
  /** In start order (jobs after their service); stopped in reverse. The sandbox is not among them: it runs from the start. */
  services: Service[];
  /** The services a simulated-clock run drives between steps (the demo). */
  parts: DemoParts;
  /** Where buyer messages go, per channel (local sinks or the configured providers). */
  channels: Record<string, string>;
  /** The buyer tracking links as the api and the notifier quote them (the demo prints one). */
  trackingLinks: TrackingLinkDeps;
  close(): Promise<void>;
}

export interface DemoParts {
  bus: EventBus;
  /** Running when the stack was opened with one (the demo): the carriers and the marketplace point at it. */
  sandbox: CarrierSandboxService | null;
  poller: PollerService;
  detector: DetectorService;
  notifier: NotifierService;
  compensation: CompensationService;
  relay: OutboxRelay;
}

export interface StackOptions {
  /** What every service's config is parsed from (process.env, usually). */
  env: Env;
  logger: Logger;
  clock: Clock;
  /** infra/kafka/topics.yaml: topics are created from it when the bus is real Kafka. */
  topicsFile: string;
  /** Where local message sinks keep what they receive when no provider is configured (default data/outbox). */
  outboxDir?: string;
  /**
   * Run the carrier sandbox (the demo): it starts first, and every carrier and the marketplace
   * are pointed at it, whatever the environment says. Without it the services reach the hosts
   * their configuration names: the providers' production hosts unless overridden.
   */
  sandbox?: CarrierSandboxOptions | null;
  /** Further settings the composer decides for every service (the demo's pacing), over the environment. */
  overrides?: Env;
  /**
   * On the embedded database (no DATABASE_URL) and without PARCELWATCH_SECRET_KEY in the
   * environment: the file that keeps the key carrier accounts are sealed under (created once,
   * mode 0600), given to the api, the poller and the notifier as their PARCELWATCH_SECRET_KEY.
   */
  secretKeyFile?: string;
}

async function openBus(plan: AdapterPlan, logger: Logger, topicsFile: string, deadLetters: DeadLetterStore): Promise<EventBus> {
  if (plan.bus.kind === 'embedded') return new EmbeddedBus({ logger: logger.child({ component: 'embedded-bus' }), deadLetters });
  const bus = createKafkaBus(plan.bus.client, { ...kafkaBusOptions(plan.bus, logger.child({ component: 'kafka-bus' })), deadLetters });
  const admin = bus.topicAdmin();
  try {
    await admin.ensureTopicsFromFile(topicsFile);
  } finally {
    await admin.disconnect();
  }
  return bus;
}

/**
 * Opens the adapters the environment names (embedded PGlite/bus/filesystem, or real
 * PostgreSQL/Kafka/S3), migrates the database, and builds every service on them. Nothing but the
 * sandbox (when asked for) and the local message sinks is started yet.
 */
export async function openStack(options: StackOptions): Promise<Stack> {
  const { logger, clock } = options;
  const closers: (() => Promise<void> | void)[] = [];
  const host: ServiceHost = { logger, clock, onClose: (_name, close) => void closers.push(close) };

  let sandbox: CarrierSandboxService | null = null;
  if (options.sandbox) {
    sandbox = createCarrierSandboxService({ logger, clock, options: options.sandbox });
    await sandbox.start();
    closers.push(() => sandbox?.stop());
  }
  // Buyer messages go to local sinks on loopback unless SMTP_URL / SMS_API_URL name providers.
  const sinks = await openMessageSinks(options.outboxDir ?? 'data/outbox', options.env, logger, clock);
  closers.push(() => sinks.close());
  const secretKey = await embeddedSecretKey(options);
  const composed: Env = { ...options.env, ...sinks.env, ...(sandbox ? sandboxClientEnv(sandbox.url) : {}), ...secretKey, ...options.overrides };
  const env: Env = { ...composed, ...trackingPageBase(composed) };
  // Every service's configuration, every problem of all of them reported at once.
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
  const plan = selectAdapters(configs.api);
  if (plan.database.kind === 'pglite' && plan.database.dataDir !== undefined) {
    await mkdir(path.dirname(path.resolve(plan.database.dataDir)), { recursive: true });
  }
  // PGlite on its own thread: the database and the services' JavaScript each get a core.
  const db = await createDb(plan.database.kind === 'pglite' ? { ...plan.database, thread: 'worker' } : plan.database);
  const applied = await migrateToLatest(db);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  // Dead letters are kept in the database on either bus (`parcelwatch dlq`, /v1/dead-letters).
  const bus = await openBus(plan, logger, options.topicsFile, databaseDeadLetters(db));
  await bus.connect();
  const blobStore = await openBlobStore(plan.blobStore, { logger: logger.child({ component: 'blob-store' }) });
  const relay = new OutboxRelay({ db, bus, logger: logger.child({ component: 'outbox-relay' }) });
  logger.info({ adapters: describeAdapters(plan) }, 'adapters open');

  const services: Service[] = [];
  // The api's readiness reports on every service of the process.
  const allHealthy: ReadinessCheck = {
    name: 'services',
    check: async () => {
      const states = await Promise.all(services.map(async (service) => [service.name, await service.isHealthy()] as const));
      const down = states.filter(([, healthy]) => !healthy).map(([name]) => name);
      if (down.length > 0) throw new Error(`not healthy: ${down.join(', ')}`);
    },
  };
  // One /metrics for the process, served by the api: the poller's and notifier's figures go there too.
  const registry = createMetricsRegistry({ service: 'parcelwatch' });
  const api = await buildApi(configs.api, host, { db, checks: [allHealthy], registry });
  const shared = { db, bus };
  const normalizer = buildNormalizer(configs.normalizer, host, shared);
  const poller = buildPoller(configs.poller, host, { ...shared, registry });
  const detector = await buildDetector(configs.detector, host, shared);
  const notifier = buildNotifier(configs.notifier, host, { ...shared, registry });
  const compensation = await buildCompensation(configs.compensation, host, { ...shared, registry });
  const archiver = buildArchiver(configs.archiver, host, { ...shared, blobStore });
  const units: ServiceUnit[] = [normalizer, poller, detector, notifier, compensation, archiver, api];
  for (const unit of units) {
    unit.routes?.(api.service.app);
    services.push(unit.service, ...(unit.jobs ?? []));
  }
  return {
    plan,
    db,
    bus,
    blobStore,
    relay,
    api: api.service,
    services,
    parts: { bus, sandbox, poller: poller.service, detector: detector.service, notifier: notifier.service, compensation: compensation.service, relay },
    channels: sinks.describe(),
    trackingLinks: { db, secrets: secretBoxOf(configs.api), baseUrl: () => configs.api.TRACKING_PAGE_BASE_URL ?? configs.api.PUBLIC_URL ?? api.service.url() },
    async close() {
      for (const close of closers.reverse()) await close();
      await bus.disconnect();
      await db.destroy();
    },
  };
}

/**
 * Buyer messages link the tracking pages this api serves: unless the environment names their
 * public base (TRACKING_PAGE_BASE_URL, or PUBLIC_URL), the api's own address when its port is
 * fixed (an ephemeral port is known only once listening, too late for the notifier's settings).
 */
function trackingPageBase(env: Env): Env {
  if (env['TRACKING_PAGE_BASE_URL'] !== undefined) return {};
  if (env['PUBLIC_URL'] !== undefined) return { TRACKING_PAGE_BASE_URL: env['PUBLIC_URL'] };
  const port = env['PORT'] ?? '3000';
  if (port === '0') return {};
  const host = env['HOST'] === undefined || env['HOST'] === '0.0.0.0' || env['HOST'] === '::' ? '127.0.0.1' : env['HOST'];
  return { TRACKING_PAGE_BASE_URL: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}

/** PARCELWATCH_SECRET_KEY from the stack's key file, when the stack runs embedded and the environment sets none. */
async function embeddedSecretKey(options: StackOptions): Promise<Env> {
  const { env, secretKeyFile } = options;
  if (secretKeyFile === undefined || env.DATABASE_URL !== undefined || env.PARCELWATCH_SECRET_KEY !== undefined) return {};
  const { key, created } = await keepSecretKey(secretKeyFile);
  options.logger.info({ file: secretKeyFile, created }, 'carrier accounts are sealed under the key kept in this file (set PARCELWATCH_SECRET_KEY to use another)');
  return { PARCELWATCH_SECRET_KEY: key };
}
