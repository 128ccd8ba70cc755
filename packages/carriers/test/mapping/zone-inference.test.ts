import { describe, expect, it } from '@jest/globals';
import { makeLocation, placeZonelessScans, resolveCarrierTime, type NormalizedCheckpoint } from '../../src/index.js';

function scan(time: string, city: string | null, country: string | null): NormalizedCheckpoint {
  const carrierTime = resolveCarrierTime(time, country);
  if (!carrierTime) throw new Error(`bad time ${time}`);
  return {
    milestone: 'in_transit',
    reason: 'arrived_hub',
    ...carrierTime,
    location: makeLocation({ city, country }),
    rawCode: 'AR',
    rawText: 'Arrived',
  };
}

describe('placeZonelessScans', () => {
  it('reads a zone-less scan at the offset of the nearest scan in the same city, keeping the flag', () => {
    const summer = scan('2026-10-30T10:00:00-04:00', 'New York', 'US');
    const winter = scan('2026-11-02T10:00:00-05:00', 'NEW  YORK', 'US');
    const zoneless = scan('2026-11-03T09:00:00', 'new york', 'US');
    expect(zoneless.occurredAt).toBe('2026-11-03T09:00:00Z');
    const placed = placeZonelessScans([summer, winter, zoneless]);
    expect(placed[2]).toMatchObject({ occurredAt: '2026-11-03T14:00:00Z', localTime: '2026-11-03T09:00:00', utcOffsetMinutes: null, zoneUnknown: true });
    expect(placed.slice(0, 2)).toEqual([summer, winter]);
  });

  it('leaves scans alone without a sibling in the same place, without a city, or in a single-zone country', () => {
    const chicago = scan('2026-11-02T10:00:00-06:00', 'Chicago', 'US');
    const elsewhere = scan('2026-11-03T09:00:00', 'Denver', 'US');
    const noCity = scan('2026-11-03T09:00:00', null, 'US');
    const shenzhenKnown = scan('2026-11-01T08:00:00+09:00', 'Shenzhen', 'CN');
    const shenzhenZoneless = scan('2026-11-01T09:00:00', 'Shenzhen', 'CN');
    const input = [chicago, elsewhere, noCity, shenzhenKnown, shenzhenZoneless];
    expect(placeZonelessScans(input)).toEqual(input);
    // The CN scan keeps Asia/Shanghai (its country's one zone), not the odd +09:00 of a sibling.
    expect(shenzhenZoneless.occurredAt).toBe('2026-11-01T01:00:00Z');
  });
});
