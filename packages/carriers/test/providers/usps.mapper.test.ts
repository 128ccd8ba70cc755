import { describe, expect, it } from '@jest/globals';
import { checkpointFingerprint, mapUsps, PayloadError } from '../../src/index.js';
import { clone, loadFixture } from '../load-fixture.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DETAIL = 'usps/detail-delivered.json';

describe('mapUsps', () => {
  it('maps a DETAIL response, deriving UTC from local time and GMTOffset', () => {
    const mapped = mapUsps(loadFixture(DETAIL));
    expect(mapped).toMatchObject({ provider: 'usps', carrier: 'usps', trackingNumber: '9400109104250532908587', milestone: 'delivered', reason: 'left_at_door', unknownCodes: [] });
    expect(mapped.checkpoints.map((c) => [c.rawCode, c.milestone, c.reason])).toEqual([
      ['MA', 'info_received', 'label_created'],
      ['03', 'in_transit', 'picked_up'],
      ['A1', 'in_transit', 'arrived_hub'],
      ['OF', 'out_for_delivery', 'out_for_delivery'],
      ['01', 'delivered', 'left_at_door'],
    ]);
    expect(mapped.checkpoints.at(-1)).toMatchObject({
      occurredAt: '2024-11-22T18:58:00Z',
      localTime: '2024-11-22T13:58:00',
      utcOffsetMinutes: -300,
      zoneUnknown: false,
      location: { city: 'HERNANDO', region: 'FL', postalCode: '34442', countryCode: 'US' },
    });
  });

  it('works around a GMTTimestamp whose date did not roll over', () => {
    const hub = mapUsps(loadFixture(DETAIL)).checkpoints[2];
    // local 18:31 with GMT 00:31 "of the same day": the offset is -06:00 and UTC is the next day.
    expect(hub).toMatchObject({ localTime: '2024-11-18T18:31:00', utcOffsetMinutes: -360, occurredAt: '2024-11-19T00:31:00Z' });
  });

  it('flags the pre-shipment event without GMT fields as zone unknown, read as UTC', () => {
    expect(mapUsps(loadFixture(DETAIL)).checkpoints[0]).toMatchObject({ occurredAt: '2024-11-14T00:00:00Z', utcOffsetMinutes: null, zoneUnknown: true });
  });

  it('maps a 150001 error body to not_found', () => {
    const mapped = mapUsps(loadFixture('usps/error-150001.json'), { trackingNumber: '9400109104250532908588' });
    expect(mapped).toMatchObject({ milestone: 'not_found', notFound: true, trackingNumber: '9400109104250532908588', providerError: { code: '150001' } });
  });

  it('reads a v3r2 batch: a detail with an offset in eventTimestamp, and a 404 item', () => {
    const batch = loadFixture('usps/v3r2-batch.json');
    expect(mapUsps(batch, { trackingNumber: '9400111899223197428490' })).toMatchObject({
      milestone: 'in_transit',
      reason: 'picked_up',
      checkpoints: [expect.objectContaining({ occurredAt: '2024-04-04T21:03:12Z', utcOffsetMinutes: -420, location: expect.objectContaining({ postalCode: '85043' }) })],
    });
    expect(mapUsps(batch, { trackingNumber: '9400 1118 9922 3197 4284 91' })).toMatchObject({ notFound: true, milestone: 'not_found', providerError: { code: '404' } });
    expect(() => mapUsps(batch)).toThrow(/pass options.trackingNumber/);
  });

  it('throws on quota errors and on malformed events', () => {
    const quota = { apiVersion: '/tracking/v3', error: { code: '429', message: 'Exceeded quota limit.', errors: [{ title: 'Too Many Requests.', status: '429' }] } };
    expect(() => mapUsps(quota)).toThrow(/error 429: Exceeded quota limit/);
    const payload = loadFixture(DETAIL) as Json;
    payload.trackingEvents[1].eventTimestamp = null;
    expect(() => mapUsps(payload)).toThrow(PayloadError);
    expect(() => mapUsps(payload)).toThrow(/trackingEvents\[1\]\.eventTimestamp/);
    payload.trackingEvents[1].eventTimestamp = 'Nov 22';
    expect(() => mapUsps(payload)).toThrow(/trackingEvents\[1\]\.eventTimestamp: expected a date-time, got "Nov 22"/);
  });

  it('keeps unknown event codes, maps them by wording and counts them', () => {
    const payload = loadFixture(DETAIL) as Json;
    Object.assign(payload.trackingEvents[2], { eventCode: 'Z9', eventType: 'Held at customs, awaiting clearance documents required' });
    const mapped = mapUsps(payload);
    expect(mapped.unknownCodes).toEqual(['Z9']);
    expect(mapped.checkpoints[2]).toMatchObject({ milestone: 'exception', reason: 'customs_documents_required' });
  });

  it('dedupes a duplicated and a reworded event by fingerprint', () => {
    const payload = loadFixture(DETAIL) as Json;
    const reworded = { ...clone(payload.trackingEvents[1]), eventType: 'Out for Delivery, Expected Delivery by 9:00pm' };
    payload.trackingEvents.splice(1, 0, clone(payload.trackingEvents[1]), reworded);
    const ofd = mapUsps(payload).checkpoints.filter((c) => c.rawCode === 'OF');
    expect(ofd).toHaveLength(3);
    expect(new Set(ofd.map((c) => checkpointFingerprint('k', c))).size).toBe(1);
  });

  it('uses the statusCategory summary when there are no events', () => {
    const payload = loadFixture(DETAIL) as Json;
    delete payload.trackingEvents;
    expect(mapUsps(payload)).toMatchObject({ milestone: 'delivered', checkpoints: [] });
  });
});
