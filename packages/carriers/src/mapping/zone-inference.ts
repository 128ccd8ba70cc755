import { DateTime, FixedOffsetZone } from 'luxon';
import { singleZoneOf } from './carrier-time.js';
import type { NormalizedCheckpoint } from './mapped-tracking.js';

function placeKey(checkpoint: NormalizedCheckpoint): string | null {
  const { city, countryCode } = checkpoint.location;
  const folded = city?.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[^A-Z0-9]+/g, ' ').trim();
  return folded && countryCode ? `${folded}|${countryCode}` : null;
}

function hoursApart(a: string, b: string): number {
  return Math.abs(Date.parse(`${a}Z`) - Date.parse(`${b}Z`)) / 3_600_000;
}

/**
 * A zone-less scan in a multi-zone country was read as UTC (see `resolveCarrierTime`), which
 * can be hours off and put "delivered" before "out for delivery". When the same shipment has
 * a scan with a known offset in the same city and country (the carrier gave it a zone there,
 * e.g. 17TRACK's Correios delivered scan without zone after an out-for-delivery scan at
 * -03:00 in the same city), that offset is the best guess: the nearest such scan in time
 * wins, so a DST change between scans rarely matters.
 *
 * The guess moves only `occurredAt`; the checkpoint still says `zoneUnknown: true` with a null
 * offset, as the contracts require. Scans in single-zone countries keep their IANA zone (DST
 * aware), and scans without a city and country are left as they are.
 */
export function placeZonelessScans(checkpoints: readonly NormalizedCheckpoint[]): NormalizedCheckpoint[] {
  const known = new Map<string, Array<{ localTime: string; offset: number }>>();
  for (const checkpoint of checkpoints) {
    const key = placeKey(checkpoint);
    if (key === null || checkpoint.zoneUnknown || checkpoint.utcOffsetMinutes === null) continue;
    known.set(key, [...(known.get(key) ?? []), { localTime: checkpoint.localTime, offset: checkpoint.utcOffsetMinutes }]);
  }
  if (known.size === 0) return [...checkpoints];
  return checkpoints.map((checkpoint) => {
    if (!checkpoint.zoneUnknown || singleZoneOf(checkpoint.location.countryCode)) return checkpoint;
    const key = placeKey(checkpoint);
    const siblings = key === null ? undefined : known.get(key);
    if (!siblings) return checkpoint;
    const nearest = [...siblings].sort((a, b) => hoursApart(a.localTime, checkpoint.localTime) - hoursApart(b.localTime, checkpoint.localTime))[0];
    if (!nearest) return checkpoint;
    const instant = DateTime.fromISO(checkpoint.localTime, { zone: FixedOffsetZone.instance(nearest.offset) });
    if (!instant.isValid) return checkpoint;
    return { ...checkpoint, occurredAt: instant.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'") };
  });
}
