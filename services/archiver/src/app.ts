import type { BlobStore } from '@parcelwatch/archive';
import { createIdempotentHandler, type BusConsumer, type EventBus } from '@parcelwatch/bus';
import { TOPIC, type TrackingSnapshotCapturedEvent } from '@parcelwatch/contracts';
import type { Database, Proof } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import type { Clock, Service, ServiceHost, ServiceUnit } from '@parcelwatch/service-kit';
import type { ArchiverConfig } from './config.js';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { registerAppealRoutes } from './appeal.routes.js';
import { createMilestoneApplier, shipmentEventParser, type ShipmentEvent } from './milestone.handler.js';
import { createProofArchive, DEFAULT_RETENTION_DAYS } from './proof-archive.js';
import { createSnapshotArchiveHandler, snapshotParser } from './snapshot-archive.handler.js';

export const ARCHIVER_GROUP = 'archiver';

/** Everything the archiver service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface ArchiverDeps {
  logger: Logger;
  clock: Clock;
  db: Kysely<Database>;
  /** Connected by the caller; the service only subscribes (and stops its consumers). */
  bus: EventBus;
  blobStore: BlobStore;
  /** Defaults: the registry names (tests pass unique ones). */
  topics?: { snapshots?: string; shipmentEvents?: string; proofs?: string };
  /** Bundles use this group; raw snapshots `<groupId>-snapshots`. */
  groupId?: string;
  /** How long bundles and raw snapshots are write-once where the store supports it (default 7 years). */
  retentionDays?: number;
  maxBatchSize?: number;
}

export interface ArchiverService extends Service {
  readonly topics: { snapshots: string; shipmentEvents: string; proofs: string };
  /** A new appeal bundle for a shipment (UnknownShipmentError when there is none). */
  createAppealBundle(shipmentId: string, requestedBy: string | null): Promise<Proof>;
  /** POST /v1/shipments/:id/appeal-bundles on the caller's fastify instance. */
  registerRoutes(app: FastifyInstance): void;
}

/**
 * Writes proof bundles: proof of shipment and of delivery from milestones, appeal bundles on
 * request, with the raw carrier snapshots they cite copied into the archive as they arrive.
 * Snapshots and milestones are two consumer groups: a milestone whose snapshot is not archived
 * yet is retried, and must not hold up the snapshot that would let it pass.
 */
export function createArchiverService(deps: ArchiverDeps): ArchiverService {
  const logger = deps.logger.child({ component: 'archiver' });
  const topics = {
    snapshots: deps.topics?.snapshots ?? TOPIC.trackingSnapshots,
    shipmentEvents: deps.topics?.shipmentEvents ?? TOPIC.shipmentEvents,
    proofs: deps.topics?.proofs ?? TOPIC.proofs,
  };
  const groupId = deps.groupId ?? ARCHIVER_GROUP;
  const snapshotGroupId = `${groupId}-snapshots`;
  const retentionDays = deps.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const archive = createProofArchive({ db: deps.db, blobStore: deps.blobStore, clock: deps.clock, logger, proofsTopic: topics.proofs, retentionDays });
  let consumers: BusConsumer[] = [];

  return {
    name: 'archiver',
    topics,
    createAppealBundle: (shipmentId, requestedBy) => archive.createAppealBundle(shipmentId, requestedBy),
    registerRoutes: (app) => registerAppealRoutes(app, archive),
    async start() {
      if (consumers.length > 0) return;
      const snapshots = deps.bus.subscribe<TrackingSnapshotCapturedEvent>({
        topics: topics.snapshots,
        groupId: snapshotGroupId,
        parse: snapshotParser,
        handler: createSnapshotArchiveHandler({ db: deps.db, groupId: snapshotGroupId, blobStore: deps.blobStore, retentionMs: retentionDays * 86_400_000 }),
        maxBatchSize: deps.maxBatchSize ?? 50,
        logger,
      });
      const milestones = deps.bus.subscribe<ShipmentEvent>({
        topics: topics.shipmentEvents,
        groupId,
        parse: shipmentEventParser,
        handler: createIdempotentHandler<ShipmentEvent>({ db: deps.db, groupId, apply: createMilestoneApplier(archive) }),
        maxBatchSize: deps.maxBatchSize ?? 50,
        logger,
      });
      consumers = [snapshots, milestones];
      await Promise.all(consumers.map((consumer) => consumer.start()));
      logger.info({ topics, groupId, at: deps.clock.now().toISO() }, 'archiver started');
    },
    async stop() {
      const running = consumers;
      consumers = [];
      await Promise.all(running.map((consumer) => consumer.stop()));
      logger.info('archiver stopped');
    },
    isHealthy: () => consumers.length > 0 && consumers.every((consumer) => consumer.isHealthy()),
  };
}

/** The archiver as a deployment runs it, on the blob store it is given; its main.ts and `parcelwatch start` both call this. */
export function buildArchiver(
  config: ArchiverConfig,
  host: ServiceHost,
  adapters: { db: Kysely<Database>; bus: EventBus; blobStore: BlobStore },
): ServiceUnit<ArchiverService> {
  const service = createArchiverService({ logger: host.logger, clock: host.clock, ...adapters, retentionDays: config.PROOF_RETENTION_DAYS });
  return { service, routes: (app) => service.registerRoutes(app) };
}
