import { describe, expect, it } from '@jest/globals';
import { carrierEstimate, learnedEstimate, nextEstimate } from '../src/domain/delivery-estimate.js';
import type { ParcelState } from '../src/domain/parcel-state.js';
import { newParcel } from './support.js';

const policy = { minHistorySamples: 30 };
const lane = { samples: 40, p50Days: 9.5, p90Days: 14 };

function shipped(at: string, extra: Partial<ParcelState> = {}): ParcelState {
  const parcel = newParcel();
  return { ...parcel, status: 'in_transit', milestones: { ...parcel.milestones, picked_up_at: at }, ...extra };
}

describe('the delivery estimate of a shipment', () => {
  it('keeps the carrier\'s day as noon of that day in the buyer\'s zone, so every display shows that day', () => {
    expect(carrierEstimate({ date: '2026-07-08', latestDate: '2026-07-12' }, 'America/Los_Angeles')).toEqual({
      at: '2026-07-08T19:00:00Z',
      latestAt: '2026-07-12T19:00:00Z',
      source: 'carrier',
    });
    expect(carrierEstimate({ date: '2026-07-08', latestDate: null }, 'Asia/Tokyo')).toEqual({ at: '2026-07-08T03:00:00Z', latestAt: null, source: 'carrier' });
    // An unknown zone falls back to UTC rather than losing the estimate.
    expect(carrierEstimate({ date: '2026-07-08', latestDate: null }, 'Mars/Olympus')).toMatchObject({ at: '2026-07-08T12:00:00Z' });
  });

  it('learns ship time + p50, with ship time + p90 as the late bound', () => {
    expect(learnedEstimate('2026-06-24T01:00:00Z', lane)).toEqual({ at: '2026-07-03T13:00:00Z', latestAt: '2026-07-08T01:00:00Z', source: 'learned' });
  });

  it('takes the carrier\'s estimate over a learned one and follows its revisions', () => {
    const learned = nextEstimate(shipped('2026-06-24T01:00:00Z'), null, lane, policy);
    expect(learned.estimatedDelivery?.source).toBe('learned');
    const carrier = nextEstimate(learned, { date: '2026-07-08', latestDate: null }, lane, policy);
    expect(carrier.estimatedDelivery).toEqual({ at: '2026-07-08T19:00:00Z', latestAt: null, source: 'carrier' });
    const revised = nextEstimate(carrier, { date: '2026-07-10', latestDate: null }, lane, policy);
    expect(revised.estimatedDelivery?.at).toBe('2026-07-10T19:00:00Z');
    // Without a carrier estimate in the next snapshot, the carrier's stays (never replaced by a learned one).
    expect(nextEstimate(revised, null, lane, policy)).toBe(revised);
    expect(nextEstimate(revised, { date: '2026-07-10', latestDate: null }, lane, policy)).toBe(revised);
  });

  it('learns nothing before the first carrier scan, after delivery, off-lane, or from too little history', () => {
    expect(nextEstimate(newParcel(), null, lane, policy).estimatedDelivery).toBeNull();
    expect(nextEstimate(shipped('2026-06-24T01:00:00Z'), null, { ...lane, samples: 29 }, policy).estimatedDelivery).toBeNull();
    expect(nextEstimate(shipped('2026-06-24T01:00:00Z'), null, undefined, policy).estimatedDelivery).toBeNull();
    expect(nextEstimate(shipped('2026-06-24T01:00:00Z', { originCountry: null }), null, lane, policy).estimatedDelivery).toBeNull();
    const delivered = shipped('2026-06-24T01:00:00Z');
    delivered.milestones.delivered_at = '2026-07-01T01:00:00Z';
    expect(nextEstimate(delivered, null, lane, policy).estimatedDelivery).toBeNull();
  });
});
