import { createIdempotentHandler, type BusConsumer, type EventBus } from '@parcelwatch/bus';
import { TOPIC, type ParcelwatchEvent } from '@parcelwatch/contracts';
import type { Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import { defaultPolicy, loadPolicyStore, type PolicySource } from '@parcelwatch/policy';
import { startRoundLoop, type Clock, type RoundLoop, type Service, type ServiceHost, type ServiceUnit } from '@parcelwatch/service-kit';
import type { DetectorConfig } from './config.js';
import { loadThresholdsFile } from './thresholds.config.js';
import type { Kysely } from 'kysely';
import type { DetectionCounts } from './detection.round.js';
import { sweepDue } from './detection.sweep.js';
import { DEFAULT_THRESHOLDS, fileOverrides, withDefaults, type ThresholdsFile } from './domain/thresholds.js';
import { createShipmentEventApplier, shipmentEventParser } from './shipment-event.handler.js';
import { ThresholdSource } from './threshold.source.js';
import { TransitSource } from './transit.source.js';

export const DETECTOR_GROUP = 'detector';

export interface DetectorTopics {
  shipmentEvents: string;
  shipments: string;
  shipmentExceptions: string;
  shipmentDelays: string;
}

/** Everything the detector service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface DetectorDeps {
  logger: Logger;
  clock: Clock;
  db: Kysely<Database>;
  /** Connected by the caller; the service only subscribes (and stops its consumer). */
  bus: EventBus;
  /** Defaults: the registry names (tests pass unique ones). */
  topics?: Partial<DetectorTopics>;
  groupId?: string;
  /** The parsed thresholds file (DETECTOR_THRESHOLDS_FILE), or none: the table's defaults. */
  thresholdsFile?: ThresholdsFile | null;
  /** The compensation policy, whose delay tiers the delay events carry. Default: the shipped policy. */
  policy?: PolicySource;
  /** Events per transaction (default 200) and partitions handled at once (default 2). */
  maxBatchSize?: number;
  concurrency?: number;
  /** The time sweep: every `intervalMs` of clock time (default 60 s); `enabled: false` leaves it to sweepOnce(). */
  sweep?: { enabled?: boolean; intervalMs?: number; batchSize?: number; concurrency?: number };
}

export interface DetectorService extends Service {
  readonly topics: DetectorTopics;
  /** Claims and evaluates every shipment due now; what the sweep loop runs each interval. */
  sweepOnce(): Promise<DetectionCounts>;
}

const fixedPolicy = (policy: ReturnType<typeof defaultPolicy>): PolicySource => ({ current: () => policy });

/**
 * Turns parcel state into exceptions and delay events: re-evaluates a shipment whenever
 * shipment.events (or shipments) says something about it, and sweeps the shipments whose
 * deadline on the detection schedule has come. Events leave through the outbox; the relay that publishes
 * them is wired next to the service, not in it.
 */
export function createDetectorService(deps: DetectorDeps): DetectorService {
  const logger = deps.logger.child({ component: 'detector' });
  const topics: DetectorTopics = {
    shipmentEvents: deps.topics?.shipmentEvents ?? TOPIC.shipmentEvents,
    shipments: deps.topics?.shipments ?? TOPIC.shipments,
    shipmentExceptions: deps.topics?.shipmentExceptions ?? TOPIC.shipmentExceptions,
    shipmentDelays: deps.topics?.shipmentDelays ?? TOPIC.shipmentDelays,
  };
  const groupId = deps.groupId ?? DETECTOR_GROUP;
  const file = deps.thresholdsFile ?? null;
  const round = {
    thresholds: new ThresholdSource({ base: withDefaults(DEFAULT_THRESHOLDS, file), fileOverrides: fileOverrides(file), logger }),
    policy: deps.policy ?? fixedPolicy(defaultPolicy()),
    transit: new TransitSource(),
    topics,
  };
  const sweepSettings = { enabled: true, intervalMs: 60_000, batchSize: 1000, concurrency: 1, ...deps.sweep };
  const sweepOnce = () =>
    sweepDue(deps.clock.now().toMillis(), { ...round, db: deps.db, batchSize: sweepSettings.batchSize, concurrency: sweepSettings.concurrency });

  let consumer: BusConsumer | null = null;
  let sweeper: RoundLoop | null = null;
  let sweepFailing = false;

  return {
    name: 'detector',
    topics,
    sweepOnce,
    async start() {
      if (consumer !== null) return;
      consumer = deps.bus.subscribe<ParcelwatchEvent>({
        topics: [topics.shipmentEvents, topics.shipments],
        groupId,
        parse: shipmentEventParser,
        handler: createIdempotentHandler<ParcelwatchEvent>({
          db: deps.db,
          groupId,
          apply: createShipmentEventApplier({ ...round, now: () => deps.clock.now().toMillis() }),
        }),
        maxBatchSize: deps.maxBatchSize ?? 200,
        concurrency: deps.concurrency ?? 2,
        logger,
      });
      await consumer.start();
      if (sweepSettings.enabled) {
        sweeper = startRoundLoop({
          clock: deps.clock,
          intervalMs: sweepSettings.intervalMs,
          immediately: true,
          round: sweepOnce,
          onSuccess: (counts) => {
            sweepFailing = false;
            if (counts.shipments > 0) logger.info(counts, 'sweep done');
          },
          // The next interval tries again; until then health says so.
          onError: (err) => {
            sweepFailing = true;
            logger.error({ err }, 'sweep failed');
          },
        });
      }
      logger.info({ topics: [topics.shipmentEvents, topics.shipments], groupId, at: deps.clock.now().toISO() }, 'detector started');
    },
    async stop() {
      const running = consumer;
      const sweeping = sweeper;
      consumer = null;
      sweeper = null;
      await sweeping?.stop();
      await running?.stop();
      logger.info('detector stopped');
    },
    isHealthy: () => (consumer?.isHealthy() ?? false) && !sweepFailing,
  };
}

/**
 * The detector as a deployment runs it, from its configuration (a bad thresholds or policy file
 * stops the start with its reason rather than detecting with wrong limits). Its main.ts and
 * `parcelwatch start` both call this.
 */
export async function buildDetector(config: DetectorConfig, host: ServiceHost, adapters: { db: Kysely<Database>; bus: EventBus }): Promise<ServiceUnit<DetectorService>> {
  const thresholdsFile = config.DETECTOR_THRESHOLDS_FILE ? await loadThresholdsFile(config.DETECTOR_THRESHOLDS_FILE) : null;
  // The same file compensation reads, watched the same way, so both follow one policy version.
  const policy = await loadPolicyStore(config.COMPENSATION_POLICY_PATH, host.logger);
  policy.watch(config.COMPENSATION_POLICY_WATCH_MS);
  host.onClose('compensation policy watch', () => policy.close());
  const service = createDetectorService({
    logger: host.logger,
    clock: host.clock,
    db: adapters.db,
    bus: adapters.bus,
    thresholdsFile,
    policy,
    sweep: { intervalMs: config.DETECTOR_SWEEP_INTERVAL_MS, batchSize: config.DETECTOR_SWEEP_BATCH_SIZE, concurrency: config.DETECTOR_SWEEP_CONCURRENCY },
  });
  return { service };
}
