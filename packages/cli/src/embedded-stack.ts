import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AdapterPlan } from '@parcelwatch/config';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { EmbeddedBus, KafkaBus, OutboxRelay, type EventBus } from '@parcelwatch/bus';
import type { BlobStore } from '@parcelwatch/archive';
import type { Logger } from '@parcelwatch/logger';
import type { Clock, ReadinessCheck, Service } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { createApiService, createPerformanceRollupJob, createRetentionJob, openApiProofStore, rateLimitsFromEnv, retentionFromEnv, webhookSecretsFromEnv, type ApiService } from '@parcelwatch/api';
import { createPollerService, createSandboxPollerClients, DEFAULT_CADENCE, type CadencePolicy, type PollerService } from '@parcelwatch/poller';
import { CarrierClientRegistry } from '@parcelwatch/carriers';
import { createNormalizerService } from '@parcelwatch/normalizer';
import { createDetectorService, type DetectorService } from '@parcelwatch/detector';
import { createMerchantWebhooks, createNotifierService, type NotifierService } from '@parcelwatch/notifier';
import { openMessageSinks } from './message-sinks.js';
import { createCompensationService, DEFAULT_POLICY_PATH, loadPolicyStore } from '@parcelwatch/compensation';
import { createArchiverService } from '@parcelwatch/archiver';
import { createCarrierSandboxService, type CarrierSandboxOptions, type CarrierSandboxService } from '@parcelwatch/carrier-sandbox';

/** The adapters every service shares in one process: one database, one bus, one blob store. */
export interface Stack {
  db: Kysely<Database>;
  bus: EventBus;
  blobStore: BlobStore;
  relay: OutboxRelay;
  /** The front door: shipment intake, webhooks, /healthz, /readyz and /metrics on one port. */
  api: ApiService;
  /** In start order; stopped in reverse. */
  services: Service[];
  /** The services a simulated-clock run drives between steps (`parcelwatch start`'s demo). */
  parts: DemoParts;
  /** Where buyer messages go, per channel (local sinks or the configured providers). */
  channels: Record<string, string>;
  close(): Promise<void>;
}

export interface StackOptions {
  plan: AdapterPlan;
  logger: Logger;
  clock: Clock;
  /** infra/kafka/topics.yaml: topics are created from it when the bus is real Kafka. */
  topicsFile: string;
  http: { host: string; port: number };
  /** Where local message sinks keep what they receive when no provider is configured (default data/outbox). */
  outboxDir?: string;
  /** The carrier sandbox's options (seed, rate limits, faults); its defaults otherwise. */
  sandbox?: CarrierSandboxOptions;
  /** Poller tuning: the carrier clients' request rate (per real second) and the poll cadence. */
  poller?: { requestsPerSecond?: number; cadence?: Partial<CadencePolicy> };
}

export interface DemoParts {
  bus: EventBus;
  sandbox: CarrierSandboxService;
  poller: PollerService;
  detector: DetectorService;
  notifier: NotifierService;
  relay: OutboxRelay;
}

async function openBus(options: StackOptions): Promise<EventBus> {
  const { plan, logger } = options;
  if (plan.bus.kind === 'embedded') return new EmbeddedBus({ logger: logger.child({ component: 'embedded-bus' }) });
  const bus = new KafkaBus({ brokers: plan.bus.brokers, clientId: plan.bus.clientId, logger: logger.child({ component: 'kafka-bus' }) });
  const admin = bus.topicAdmin();
  try {
    await admin.ensureTopicsFromFile(options.topicsFile);
  } finally {
    await admin.disconnect();
  }
  return bus;
}

/**
 * Opens the adapters the plan names (embedded PGlite/bus/filesystem, or real PostgreSQL/Kafka/S3),
 * migrates the database, and builds every service on them. Nothing is started yet.
 */
export async function openStack(options: StackOptions): Promise<Stack> {
  const { plan, logger, clock } = options;
  if (plan.database.kind === 'pglite' && plan.database.dataDir !== undefined) {
    await mkdir(path.dirname(path.resolve(plan.database.dataDir)), { recursive: true });
  }
  // PGlite on its own thread: the database and the services' JavaScript each get a core.
  const db = await createDb(plan.database.kind === 'pglite' ? { ...plan.database, thread: 'worker' } : plan.database);
  const applied = await migrateToLatest(db);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  const bus = await openBus(options);
  await bus.connect();
  // The api's URL is known once it listens, hence the function (filesystem store: signed links to /v1/blobs).
  const front: { api?: ApiService } = {};
  const proofs = await openApiProofStore(plan.blobStore, { publicUrl: () => process.env['PUBLIC_URL'] ?? (front.api as ApiService).url() });
  const blobStore = proofs.blobStore;
  const relay = new OutboxRelay({ db, bus, logger: logger.child({ component: 'outbox-relay' }) });
  const deps = { logger, clock };
  const sandbox = createCarrierSandboxService({ ...deps, ...(options.sandbox ? { options: options.sandbox } : {}) });
  const services: Service[] = [];
  const allHealthy: ReadinessCheck = {
    name: 'services',
    check: async () => {
      const states = await Promise.all(services.map(async (service) => [service.name, await service.isHealthy()] as const));
      const down = states.filter(([, healthy]) => !healthy).map(([name]) => name);
      if (down.length > 0) throw new Error(`not healthy: ${down.join(', ')}`);
    },
  };
  const api = createApiService({
    ...deps,
    db,
    webhookSecrets: webhookSecretsFromEnv(process.env),
    host: options.http.host,
    port: options.http.port,
    checks: [allHealthy],
    blobStore,
    ...(proofs.signedBlobs !== undefined ? { signedBlobs: proofs.signedBlobs } : {}),
    // API keys on, as in production; `parcelwatch start` makes an admin key (data/admin-key).
    access: { enabled: true, rateLimits: rateLimitsFromEnv(process.env) },
  });
  front.api = api;
  // The compensation policy reloads when its file changes; approvals are served by the api.
  const policy = await loadPolicyStore(process.env['COMPENSATION_POLICY_PATH'] ?? DEFAULT_POLICY_PATH, logger);
  policy.watch();
  const compensation = createCompensationService({ ...deps, db, bus, policy });
  compensation.registerRoutes(api.app);
  // Buyer messages go to local sinks unless providers are configured; merchant webhooks and
  // their admin routes are served by the api.
  const sinks = await openMessageSinks(options.outboxDir ?? 'data/outbox', process.env, logger);
  const merchantWebhooks = createMerchantWebhooks({ ...deps, db });
  const notifier = createNotifierService({ ...deps, db, bus, senders: sinks.senders, merchantWebhooks });
  notifier.registerRoutes(api.app);
  const archiver = createArchiverService({ ...deps, db, bus, blobStore });
  archiver.registerRoutes(api.app);
  const rate = options.poller?.requestsPerSecond;
  const poller = createPollerService({
    ...deps,
    db,
    // The sandbox's URL is known once it has started, hence the factory.
    clients: () => createSandboxPollerClients({ baseUrl: sandbox.url, registry: new CarrierClientRegistry(), ...(rate ? { rateLimit: { requestsPerSecond: rate } } : {}) }),
    ...(options.poller?.cadence ? { options: { cadence: { ...DEFAULT_CADENCE, ...options.poller.cadence } } } : {}),
  });
  const detector = createDetectorService({ ...deps, db, bus });
  services.push(
    sandbox,
    createNormalizerService({ ...deps, db, bus }),
    poller,
    detector,
    notifier,
    compensation,
    archiver,
    // The carrier performance report's daily rollup, re-aggregated from what triggers mark stale.
    createPerformanceRollupJob({ db, logger }),
    // Published outbox rows, old dedupe ids and webhook receipts pruned past their age, hourly.
    createRetentionJob({ db, logger, clock: deps.clock, policy: retentionFromEnv(process.env) }),
    api,
  );
  return {
    db,
    bus,
    blobStore,
    relay,
    api,
    services,
    parts: { bus, sandbox, poller, detector, notifier, relay },
    channels: sinks.describe(),
    async close() {
      policy.close();
      await sinks.close();
      await bus.disconnect();
      await db.destroy();
    },
  };
}
