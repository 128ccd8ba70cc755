import type { BatchContext, DbTransaction, ReceivedMessage } from '@parcelwatch/bus';
import { NonRetriableError } from '@parcelwatch/bus';
import { mapPayload } from '@parcelwatch/carriers';
import type { Envelope, TrackingSnapshotCapturedEvent } from '@parcelwatch/contracts';
import {
  enqueueOutbox,
  insertNewCheckpoints,
  loadCheckpointFingerprints,
  lockShipmentStates,
  recordTrackingSnapshots,
  updateShipmentStates,
  type NewCheckpointRow,
} from '@parcelwatch/db';
import { applyCheckpoints, applyNotFound, type ParcelState, type ParcelUpdate } from './domain/parcel-state.js';
import { snapshotEvents } from './domain/shipment-events.js';
import { decodeSnapshotPayload } from './domain/snapshot-payload.js';
import { dedupeCheckpoints, placeOnTimeline, type TimelineCheckpoint } from './domain/timeline.js';

export type SnapshotMessage = ReceivedMessage<TrackingSnapshotCapturedEvent>;

export interface SnapshotApplierOptions {
  /** Topic of the shipment events written to the outbox. */
  shipmentEventsTopic: string;
  /** The Clock's time, ISO-8601 UTC. */
  now: () => string;
}

interface ReadSnapshot {
  index: number;
  data: TrackingSnapshotCapturedEvent['data'];
  byteSize: number;
  notFound: boolean;
  checkpoints: TimelineCheckpoint[];
}

/** Decodes and maps every snapshot of the chunk; a PayloadError (not retriable) dead-letters its message. */
function readSnapshots(messages: readonly SnapshotMessage[]): ReadSnapshot[] {
  return messages.map((message, index) => {
    const { data } = message.event;
    const decoded = decodeSnapshotPayload(data.provider, data.payload);
    const mapped = mapPayload(data.provider, decoded.body, { trackingNumber: data.trackingNumber });
    const origin = { shipmentId: data.shipmentId, snapshotId: data.snapshotId, source: data.source, provider: data.provider };
    return { index, data, byteSize: decoded.byteSize, notFound: mapped.notFound, checkpoints: placeOnTimeline(origin, mapped.checkpoints) };
  });
}

function toRow(checkpoint: TimelineCheckpoint): NewCheckpointRow {
  const { location } = checkpoint;
  return {
    id: checkpoint.checkpointId,
    shipmentId: checkpoint.shipmentId,
    occurredAt: checkpoint.occurredAt,
    localTime: checkpoint.localTime,
    utcOffsetMinutes: checkpoint.utcOffsetMinutes,
    zoneUnknown: checkpoint.zoneUnknown,
    milestone: checkpoint.milestone,
    reason: checkpoint.reason,
    locationText: location.text,
    city: location.city,
    state: location.region,
    country: location.countryCode,
    postalCode: location.postalCode,
    rawCode: checkpoint.rawCode,
    rawText: checkpoint.rawText,
    source: checkpoint.source,
    provider: checkpoint.provider,
    fingerprint: checkpoint.fingerprint,
    snapshotId: checkpoint.snapshotId,
  };
}

/**
 * Applies a chunk of snapshots inside the caller's transaction, set-based: one statement each to
 * lock the shipments, record the snapshots, read the timelines' fingerprints, insert the new
 * checkpoints, update the shipments and enqueue the events, whatever the chunk's size.
 */
export function createSnapshotApplier(options: SnapshotApplierOptions) {
  return async (trx: DbTransaction, messages: SnapshotMessage[], context?: BatchContext): Promise<void> => {
    const snapshots = readSnapshots(messages);
    const shipmentIds = [...new Set(snapshots.map((snapshot) => snapshot.data.shipmentId))];
    const states = await lockShipmentStates(trx, shipmentIds);
    const unknown = shipmentIds.filter((id) => !states.has(id));
    if (unknown.length > 0) throw new NonRetriableError(`snapshot for unknown shipment ${unknown.join(', ')}`);

    await recordTrackingSnapshots(
      trx,
      snapshots.map(({ data, byteSize }) => ({
        id: data.snapshotId,
        shipmentId: data.shipmentId,
        provider: data.provider,
        source: data.source,
        fetchedAt: data.fetchedAt,
        httpStatus: data.httpStatus,
        sha256: data.sha256,
        byteSize,
        metadata: data.metadata,
      })),
    );

    // Scans the timelines already hold (any seconds) and scans repeated within the chunk are dropped.
    const timelines = await loadCheckpointFingerprints(trx, shipmentIds);
    const candidates = dedupeCheckpoints(
      snapshots.flatMap((snapshot) => snapshot.checkpoints.map((checkpoint) => ({ ...checkpoint, index: snapshot.index }))),
    ).filter((checkpoint) => !timelines.get(checkpoint.shipmentId)?.has(checkpoint.fingerprint));
    const inserted = new Set(await insertNewCheckpoints(trx, candidates.map(toRow)));
    const addedBySnapshot = new Map<number, TimelineCheckpoint[]>();
    for (const checkpoint of candidates) {
      if (!inserted.has(checkpoint.checkpointId)) continue;
      addedBySnapshot.set(checkpoint.index, [...(addedBySnapshot.get(checkpoint.index) ?? []), checkpoint]);
    }
    // Timeline size before this chunk, so each snapshot's event reports the size right after it.
    const sizes = new Map(shipmentIds.map((id) => [id, timelines.get(id)?.size ?? 0]));

    const dirty = new Map<string, ParcelState>();
    const events: Envelope[] = [];
    const now = options.now();
    for (const snapshot of snapshots) {
      const shipmentId = snapshot.data.shipmentId;
      const current = dirty.get(shipmentId) ?? (states.get(shipmentId) as ParcelState);
      const fresh = addedBySnapshot.get(snapshot.index) ?? [];
      let update: ParcelUpdate | null = null;
      if (fresh.length > 0) update = applyCheckpoints(current, fresh);
      else if (snapshot.notFound && snapshot.checkpoints.length === 0) update = applyNotFound(current, snapshot.data.fetchedAt);
      if (update === null || (fresh.length === 0 && update.statusMove === null)) continue;
      dirty.set(shipmentId, update.state);
      const timelineSize = (sizes.get(shipmentId) ?? 0) + fresh.length;
      sizes.set(shipmentId, timelineSize);
      events.push(
        ...snapshotEvents({
          shipment: update.state,
          snapshotId: snapshot.data.snapshotId,
          added: fresh,
          timelineSize,
          statusMove: update.statusMove,
          reached: update.reached,
          now,
        }),
      );
    }

    await updateShipmentStates(trx, [...dirty.values()]);
    await enqueueOutbox(
      trx,
      events.map((event) => ({ topic: options.shipmentEventsTopic, key: event.subject, event })),
    );
    context?.logger.debug({ snapshots: snapshots.length, added: inserted.size, events: events.length }, 'snapshots normalized');
  };
}
