import { createEvent, EVENT_TYPES, idFromName, type Checkpoint, type Envelope, type Location } from '@parcelwatch/contracts';
import type { JourneyMilestoneReached, ParcelState, StatusMove } from './parcel-state.js';
import type { TimelineCheckpoint } from './timeline.js';

export const EVENT_SOURCE = 'parcelwatch/normalizer';

export interface SnapshotEventsInput {
  shipment: Pick<ParcelState, 'id' | 'merchantId' | 'carrier' | 'estimatedDelivery'>;
  snapshotId: string;
  /** The snapshot's new checkpoints only (never re-announced on a replay). */
  added: readonly TimelineCheckpoint[];
  timelineSize: number;
  statusMove: StatusMove | null;
  reached: readonly JourneyMilestoneReached[];
  /** The Clock's time, ISO-8601. */
  now: string;
}

export function toContractCheckpoint(checkpoint: TimelineCheckpoint): Checkpoint {
  return {
    checkpointId: checkpoint.checkpointId,
    occurredAt: checkpoint.occurredAt,
    localTime: checkpoint.localTime,
    utcOffsetMinutes: checkpoint.utcOffsetMinutes,
    zoneUnknown: checkpoint.zoneUnknown,
    location: checkpoint.location,
    rawCode: checkpoint.rawCode,
    rawText: checkpoint.rawText,
    source: checkpoint.source,
    provider: checkpoint.provider,
    snapshotId: checkpoint.snapshotId,
    milestone: checkpoint.milestone,
    reason: checkpoint.reason,
  } as Checkpoint;
}

function hasLocation(location: Location): boolean {
  return Object.values(location).some((part) => part !== null);
}

/**
 * The shipment.events a snapshot produces, in the order consumers should see them. Ids derive
 * from what they announce, so a replay that still produced them would carry the same ids.
 */
export function snapshotEvents(input: SnapshotEventsInput): Envelope[] {
  const { shipment, now } = input;
  const common = { merchantid: shipment.merchantId, source: EVENT_SOURCE, time: now } as const;
  const events: Envelope[] = [];
  if (input.added.length > 0) {
    events.push(
      createEvent(EVENT_TYPES.checkpointsAdded, {
        ...common,
        id: idFromName('checkpoints_added', shipment.id, input.snapshotId),
        data: {
          shipmentId: shipment.id,
          carrier: shipment.carrier,
          snapshotId: input.snapshotId,
          checkpoints: input.added.map(toContractCheckpoint),
          timelineSize: input.timelineSize,
        },
      } as never),
    );
  }
  const move = input.statusMove;
  if (move !== null) {
    events.push(
      createEvent(EVENT_TYPES.statusChanged, {
        ...common,
        id: idFromName('status_changed', shipment.id, move.checkpointId ?? move.occurredAt, move.to.milestone, move.to.reason ?? ''),
        data: { shipmentId: shipment.id, from: move.from, to: move.to, cause: 'checkpoint', checkpointId: move.checkpointId, occurredAt: move.occurredAt },
      } as never),
    );
  }
  for (const milestone of input.reached) {
    const { checkpoint } = milestone;
    events.push(
      createEvent(EVENT_TYPES.milestoneReached, {
        ...common,
        id: idFromName('milestone_reached', shipment.id, milestone.journeyMilestone, String(milestone.sequence)),
        data: {
          shipmentId: shipment.id,
          journeyMilestone: milestone.journeyMilestone,
          sequence: milestone.sequence,
          checkpointId: checkpoint.checkpointId,
          status: { milestone: checkpoint.milestone, reason: checkpoint.reason },
          occurredAt: checkpoint.occurredAt,
          location: hasLocation(checkpoint.location) ? checkpoint.location : null,
          estimatedDelivery: shipment.estimatedDelivery,
        },
      } as never),
    );
  }
  return events;
}
