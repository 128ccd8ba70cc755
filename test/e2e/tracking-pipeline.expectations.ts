// What the pipeline should have stored, from the sandbox's ground truth, and what it did store,
// both as one comparable timeline per tracking number.
import type { CarrierSandboxService } from '@parcelwatch/carrier-sandbox';
import type { Database } from '@parcelwatch/db';
import type { Kysely } from 'kysely';

export interface StoredTimeline {
  /**
   * Sorted `<when>|<milestone>`, one per checkpoint (a duplicate shows as a repeated key). The
   * reason is left out: 17TRACK's sub-statuses cannot carry every reason of the truth
   * (arrived_hub reads as arrived_destination_country, signed as other).
   */
  keys: string[];
  status: string;
  reason: string | null;
}

export interface TruthTimeline extends StoredTimeline {
  trackingNumber: string;
}

const minute = (iso: string) => iso.slice(0, 16);

/** A scan's time as the carrier tells it: the instant when the zone is known, else the local wall time. */
function when(zoneKnown: boolean, occurredAt: Date | string, localTime: string | null): string {
  if (!zoneKnown) return `local:${minute(localTime ?? '')}`;
  return `utc:${minute(new Date(occurredAt).toISOString())}`;
}

export function groundTruthAt(sandbox: CarrierSandboxService, trackingNumbers: readonly string[], at: Date): TruthTimeline[] {
  return trackingNumbers.map((trackingNumber) => {
    const journey = sandbox.journeys.get(trackingNumber);
    if (!journey) throw new Error(`the sandbox has no journey ${trackingNumber}`);
    const visible = journey.events.filter((event) => Date.parse(event.occurredAt) <= at.getTime());
    const last = visible[visible.length - 1];
    return {
      trackingNumber,
      keys: visible.map((e) => `${when(e.zoneKnown, e.occurredAt, e.localTime)}|${e.milestone}`).sort(),
      status: last?.milestone ?? 'pending',
      reason: last?.reason ?? null,
    };
  });
}

export async function storedTimelines(db: Kysely<Database>): Promise<Map<string, StoredTimeline>> {
  const shipments = await db.selectFrom('shipments').select(['id', 'tracking_number', 'status', 'status_reason']).execute();
  const checkpoints = await db.selectFrom('checkpoints').select(['shipment_id', 'occurred_at', 'local_time', 'zone_unknown', 'milestone', 'reason']).execute();
  const byShipment = new Map<string, string[]>();
  for (const c of checkpoints) {
    const keys = byShipment.get(c.shipment_id) ?? [];
    keys.push(`${when(!c.zone_unknown, c.occurred_at, c.local_time)}|${c.milestone}`);
    byShipment.set(c.shipment_id, keys);
  }
  return new Map(
    shipments.map((s) => [s.tracking_number, { keys: (byShipment.get(s.id) ?? []).sort(), status: s.status, reason: s.status_reason }]),
  );
}
