import type { BlobStore } from '@parcelwatch/archive';
import { NonRetriableError, RetriableError, type DbTransaction } from '@parcelwatch/bus';
import { EVENT_TYPES, TOPIC, createEnvelope, idFromName, newId, type EventRef, type MilestoneReachedEvent, type ProofKind, type ProofStoredEvent } from '@parcelwatch/contracts';
import {
  enqueueOutbox,
  findArchivedSnapshots,
  findCheckpointForProof,
  findProofOfKind,
  insertProof,
  latestProof,
  loadProofShipment,
  lockProofChain,
  type Database,
  type Proof,
  type ProofShipment,
  transactionWithOutbox,
} from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import type { Clock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { commonRetention, putOnce } from './bundle/blob-writes.js';
import { bundleParts } from './bundle/bundle-parts.js';
import { buildBundle } from './bundle/manifest.js';
import { proofPrefix } from './bundle/proof-keys.js';
import { loadEvidence } from './evidence-loader.js';

export const EVENT_SOURCE = 'parcelwatch/archiver';
/** Seven years: what marketplaces and tax rules ask sellers to keep shipment evidence for. */
export const DEFAULT_RETENTION_DAYS = 2557;

/** Which milestone makes which automatic bundle. */
const MILESTONE_BUNDLES: Partial<Record<MilestoneReachedEvent['data']['journeyMilestone'], ProofKind>> = { shipped: 'shipment', delivered: 'delivery' };

export class UnknownShipmentError extends Error {
  readonly retriable = false;
  constructor(readonly shipmentId: string) {
    super(`unknown shipment ${shipmentId}`);
    this.name = 'UnknownShipmentError';
  }
}

export interface ProofArchiveDeps {
  db: Kysely<Database>;
  blobStore: BlobStore;
  clock: Clock;
  logger: Logger;
  /** Default: the registry's `proofs`. */
  proofsTopic?: string;
  /** How long bundles are write-once (Object Lock), from their trigger time. */
  retentionDays?: number;
}

export interface ProofArchive {
  /** Proof of shipment / of delivery for a milestone, inside the consumer's transaction; null when none is due. */
  archiveMilestone(trx: DbTransaction, event: MilestoneReachedEvent): Promise<Proof | null>;
  /** A new appeal bundle with everything known now, chained to the shipment's latest bundle. */
  /**
   * `merchantScope` (an API key's merchants; null or absent: any): a shipment of another merchant
   * is refused as unknown, so a key cannot learn that it exists.
   */
  createAppealBundle(
    shipmentId: string,
    requestedBy: string | null,
    merchantScope?: readonly string[] | null,
    /** Runs in the bundle's transaction once its proof row is written (its audit entry): both commit or neither. */
    inTransaction?: (trx: DbTransaction, proof: Proof) => Promise<void>,
  ): Promise<Proof>;
}

interface BundleRequest {
  shipment: ProofShipment;
  kind: ProofKind;
  proofId: string;
  createdAt: Date;
  timelineUpTo: Date;
  cutoff: Date;
  trigger: EventRef | null;
  requestedBy: string | null;
}

export function createProofArchive(deps: ProofArchiveDeps): ProofArchive {
  const retentionMs = (deps.retentionDays ?? DEFAULT_RETENTION_DAYS) * 86_400_000;
  const logger = deps.logger.child({ component: 'proof-archive' });
  const proofsTopic = deps.proofsTopic ?? TOPIC.proofs;

  /**
   * Stores the parts, then the manifest (a manifest present means its parts are), then records
   * the proof and its proof.stored event in the caller's transaction, which holds the shipment's
   * chain lock: the predecessor read here is still the latest when the row is inserted.
   */
  async function writeBundle(trx: DbTransaction, request: BundleRequest): Promise<Proof | null> {
    const { shipment, kind, createdAt } = request;
    const previous = await latestProof(trx, shipment.id);
    const evidence = await loadEvidence(trx, shipment, kind, request.timelineUpTo, request.cutoff);
    const bundle = buildBundle(
      {
        prefix: proofPrefix(shipment.merchant_id, shipment.id, kind),
        shipmentId: shipment.id,
        merchantId: shipment.merchant_id,
        kind,
        createdAt,
        trigger: request.trigger,
        requestedBy: request.requestedBy,
        previousManifestSha256: previous?.manifest_sha256 ?? null,
      },
      await bundleParts(evidence, createdAt),
    );
    const retainUntil = new Date(createdAt.getTime() + retentionMs);
    const retentions: (Date | null)[] = [];
    for (const part of bundle.parts) {
      retentions.push((await putOnce(deps.blobStore, part.key, part.body, { contentType: part.contentType, retainUntil })).retainedUntil);
    }
    retentions.push((await putOnce(deps.blobStore, bundle.manifestKey, bundle.manifestBody, { contentType: 'application/json', retainUntil })).retainedUntil);
    const retained = commonRetention(retentions);

    const proof = await insertProof(trx, {
      id: request.proofId,
      shipment_id: shipment.id,
      merchant_id: shipment.merchant_id,
      kind,
      object_key: bundle.manifestKey,
      manifest_sha256: bundle.manifestSha256,
      previous_sha256: bundle.manifest.previousManifestSha256,
      parts: JSON.stringify(bundle.manifest.parts),
      retain_until: retained,
    });
    if (proof === undefined) return null;
    const storedAt = deps.clock.now().toUTC().toISO() ?? new Date().toISOString();
    const event: ProofStoredEvent = createEnvelope({
      id: idFromName('proof-event', proof.id, 'stored'),
      type: EVENT_TYPES.proofStored,
      source: EVENT_SOURCE,
      subject: shipment.id,
      merchantid: shipment.merchant_id,
      time: storedAt,
      data: {
        shipmentId: shipment.id,
        proofId: proof.id,
        kind,
        objectKey: bundle.manifestKey,
        manifestSha256: bundle.manifestSha256,
        previousSha256: bundle.manifest.previousManifestSha256,
        partCount: bundle.parts.length,
        sizeBytes: bundle.parts.reduce((sum, part) => sum + part.size, bundle.manifestBody.length),
        retainUntil: retained?.toISOString() ?? null,
        storedAt,
        trigger: request.trigger,
      },
    }) as ProofStoredEvent;
    await enqueueOutbox(trx, [{ topic: proofsTopic, key: shipment.id, event }]);
    logger.info({ shipmentId: shipment.id, kind, proofId: proof.id, manifestSha256: bundle.manifestSha256, retained: retained !== null }, 'proof bundle stored');
    return proof;
  }

  return {
    async archiveMilestone(trx, event) {
      const kind = MILESTONE_BUNDLES[event.data.journeyMilestone];
      if (kind === undefined) return null;
      const shipmentId = event.data.shipmentId as string;
      await lockProofChain(trx, shipmentId);
      // One bundle per (shipment, kind): a redelivered or repeated milestone changes nothing.
      if ((await findProofOfKind(trx, shipmentId, kind)) !== undefined) return null;
      const shipment = await loadProofShipment(trx, shipmentId);
      if (shipment === undefined) throw new NonRetriableError(`milestone for unknown shipment ${shipmentId}`);
      const occurredAt = new Date(event.data.occurredAt);
      const checkpoint = await findCheckpointForProof(trx, event.data.checkpointId, occurredAt);
      if (checkpoint === undefined) throw new NonRetriableError(`milestone ${event.id} names checkpoint ${event.data.checkpointId}, which is not stored`);
      let cutoff = occurredAt;
      if (checkpoint.snapshot_id !== null) {
        const [snapshot] = await findArchivedSnapshots(trx, [checkpoint.snapshot_id]);
        // The snapshot arrives on another topic; the bundle must list it, so wait for it.
        if (snapshot === undefined) throw new RetriableError(`snapshot ${checkpoint.snapshot_id} of checkpoint ${checkpoint.id} is not archived yet`);
        if (snapshot.fetchedAt > cutoff) cutoff = snapshot.fetchedAt;
      }
      return writeBundle(trx, {
        shipment,
        kind,
        proofId: idFromName('proof', shipmentId, kind),
        createdAt: occurredAt,
        timelineUpTo: occurredAt,
        cutoff,
        trigger: { type: event.type, id: event.id },
        requestedBy: null,
      });
    },

    async createAppealBundle(shipmentId, requestedBy, merchantScope = null, inTransaction) {
      return transactionWithOutbox(deps.db, async (trx) => {
        await lockProofChain(trx, shipmentId);
        const shipment = await loadProofShipment(trx, shipmentId);
        if (shipment === undefined || (merchantScope !== null && !merchantScope.includes(shipment.merchant_id))) throw new UnknownShipmentError(shipmentId);
        const now = deps.clock.now().toUTC().toJSDate();
        const proof = await writeBundle(trx, { shipment, kind: 'appeal', proofId: newId(now.getTime()), createdAt: now, timelineUpTo: now, cutoff: now, trigger: null, requestedBy });
        if (proof === null) throw new Error(`appeal bundle for ${shipmentId} was not recorded (same manifest key as an earlier one)`);
        await inTransaction?.(trx, proof);
        return proof;
      });
    },
  };
}
