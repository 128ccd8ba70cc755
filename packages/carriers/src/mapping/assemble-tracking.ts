import type { MilestoneStatus, Provider } from '@parcelwatch/contracts';
import type { DeliveryEstimate } from './delivery-estimate.js';
import type { MappedTracking, NormalizedCheckpoint, ProviderError } from './mapped-tracking.js';
import { storableTracking } from './storable-text.js';
import { placeZonelessScans } from './zone-inference.js';

export type TrackingParts = {
  provider: Provider;
  trackingNumber: string;
  carrier: string | null;
  /** In the provider's order, OLDEST first (mappers reverse newest-first lists). */
  checkpoints: NormalizedCheckpoint[];
  /** The provider's own summary status, used only when there are no checkpoints. */
  summary: MilestoneStatus | null;
  notFound: boolean;
  unknownCodes: readonly string[];
  providerError?: ProviderError | null;
  estimatedDelivery?: DeliveryEstimate | null;
};

/**
 * Place zone-less scans by their neighbours where possible (`placeZonelessScans`), order
 * checkpoints by instant (stable, so same-minute scans keep the provider's order), derive
 * the current status from the latest one, and make every text storable (`storableText`).
 */
export function assembleTracking(parts: TrackingParts): MappedTracking {
  const checkpoints = placeZonelessScans(parts.checkpoints)
    .map((checkpoint, index) => ({ checkpoint, index }))
    .sort((a, b) => a.checkpoint.occurredAt.localeCompare(b.checkpoint.occurredAt) || a.index - b.index)
    .map(({ checkpoint }) => checkpoint);
  const latest = checkpoints.at(-1);
  const fallback: MilestoneStatus = parts.notFound ? { milestone: 'not_found', reason: null } : { milestone: 'pending', reason: null };
  const status: MilestoneStatus = latest
    ? ({ milestone: latest.milestone, reason: latest.reason } as MilestoneStatus)
    : (parts.summary ?? fallback);
  return storableTracking({
    milestone: status.milestone,
    reason: status.reason,
    provider: parts.provider,
    trackingNumber: parts.trackingNumber,
    carrier: parts.carrier,
    checkpoints,
    notFound: parts.notFound,
    unknownCodes: [...parts.unknownCodes],
    providerError: parts.providerError ?? null,
    estimatedDelivery: parts.estimatedDelivery ?? null,
  } as MappedTracking);
}

/** The not-found answer every provider's "unknown number" error body maps to. */
export function notFoundTracking(
  provider: Provider,
  trackingNumber: string,
  carrier: string | null,
  providerError: ProviderError | null,
): MappedTracking {
  return assembleTracking({ provider, trackingNumber, carrier, checkpoints: [], summary: null, notFound: true, unknownCodes: [], providerError });
}
