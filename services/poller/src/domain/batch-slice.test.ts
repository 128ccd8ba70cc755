import { describe, expect, it } from '@jest/globals';
import { answersInBatches, sliceBatchAnswer } from './batch-slice.js';

const seventeenTrack = {
  code: 0,
  data: {
    accepted: [
      { number: 'YT2501000000001', carrier: 190271, track_info: { latest_status: { status: 'InTransit' } } },
      { number: 'YT2501000000002', carrier: 190271, track_info: null },
    ],
    rejected: [{ number: 'YT2501000000003', error: { code: -18019909, message: 'No tracking information at this time.' } }],
  },
};

describe('sliceBatchAnswer', () => {
  it('keeps the 17TRACK envelope and only the shipment\'s own accepted or rejected item, untouched', () => {
    expect(sliceBatchAnswer('17track', seventeenTrack, 'yt2501000000001')).toEqual({
      code: 0,
      data: { accepted: [seventeenTrack.data.accepted[0]], rejected: [] },
    });
    expect(sliceBatchAnswer('17track', seventeenTrack, 'YT2501000000003')).toEqual({
      code: 0,
      data: { accepted: [], rejected: [seventeenTrack.data.rejected[0]] },
    });
  });

  it('returns null when the answer holds nothing for the number', () => {
    expect(sliceBatchAnswer('17track', seventeenTrack, 'YT2501000000999')).toBeNull();
    expect(sliceBatchAnswer('aftership', { meta: { code: 200 }, data: { trackings: [] } }, 'X1234')).toBeNull();
    expect(sliceBatchAnswer('fedex', 'not an object', 'X1234')).toBeNull();
  });

  it('slices AfterShip lists and FedEx complete results the same way', () => {
    const aftership = { meta: { code: 200 }, data: { pagination: { total: 2 }, trackings: [{ tracking_number: 'A1234' }, { tracking_number: 'B1234' }] } };
    expect(sliceBatchAnswer('aftership', aftership, 'B1234')).toEqual({ meta: { code: 200 }, data: { pagination: { total: 2 }, trackings: [{ tracking_number: 'B1234' }] } });
    const fedex = { transactionId: 't', output: { completeTrackResults: [{ trackingNumber: 'F1234', trackResults: [] }, { trackingNumber: 'G1234', trackResults: [] }] } };
    expect(sliceBatchAnswer('fedex', fedex, 'F1234')).toEqual({ transactionId: 't', output: { completeTrackResults: [{ trackingNumber: 'F1234', trackResults: [] }] } });
  });

  it('leaves one-number providers\' bodies whole', () => {
    const ups = { trackResponse: { shipment: [] } };
    expect(answersInBatches('ups')).toBe(false);
    expect(sliceBatchAnswer('ups', ups, '1Z999')).toBe(ups);
    expect(answersInBatches('17track')).toBe(true);
  });
});
