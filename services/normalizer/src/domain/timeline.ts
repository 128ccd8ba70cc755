import { idFromName, type Provider, type SnapshotSource } from '@parcelwatch/contracts';
import { checkpointFingerprint, type NormalizedCheckpoint } from '@parcelwatch/carriers';

/** A mapped checkpoint placed on a shipment's timeline: the identity and provenance it needs to be stored. */
export type TimelineCheckpoint = NormalizedCheckpoint & {
  checkpointId: string;
  shipmentId: string;
  snapshotId: string;
  fingerprint: string;
  source: SnapshotSource;
  provider: Provider;
};

export interface SnapshotOrigin {
  shipmentId: string;
  snapshotId: string;
  source: SnapshotSource;
  provider: Provider;
}

/**
 * The checkpoints of one snapshot with their fingerprint (normalized fields plus the shipment
 * id: edited wording or seconds do not make a new scan) and an id derived from it, so a
 * replayed snapshot yields the same ids and the same event ids.
 */
export function placeOnTimeline(origin: SnapshotOrigin, checkpoints: readonly NormalizedCheckpoint[]): TimelineCheckpoint[] {
  return checkpoints.map((checkpoint) => {
    const fingerprint = checkpointFingerprint(origin.shipmentId, checkpoint);
    // Spelled out, not `{ ...checkpoint, more }`: that spread is V8's slow path, and this runs per scan.
    return {
      milestone: checkpoint.milestone,
      reason: checkpoint.reason,
      occurredAt: checkpoint.occurredAt,
      localTime: checkpoint.localTime,
      utcOffsetMinutes: checkpoint.utcOffsetMinutes,
      zoneUnknown: checkpoint.zoneUnknown,
      location: checkpoint.location,
      rawCode: checkpoint.rawCode,
      rawText: checkpoint.rawText,
      checkpointId: idFromName('checkpoint', origin.shipmentId, fingerprint),
      shipmentId: origin.shipmentId,
      snapshotId: origin.snapshotId,
      fingerprint,
      source: origin.source,
      provider: origin.provider,
    } as TimelineCheckpoint;
  });
}

/** Keeps the first of each (shipment, fingerprint): the earliest snapshot gets credit for a scan. */
export function dedupeCheckpoints<T extends Pick<TimelineCheckpoint, 'shipmentId' | 'fingerprint'>>(checkpoints: readonly T[]): T[] {
  const seen = new Set<string>();
  return checkpoints.filter((checkpoint) => {
    const key = `${checkpoint.shipmentId}|${checkpoint.fingerprint}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function instantMs(iso: string): number {
  return Date.parse(iso);
}

/** Event-time order; ties keep a stable, content-based order so every replay sorts alike. */
export function byEventTime(a: Pick<TimelineCheckpoint, 'occurredAt' | 'fingerprint'>, b: Pick<TimelineCheckpoint, 'occurredAt' | 'fingerprint'>): number {
  return instantMs(a.occurredAt) - instantMs(b.occurredAt) || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0);
}

/** The timeline after adding `incoming`: deduped, ordered by when things happened, not when we heard. */
export function mergeTimeline<T extends Pick<TimelineCheckpoint, 'shipmentId' | 'fingerprint' | 'occurredAt'>>(
  existing: readonly T[],
  incoming: readonly T[],
): T[] {
  return dedupeCheckpoints([...existing, ...incoming]).sort(byEventTime);
}
