import { createIdempotentHandler, type BusConsumer, type EventBus } from '@parcelwatch/bus';
import { TOPIC } from '@parcelwatch/contracts';
import type { Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import { marketplaceFromSettings } from '@parcelwatch/marketplace';
import { startRoundLoop, type Clock, type RoundLoop, type Service, type ServiceHost, type ServiceUnit } from '@parcelwatch/service-kit';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import { registerCompensationMetrics } from './compensation.metrics.js';
import { registerApprovalRoutes } from './approval/approval.routes.js';
import { createApprovalWorkflow, type ApprovalWorkflow } from './approval/approval.workflow.js';
import { createExecutionWorker, type ExecutionRound } from './execution/execution.worker.js';
import type { CompensationExecutor } from './execution/executor.js';
import type { RetrySchedule } from './execution/retry.schedule.js';
import type { CompensationConfig } from './config.js';
import { createTikTokMarketplaceExecutor } from './execution/tiktok-marketplace.executor.js';
import { loadPolicyStore, type PolicySource } from '@parcelwatch/policy';
import { createTriggerApplier, triggerParser, type TriggerEvent } from './trigger.handler.js';

export const COMPENSATION_GROUP = 'compensation';

/** Everything the compensation service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface CompensationDeps {
  logger: Logger;
  clock: Clock;
  db: Kysely<Database>;
  /** Connected by the caller; the service only subscribes (and stops its consumer). */
  bus: EventBus;
  /** The current policy (a PolicyStore reloads it from its file). */
  policy: PolicySource;
  /** Where approved compensations are paid; without one they wait, approved, until one is configured. */
  executor?: CompensationExecutor | null;
  /** Defaults: the registry names (tests pass unique ones). */
  topics?: { delays?: string; exceptions?: string; compensations?: string };
  groupId?: string;
  maxBatchSize?: number;
  concurrency?: number;
  /** Clock time between execution rounds (default 10 s); 0 runs none on its own (tests call executeDue). */
  executionIntervalMs?: number;
  /** Lease of an unfinished execution before it is retried with the same key (default 5 min). */
  executionLeaseMs?: number;
  /** Backoff of retriable payout failures and how long they are retried (defaults: 30 s doubling to 30 min, for 3 days). */
  executionRetry?: Partial<RetrySchedule>;
  /** Where the service's figures go (served at /metrics); none: not registered. */
  registry?: Registry;
}

export interface CompensationService extends Service {
  readonly topics: { delays: string; exceptions: string; compensations: string };
  readonly approvals: ApprovalWorkflow;
  /** One execution round now (the loop calls it too). */
  executeDue(): Promise<ExecutionRound>;
  /** The approval routes, on the caller's fastify instance (the service's health server, or the api). */
  registerRoutes(app: FastifyInstance): void;
}

const NO_ROUND: ExecutionRound = { executed: 0, cancelled: 0, failed: 0, retryLater: 0 };

/**
 * Decides tiered compensation from delay and exception events, routes approvals and pays what
 * is approved. Decisions and their events are written in one transaction (outbox); the relay
 * that publishes them is wired next to the service, not in it.
 */
export function createCompensationService(deps: CompensationDeps): CompensationService {
  const logger = deps.logger.child({ component: 'compensation' });
  const topics = {
    delays: deps.topics?.delays ?? TOPIC.shipmentDelays,
    exceptions: deps.topics?.exceptions ?? TOPIC.shipmentExceptions,
    compensations: deps.topics?.compensations ?? TOPIC.compensations,
  };
  const groupId = deps.groupId ?? COMPENSATION_GROUP;
  const apply = createTriggerApplier({ policy: deps.policy, compensationsTopic: topics.compensations, now: () => deps.clock.now() });
  const approvals = createApprovalWorkflow({ db: deps.db, clock: deps.clock, compensationsTopic: topics.compensations });
  const worker =
    deps.executor === undefined || deps.executor === null
      ? null
      : createExecutionWorker({ db: deps.db, clock: deps.clock, logger, executor: deps.executor, compensationsTopic: topics.compensations, leaseMs: deps.executionLeaseMs, retry: deps.executionRetry });
  const intervalMs = deps.executionIntervalMs ?? 10_000;
  if (deps.registry) registerCompensationMetrics(deps.registry, deps.db);
  let consumer: BusConsumer | null = null;
  let loop: RoundLoop | null = null;

  return {
    name: 'compensation',
    topics,
    approvals,
    executeDue: () => (worker === null ? Promise.resolve(NO_ROUND) : worker.runOnce()),
    registerRoutes: (app) => registerApprovalRoutes(app, approvals),
    async start() {
      if (consumer !== null) return;
      consumer = deps.bus.subscribe<TriggerEvent>({
        topics: [topics.delays, topics.exceptions],
        groupId,
        parse: triggerParser,
        handler: createIdempotentHandler<TriggerEvent>({ db: deps.db, groupId, apply }),
        maxBatchSize: deps.maxBatchSize ?? 100,
        concurrency: deps.concurrency ?? 2,
        logger,
      });
      await consumer.start();
      if (worker !== null && intervalMs > 0) {
        loop = startRoundLoop({
          clock: deps.clock,
          intervalMs,
          round: () => worker.runOnce(),
          onError: (err) => logger.error({ err }, 'compensation execution round failed; next round retries'),
        });
      } else if (worker === null) {
        logger.warn('no marketplace executor configured: approved compensations wait until one is');
      }
      logger.info({ topics: [topics.delays, topics.exceptions], groupId, policy: deps.policy.current().version, at: deps.clock.now().toISO() }, 'compensation started');
    },
    async stop() {
      const running = consumer;
      consumer = null;
      const executing = loop;
      loop = null;
      await executing?.stop();
      await running?.stop();
      logger.info('compensation stopped');
    },
    isHealthy: () => consumer?.isHealthy() ?? false,
  };
}

/**
 * Compensation as a deployment runs it, from its configuration: the policy (an invalid one at
 * start is fatal, every problem listed; later an invalid edit is refused and the old one stays),
 * watched for edits and reloaded on SIGHUP, and the executor of the configured marketplace. Its main.ts and
 * `parcelwatch start` both call this.
 */
export async function buildCompensation(
  config: CompensationConfig,
  host: ServiceHost,
  adapters: { db: Kysely<Database>; bus: EventBus; registry?: Registry },
): Promise<ServiceUnit<CompensationService>> {
  const policy = await loadPolicyStore(config.COMPENSATION_POLICY_PATH, host.logger);
  policy.watch(config.COMPENSATION_POLICY_WATCH_MS);
  // SIGHUP reloads it at once.
  const onHangup = () => void policy.reload();
  process.on('SIGHUP', onHangup);
  host.onClose('compensation policy watch', () => {
    process.off('SIGHUP', onHangup);
    policy.close();
  });
  const marketplace = marketplaceFromSettings(config, () => host.clock.now().toSeconds());
  const service = createCompensationService({
    logger: host.logger,
    clock: host.clock,
    db: adapters.db,
    bus: adapters.bus,
    policy,
    executor: marketplace === null ? null : createTikTokMarketplaceExecutor(marketplace),
    executionIntervalMs: config.COMPENSATION_EXECUTION_INTERVAL_MS,
    executionLeaseMs: config.COMPENSATION_EXECUTION_LEASE_MS,
    executionRetry: {
      baseMs: config.COMPENSATION_RETRY_BASE_MS,
      maxDelayMs: config.COMPENSATION_RETRY_MAX_DELAY_MS,
      horizonMs: config.COMPENSATION_RETRY_HORIZON_HOURS * 3_600_000,
    },
    ...(adapters.registry ? { registry: adapters.registry } : {}),
  });
  return { service, routes: (app) => service.registerRoutes(app) };
}
