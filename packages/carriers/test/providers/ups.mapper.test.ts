import { describe, expect, it } from '@jest/globals';
import { checkpointFingerprint, mapUps, PayloadError } from '../../src/index.js';
import { clone, loadFixture } from '../load-fixture.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DELIVERED = 'ups/track-delivered.json';
const activities = (payload: Json) => payload.trackResponse.shipment[0].package[0].activity as Json[];

describe('mapUps', () => {
  it('maps local date/time with gmtOffset to UTC, oldest first', () => {
    const mapped = mapUps(loadFixture(DELIVERED));
    expect(mapped).toMatchObject({ provider: 'ups', carrier: 'ups', trackingNumber: '1Z81WV380316886897', milestone: 'delivered', reason: 'other', unknownCodes: [] });
    expect(mapped.checkpoints.map((c) => [c.occurredAt, c.milestone, c.reason, c.rawCode])).toEqual([
      ['2024-02-01T01:34:05Z', 'info_received', 'label_created', '003'],
      ['2024-02-01T03:00:00Z', 'in_transit', 'picked_up', '038'],
      ['2024-02-01T07:30:00Z', 'in_transit', 'customs_processing', '092'],
      ['2024-02-02T16:10:12Z', 'out_for_delivery', 'out_for_delivery', '021'],
      ['2024-02-02T20:04:35Z', 'delivered', 'other', '011'],
    ]);
    expect(mapped.checkpoints.at(-1)).toMatchObject({
      localTime: '2024-02-02T12:04:35',
      utcOffsetMinutes: -480,
      zoneUnknown: false,
      rawText: 'DELIVERED',
      location: { city: 'NEWARK', region: 'CA', countryCode: 'US', postalCode: null, text: 'NEWARK, CA, US' },
    });
  });

  it('derives the offset from the unpadded GMT time when gmtOffset is missing', () => {
    const customs = mapUps(loadFixture(DELIVERED)).checkpoints[2];
    expect(customs).toMatchObject({ localTime: '2024-02-01T02:30:00', utcOffsetMinutes: -300, zoneUnknown: false });
  });

  it('flags an activity with no zone information and places it by a scan in the same city', () => {
    const payload = loadFixture(DELIVERED) as Json;
    const delivered = activities(payload)[0]!;
    delete delivered.gmtOffset;
    delete delivered.gmtDate;
    delete delivered.gmtTime;
    const mapped = mapUps(payload);
    // The out-for-delivery scan in NEWARK, CA carries -08:00: the delivery there is read at it.
    expect(mapped.checkpoints.find((c) => c.rawCode === '011')).toMatchObject({ occurredAt: '2024-02-02T20:04:35Z', localTime: '2024-02-02T12:04:35', utcOffsetMinutes: null, zoneUnknown: true });
    expect(mapped.checkpoints.at(-1)?.rawCode).toBe('011');
    expect(mapped.milestone).toBe('delivered');
  });

  it('reads a zone-less activity as UTC when no scan in the same place has an offset (US has several zones)', () => {
    const payload = loadFixture(DELIVERED) as Json;
    const delivered = activities(payload)[0]!;
    delete delivered.gmtOffset;
    delete delivered.gmtDate;
    delete delivered.gmtTime;
    delivered.location.address.city = 'FREMONT';
    const mapped = mapUps(payload);
    expect(mapped.checkpoints.find((c) => c.rawCode === '011')).toMatchObject({ occurredAt: '2024-02-02T12:04:35Z', utcOffsetMinutes: null, zoneUnknown: true });
    // Read as UTC, the delivery now sorts before the out-for-delivery scan: ordering of
    // zone-less scans is approximate, which is why the flag travels with the checkpoint.
    expect(mapped.checkpoints.at(-1)?.rawCode).toBe('021');
  });

  it('maps the TW0001 warning and the TV1002 error to not_found', () => {
    expect(mapUps(loadFixture('ups/not-found.json'))).toMatchObject({
      milestone: 'not_found',
      notFound: true,
      trackingNumber: '1Z023E2X0214323462',
      providerError: { code: 'TW0001' },
    });
    expect(mapUps(loadFixture('ups/invalid-number.json'), { trackingNumber: '1Z0' })).toMatchObject({ notFound: true, providerError: { code: 'TV1002' } });
  });

  it('throws on an auth error and on malformed activity, naming the path', () => {
    expect(() => mapUps({ response: { errors: [{ code: '250002', message: 'Invalid Authentication Information' }] } })).toThrow(/error 250002/);
    const payload = loadFixture(DELIVERED) as Json;
    activities(payload)[1]!.date = '2024-02-02';
    expect(() => mapUps(payload)).toThrow(PayloadError);
    expect(() => mapUps(payload)).toThrow(/trackResponse\.shipment\[0\]\.package\[0\]\.activity\[1\]\.date: expected YYYYMMDD/);
  });

  it('maps an unknown status code by keywords, falling back to the activity type, and counts it', () => {
    const payload = loadFixture(DELIVERED) as Json;
    Object.assign(activities(payload)[2]!.status, { statusCode: '999', description: 'Package damaged in transit' });
    Object.assign(activities(payload)[1]!.status, { statusCode: '998', description: 'Status update' });
    const mapped = mapUps(payload);
    expect(mapped.unknownCodes).toEqual(['999', '998']);
    expect(mapped.checkpoints.find((c) => c.rawCode === '999')).toMatchObject({ milestone: 'exception', reason: 'damaged' });
    expect(mapped.checkpoints.find((c) => c.rawCode === '998')).toMatchObject({ milestone: 'in_transit', reason: 'in_transit_other' });
  });

  it('gives a re-sent scan with edited wording the same fingerprint', () => {
    const payload = loadFixture(DELIVERED) as Json;
    const edited = clone(activities(payload)[1]!);
    edited.status.description = 'Out for delivery today';
    activities(payload).unshift(edited, clone(activities(payload)[1]!));
    const ofd = mapUps(payload).checkpoints.filter((c) => c.milestone === 'out_for_delivery');
    expect(ofd).toHaveLength(3);
    expect(new Set(ofd.map((c) => checkpointFingerprint('s', c))).size).toBe(1);
  });

  it('picks the package with the most recent activity when a number was reused', () => {
    const payload = loadFixture(DELIVERED) as Json;
    const recent = activities(payload).slice(1);
    const old = clone(payload.trackResponse.shipment[0]);
    old.package[0].activity = [{ ...activities(payload)[0], date: '20230105', gmtDate: '20230105' }];
    old.package[0].currentStatus = { description: 'Delivered', code: '011' };
    payload.trackResponse.shipment.unshift(old);
    const current = clone(payload.trackResponse.shipment[1]);
    current.package[0].activity = recent;
    payload.trackResponse.shipment[1] = current;
    const mapped = mapUps(payload);
    expect(mapped).toMatchObject({ milestone: 'out_for_delivery' });
    expect(mapped.checkpoints).toHaveLength(4);
  });

  it('uses currentStatus when there is no activity', () => {
    const payload = loadFixture(DELIVERED) as Json;
    payload.trackResponse.shipment[0].package[0].activity = [];
    payload.trackResponse.shipment[0].package[0].currentStatus = { description: 'Ready for Customer Pickup', code: '040' };
    expect(mapUps(payload)).toMatchObject({ milestone: 'available_for_pickup', reason: 'at_pickup_point', checkpoints: [] });
  });
});
