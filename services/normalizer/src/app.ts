import { createIdempotentHandler, schemaParser, type BatchHandler, type BusConsumer, type EventBus, type MessageParser, type SafeParseSchema } from '@parcelwatch/bus';
import { TOPIC, trackingSnapshotCapturedEventSchema, type TrackingSnapshotCapturedEvent } from '@parcelwatch/contracts';
import type { Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import type { Clock, Service, ServiceHost, ServiceUnit } from '@parcelwatch/service-kit';
import type { NormalizerConfig } from './config.js';
import type { Kysely } from 'kysely';
import { createCheckpointUpkeep } from './checkpoint-upkeep.js';
import { createSnapshotApplier, LEARNED_ESTIMATE_DEFAULTS, type SnapshotApplierOptions } from './snapshot.handler.js';

export const NORMALIZER_GROUP = 'normalizer';

/** Everything the normalizer service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface NormalizerDeps {
  logger: Logger;
  clock: Clock;
  db: Kysely<Database>;
  /** Connected by the caller; the service only subscribes (and stops its consumer). */
  bus: EventBus;
  /** Defaults: the registry names (tests pass unique ones). */
  topics?: { trackingSnapshots?: string; shipmentEvents?: string };
  groupId?: string;
  /** Snapshots per transaction (default 100) and partitions handled at once (default 2). */
  maxBatchSize?: number;
  concurrency?: number;
  /** Default LEARNED_ESTIMATE_DEFAULTS. */
  learnedEstimates?: SnapshotApplierOptions['learnedEstimates'];
}

export interface NormalizerService extends Service {
  readonly topics: { trackingSnapshots: string; shipmentEvents: string };
}

/**
 * What the service subscribes with: the snapshot parser and the idempotent handler. A message
 * the parser refuses, or whose handling throws a non-retriable error (a PayloadError from the
 * mappers), is dead-lettered with the reason by the bus; any other error halts the partition.
 */
export function snapshotConsumer(options: {
  db: Kysely<Database>;
  groupId: string;
  shipmentEventsTopic: string;
  now: () => string;
  learnedEstimates?: SnapshotApplierOptions['learnedEstimates'];
}): {
  parse: MessageParser<TrackingSnapshotCapturedEvent>;
  handler: BatchHandler<TrackingSnapshotCapturedEvent>;
} {
  const apply = createSnapshotApplier({
    shipmentEventsTopic: options.shipmentEventsTopic,
    now: options.now,
    learnedEstimates: options.learnedEstimates ?? LEARNED_ESTIMATE_DEFAULTS,
  });
  return {
    parse: schemaParser(trackingSnapshotCapturedEventSchema as unknown as SafeParseSchema<TrackingSnapshotCapturedEvent>, 'tracking snapshot'),
    handler: createIdempotentHandler<TrackingSnapshotCapturedEvent>({ db: options.db, groupId: options.groupId, apply }),
  };
}

/**
 * Turns tracking snapshots into normalized checkpoints, parcel state and shipment events (via
 * the outbox; the relay that publishes them is wired next to the service, not in it).
 */
export function createNormalizerService(deps: NormalizerDeps): NormalizerService {
  const logger = deps.logger.child({ component: 'normalizer' });
  const topics = {
    trackingSnapshots: deps.topics?.trackingSnapshots ?? TOPIC.trackingSnapshots,
    shipmentEvents: deps.topics?.shipmentEvents ?? TOPIC.shipmentEvents,
  };
  const groupId = deps.groupId ?? NORMALIZER_GROUP;
  const { parse, handler } = snapshotConsumer({
    db: deps.db,
    groupId,
    shipmentEventsTopic: topics.shipmentEvents,
    now: () => deps.clock.now().toUTC().toISO() ?? '',
    ...(deps.learnedEstimates === undefined ? {} : { learnedEstimates: deps.learnedEstimates }),
  });
  let consumer: BusConsumer | null = null;
  const upkeep = createCheckpointUpkeep({ db: deps.db, clock: deps.clock, logger });
  return {
    name: 'normalizer',
    topics,
    async start() {
      if (consumer !== null) return;
      consumer = deps.bus.subscribe<TrackingSnapshotCapturedEvent>({
        topics: topics.trackingSnapshots,
        groupId,
        parse,
        handler,
        maxBatchSize: deps.maxBatchSize ?? 100,
        concurrency: deps.concurrency ?? 2,
        logger,
      });
      await consumer.start();
      upkeep.start();
      logger.info({ topic: topics.trackingSnapshots, groupId, at: deps.clock.now().toISO() }, 'normalizer started');
    },
    async stop() {
      const running = consumer;
      consumer = null;
      upkeep.stop();
      await running?.stop();
      logger.info('normalizer stopped');
    },
    isHealthy: () => consumer?.isHealthy() ?? false,
  };
}

/** The normalizer as a deployment runs it; its main.ts and `parcelwatch start` both call this. */
export function buildNormalizer(_config: NormalizerConfig, host: ServiceHost, adapters: { db: Kysely<Database>; bus: EventBus }): ServiceUnit<NormalizerService> {
  return { service: createNormalizerService({ logger: host.logger, clock: host.clock, db: adapters.db, bus: adapters.bus }) };
}
