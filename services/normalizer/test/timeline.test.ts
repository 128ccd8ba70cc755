import { describe, expect, it } from '@jest/globals';
import { dedupeCheckpoints, mergeTimeline } from '../src/domain/timeline.js';
import { placed, scan } from './support.js';

const SNAP_A = '0193a1b2-0000-7000-8000-00000000000a';
const SNAP_B = '0193a1b2-0000-7000-8000-00000000000b';

describe('checkpoint dedupe', () => {
  it('treats the same scan with edited wording, other seconds or city spelling as one', () => {
    const first = placed(SNAP_A, [scan('2025-03-01T08:15:00Z', 'in_transit', 'arrived_hub', { rawText: 'Arrived at facility', city: 'Shenzhen' })]);
    const again = placed(SNAP_B, [scan('2025-03-01T08:15:40Z', 'in_transit', 'arrived_hub', { rawText: 'Arrived at FedEx location', city: 'SHENZHEN' })]);
    expect(again[0]?.fingerprint).toBe(first[0]?.fingerprint);
    expect(again[0]?.checkpointId).toBe(first[0]?.checkpointId);
    const kept = dedupeCheckpoints([...first, ...again]);
    expect(kept).toHaveLength(1);
    expect(kept[0]?.snapshotId).toBe(SNAP_A);
  });

  it('keeps scans that differ in a normalized field, and the same scan of two shipments', () => {
    const one = placed(SNAP_A, [
      scan('2025-03-01T08:15:00Z', 'in_transit', 'arrived_hub'),
      scan('2025-03-01T08:15:00Z', 'in_transit', 'departed_hub'),
      scan('2025-03-01T08:16:00Z', 'in_transit', 'arrived_hub'),
    ]);
    const other = placed(SNAP_A, [scan('2025-03-01T08:15:00Z', 'in_transit', 'arrived_hub')], '0193a1b2-0000-7000-8000-000000000002');
    expect(dedupeCheckpoints([...one, ...other])).toHaveLength(4);
  });
});

describe('timeline merge', () => {
  it('orders by event time, whatever order the snapshots arrived in', () => {
    const late = placed(SNAP_B, [scan('2025-03-01T08:00:00Z', 'in_transit', 'picked_up')]);
    const stored = placed(SNAP_A, [scan('2025-03-03T10:00:00Z', 'in_transit', 'departed_origin'), scan('2025-03-02T09:00:00Z', 'in_transit', 'arrived_hub')]);
    const merged = mergeTimeline(stored, [...late, ...placed(SNAP_B, [scan('2025-03-02T09:00:30Z', 'in_transit', 'arrived_hub')])]);
    expect(merged.map((c) => c.reason)).toEqual(['picked_up', 'arrived_hub', 'departed_origin']);
  });
});
