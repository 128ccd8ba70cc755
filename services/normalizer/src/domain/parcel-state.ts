import { isForwardMove, PROGRESS_RANK, type EstimatedDelivery, type JourneyMilestone, type Milestone, type Reason } from '@parcelwatch/contracts';
import { MILESTONE_TIMESTAMP_COLUMNS } from '@parcelwatch/db';
import { byEventTime, instantMs, type TimelineCheckpoint } from './timeline.js';

// The shipment columns themselves are the single list; the domain reads it, never kysely.
export const MILESTONE_TIMESTAMPS = MILESTONE_TIMESTAMP_COLUMNS;
export type MilestoneTimestamp = (typeof MILESTONE_TIMESTAMPS)[number];

/** A shipment's tracking state as the normalizer keeps it; instants are ISO-8601 UTC strings. */
export interface ParcelState {
  id: string;
  merchantId: string;
  carrier: string;
  status: Milestone;
  statusReason: string | null;
  statusAt: string | null;
  lastCheckpointAt: string | null;
  milestones: Record<MilestoneTimestamp, string | null>;
  failedAttempts: number;
  originCountry: string | null;
  destinationCountry: string | null;
  buyerTimezone: string;
  estimatedDelivery: EstimatedDelivery | null;
}

export interface StatusMove {
  from: { milestone: Milestone; reason: string | null } | null;
  to: { milestone: Milestone; reason: string | null };
  /** Null when the provider's summary (not found) moved it, without a checkpoint. */
  checkpointId: string | null;
  occurredAt: string;
}

export interface JourneyMilestoneReached {
  journeyMilestone: JourneyMilestone;
  sequence: number;
  checkpoint: TimelineCheckpoint;
}

export interface ParcelUpdate {
  state: ParcelState;
  statusMove: StatusMove | null;
  reached: JourneyMilestoneReached[];
}

type Scan = Pick<TimelineCheckpoint, 'milestone' | 'reason'>;

/** A scan by the carrier itself (not a label, not an error): the parcel is in the carrier's hands. */
function isCarrierScan(scan: Scan): boolean {
  const rank = PROGRESS_RANK[scan.milestone];
  return rank !== null && rank >= (PROGRESS_RANK.in_transit ?? 2);
}

/** Which first-occurrence timestamps a checkpoint sets. */
export function timestampsOf(scan: Scan): MilestoneTimestamp[] {
  const set: MilestoneTimestamp[] = [];
  if (scan.milestone === 'info_received') set.push('info_received_at');
  // "Shipped" is the first carrier scan, whatever it says (some feeds start at departure).
  if (isCarrierScan(scan)) set.push('picked_up_at');
  if (scan.reason === 'departed_origin') set.push('departed_origin_at');
  if (scan.reason === 'arrived_destination_country') set.push('arrived_destination_at');
  if (scan.reason === 'customs_released') set.push('customs_cleared_at');
  if (scan.milestone === 'out_for_delivery') set.push('out_for_delivery_at');
  if (scan.milestone === 'failed_attempt') set.push('first_attempt_at');
  if (scan.milestone === 'available_for_pickup') set.push('available_for_pickup_at');
  if (scan.milestone === 'delivered') set.push('delivered_at');
  if (scan.milestone === 'exception') set.push('exception_at');
  if (scan.milestone === 'exception' && scan.reason === 'returned') set.push('returned_at');
  return set;
}

/** Buyer-facing milestones announced the first time their timestamp is set. */
const JOURNEY_BY_TIMESTAMP: Partial<Record<MilestoneTimestamp, JourneyMilestone>> = {
  picked_up_at: 'shipped',
  departed_origin_at: 'departed_origin_country',
  customs_cleared_at: 'customs_cleared',
  out_for_delivery_at: 'out_for_delivery',
  available_for_pickup_at: 'available_for_pickup',
  delivered_at: 'delivered',
};

/**
 * Applies the NEW checkpoints of one snapshot (already deduped against the stored timeline)
 * to a shipment's state. Walking them in event time:
 * - milestone timestamps keep their first occurrence (a late, older scan moves one earlier);
 * - a checkpoint older than the latest one seen is late: it joins the timeline only. It never
 *   changes the status and is not announced to the buyer;
 * - a newer checkpoint takes the status only if `isForwardMove` allows it (a hub scan after
 *   delivery does not undo delivered; a newer return scan does).
 */
export function applyCheckpoints(current: ParcelState, checkpoints: readonly TimelineCheckpoint[]): ParcelUpdate {
  const state: ParcelState = { ...current, milestones: { ...current.milestones } };
  const reached: JourneyMilestoneReached[] = [];
  let movedBy: TimelineCheckpoint | null = null;

  for (const checkpoint of [...checkpoints].sort(byEventTime)) {
    const at = instantMs(checkpoint.occurredAt);
    const late = state.lastCheckpointAt !== null && at < instantMs(state.lastCheckpointAt);

    for (const column of timestampsOf(checkpoint)) {
      const previous = state.milestones[column];
      if (previous !== null && instantMs(previous) <= at) continue;
      state.milestones[column] = checkpoint.occurredAt;
      const journey = JOURNEY_BY_TIMESTAMP[column];
      if (previous === null && journey !== undefined && !late) reached.push({ journeyMilestone: journey, sequence: 1, checkpoint });
    }
    if (checkpoint.milestone === 'failed_attempt') {
      state.failedAttempts += 1;
      if (!late) reached.push({ journeyMilestone: 'failed_attempt', sequence: state.failedAttempts, checkpoint });
    }
    if (late) continue;

    state.lastCheckpointAt = checkpoint.occurredAt;
    const from = { milestone: state.status, reason: state.statusReason as Reason | null };
    if (isForwardMove(from, checkpoint)) {
      state.status = checkpoint.milestone;
      state.statusReason = checkpoint.reason;
      state.statusAt = checkpoint.occurredAt;
      movedBy = checkpoint;
    }
  }

  const statusMove: StatusMove | null =
    movedBy === null || (state.status === current.status && state.statusReason === current.statusReason)
      ? null
      : {
          from: current.statusAt === null && current.status === 'pending' ? null : { milestone: current.status, reason: current.statusReason },
          to: { milestone: state.status, reason: state.statusReason },
          checkpointId: movedBy.checkpointId,
          occurredAt: movedBy.occurredAt,
        };
  return { state, statusMove, reached };
}

/**
 * A snapshot without any checkpoint can still say "not found": a pending shipment takes that
 * status (the poller slows down for it), anything further along ignores it.
 */
export function applyNotFound(current: ParcelState, fetchedAt: string): ParcelUpdate {
  if (current.status !== 'pending' || current.lastCheckpointAt !== null) return { state: current, statusMove: null, reached: [] };
  const state: ParcelState = { ...current, status: 'not_found', statusReason: null, statusAt: fetchedAt };
  return {
    state,
    statusMove: { from: null, to: { milestone: 'not_found', reason: null }, checkpointId: null, occurredAt: fetchedAt },
    reached: [],
  };
}
