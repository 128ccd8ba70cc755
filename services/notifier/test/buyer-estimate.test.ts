import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { estimateForBuyer } from '../src/domain/buyer-estimate.js';

const now = DateTime.fromISO('2026-03-10T15:00:00Z', { zone: 'utc' });

describe('the estimate a shipped message shows when sent', () => {
  it("takes the shipment's current estimate over the planned one, and the planned one when there is none", () => {
    expect(estimateForBuyer('2026-03-20T12:00:00Z', new Date('2026-03-18T16:00:00Z'), now, 'America/New_York')).toBe('2026-03-18T16:00:00.000Z');
    expect(estimateForBuyer('2026-03-20T12:00:00Z', null, now, 'America/New_York')).toBe('2026-03-20T12:00:00Z');
    expect(estimateForBuyer(null, null, now, 'America/New_York')).toBeNull();
  });

  it("leaves out a day that has ended in the buyer's zone, but not today", () => {
    expect(estimateForBuyer('2026-03-09T16:00:00Z', null, now, 'America/New_York')).toBeNull();
    // 10 March, 11:00 in New York: still today there.
    expect(estimateForBuyer('2026-03-10T16:00:00Z', null, now, 'America/New_York')).toBe('2026-03-10T16:00:00Z');
    // 9 March 23:30 in Los Angeles is 10 March 06:30 UTC: ended there at 07:00 UTC on the 10th, before now.
    expect(estimateForBuyer('2026-03-10T06:30:00Z', null, now, 'America/Los_Angeles')).toBeNull();
  });
});
