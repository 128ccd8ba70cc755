import type { BatchContext, DbTransaction, ReceivedMessage } from '@parcelwatch/bus';
import { NonRetriableError } from '@parcelwatch/bus';
import { mapPayload, type DeliveryEstimate } from '@parcelwatch/carriers';
import type { Envelope, TrackingSnapshotCapturedEvent } from '@parcelwatch/contracts';
import {
  enqueueOutbox,
  insertNewCheckpoints,
  loadCheckpointFingerprints,
  loadLaneTransit,
  lockShipmentStates,
  recordTrackingSnapshots,
  updateShipmentStates,
  type NewCheckpointRow,
} from '@parcelwatch/db';
import { awaitsLearnedEstimate, nextEstimate, type EstimatePolicy, type LaneTransitFigures } from './domain/delivery-estimate.js';
import { applyCheckpoints, applyNotFound, timestampsOf, type ParcelState, type ParcelUpdate } from './domain/parcel-state.js';
import { snapshotEvents } from './domain/shipment-events.js';
import { decodeSnapshotPayload } from './domain/snapshot-payload.js';
import { dedupeCheckpoints, placeOnTimeline, type TimelineCheckpoint } from './domain/timeline.js';

export type SnapshotMessage = ReceivedMessage<TrackingSnapshotCapturedEvent>;

export interface SnapshotApplierOptions {
  /** Topic of the shipment events written to the outbox. */
  shipmentEventsTopic: string;
  /** The Clock's time, ISO-8601 UTC. */
  now: () => string;
  /** When a lane's learned transit becomes an estimate, and how far back deliveries count. */
  learnedEstimates: EstimatePolicy & { historyDays: number };
}

/** Defaults of the learned estimate: the detector's figures for its own transit estimate (30 deliveries, 180 days). */
export const LEARNED_ESTIMATE_DEFAULTS = { minHistorySamples: 30, historyDays: 180 } as const;

interface ReadSnapshot {
  index: number;
  data: TrackingSnapshotCapturedEvent['data'];
  byteSize: number;
  notFound: boolean;
  checkpoints: TimelineCheckpoint[];
  estimate: DeliveryEstimate | null;
}

/** Decodes and maps every snapshot of the chunk; a PayloadError (not retriable) dead-letters its message. */
function readSnapshots(messages: readonly SnapshotMessage[]): ReadSnapshot[] {
  return messages.map((message, index) => {
    const { data } = message.event;
    const decoded = decodeSnapshotPayload(data.provider, data.payload);
    const mapped = mapPayload(data.provider, decoded.body, { trackingNumber: data.trackingNumber });
    const origin = { shipmentId: data.shipmentId, snapshotId: data.snapshotId, source: data.source, provider: data.provider };
    return {
      index,
      data,
      byteSize: decoded.byteSize,
      notFound: mapped.notFound,
      checkpoints: placeOnTimeline(origin, mapped.checkpoints),
      estimate: mapped.estimatedDelivery,
    };
  });
}

const laneKey = (carrier: string, origin: string | null, destination: string | null): string => `${carrier}|${origin}|${destination}`;
const laneOf = (state: ParcelState): string => laneKey(state.carrier, state.originCountry, state.destinationCountry);

/**
 * The learned transit of the lanes whose shipments may take a learned estimate in this chunk:
 * no estimate yet, no carrier estimate coming in the chunk, and shipped already or shipping
 * now. One query (loadLaneTransit, the detector's too) for the chunk, none when no shipment needs it.
 */
async function lanesNeeded(
  trx: DbTransaction,
  snapshots: readonly ReadSnapshot[],
  states: ReadonlyMap<string, ParcelState>,
  options: SnapshotApplierOptions['learnedEstimates'],
  now: string,
): Promise<Map<string, LaneTransitFigures>> {
  const carrierGives = new Set(snapshots.filter((s) => s.estimate !== null).map((s) => s.data.shipmentId));
  const shipping = new Set(
    snapshots.filter((s) => s.checkpoints.some((c) => timestampsOf(c).includes('picked_up_at'))).map((s) => s.data.shipmentId),
  );
  const lanes = new Map<string, { carrier: string; originCountry: string; destinationCountry: string }>();
  for (const state of states.values()) {
    if (carrierGives.has(state.id)) continue;
    const shipped = { ...state, milestones: { ...state.milestones, picked_up_at: state.milestones.picked_up_at ?? (shipping.has(state.id) ? now : null) } };
    if (!awaitsLearnedEstimate(shipped)) continue;
    lanes.set(laneOf(state), { carrier: state.carrier, originCountry: state.originCountry!, destinationCountry: state.destinationCountry! });
  }
  if (lanes.size === 0) return new Map();
  const since = new Date(Date.parse(now) - options.historyDays * 86_400_000);
  const found = await loadLaneTransit(trx, [...lanes.values()], since);
  return new Map(found.map((lane) => [laneKey(lane.carrier, lane.originCountry, lane.destinationCountry), lane]));
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
    const states: Map<string, ParcelState> = await lockShipmentStates(trx, shipmentIds);
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
    // The id derives from (shipment, fingerprint): the first snapshot of the chunk that carries a scan gets it.
    const firstCarrier = new Map<string, number>();
    for (const snapshot of snapshots) {
      for (const checkpoint of snapshot.checkpoints) if (!firstCarrier.has(checkpoint.checkpointId)) firstCarrier.set(checkpoint.checkpointId, snapshot.index);
    }
    const candidates = dedupeCheckpoints(snapshots.flatMap((snapshot) => snapshot.checkpoints)).filter(
      (checkpoint) => !timelines.get(checkpoint.shipmentId)?.has(checkpoint.fingerprint),
    );
    const inserted = new Set(await insertNewCheckpoints(trx, candidates.map(toRow)));
    const addedBySnapshot = new Map<number, TimelineCheckpoint[]>();
    for (const checkpoint of candidates) {
      if (!inserted.has(checkpoint.checkpointId)) continue;
      const index = firstCarrier.get(checkpoint.checkpointId)!;
      const added = addedBySnapshot.get(index);
      if (added === undefined) addedBySnapshot.set(index, [checkpoint]);
      else added.push(checkpoint);
    }
    // Timeline size before this chunk, so each snapshot's event reports the size right after it.
    const sizes = new Map(shipmentIds.map((id) => [id, timelines.get(id)?.size ?? 0]));

    const dirty = new Map<string, ParcelState>();
    const events: Envelope[] = [];
    const now = options.now();
    const lanes = await lanesNeeded(trx, snapshots, states, options.learnedEstimates, now);
    for (const snapshot of snapshots) {
      const shipmentId = snapshot.data.shipmentId;
      const current = dirty.get(shipmentId) ?? (states.get(shipmentId) as ParcelState);
      const fresh = addedBySnapshot.get(snapshot.index) ?? [];
      let update: ParcelUpdate | null = null;
      if (fresh.length > 0) update = applyCheckpoints(current, fresh);
      else if (snapshot.notFound && snapshot.checkpoints.length === 0) update = applyNotFound(current, snapshot.data.fetchedAt);
      // Estimated before the events are built, so the milestones announce it.
      const moved = update?.state ?? current;
      const estimated = nextEstimate(moved, snapshot.estimate, lanes.get(laneOf(moved)), options.learnedEstimates);
      if (update === null || (fresh.length === 0 && update.statusMove === null)) {
        // A revised estimate alone (e.g. AfterShip's edd_revise) changes the row, not the journey.
        if (estimated !== moved) dirty.set(shipmentId, estimated);
        continue;
      }
      update = { ...update, state: estimated };
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
