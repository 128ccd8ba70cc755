import { describe, expect, it } from '@jest/globals';
import { checkpointFingerprint, mapFedex, PayloadError } from '../../src/index.js';
import { clone, loadFixture } from '../load-fixture.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DELIVERED = 'fedex/track-delivered.json';
const result = (payload: Json) => payload.output.completeTrackResults[0].trackResults[0] as Json;

describe('mapFedex', () => {
  it('maps scans with local offsets, oldest first, refining the delivery from exceptionDescription', () => {
    const mapped = mapFedex(loadFixture(DELIVERED));
    expect(mapped).toMatchObject({ provider: 'fedex', carrier: 'fedex', trackingNumber: '270872375308', milestone: 'delivered', reason: 'left_at_door', unknownCodes: [] });
    expect(mapped.checkpoints.map((c) => [c.rawCode, c.occurredAt, c.utcOffsetMinutes])).toEqual([
      ['PU', '2024-02-13T00:00:00Z', null],
      ['OC', '2024-02-12T22:18:10Z', -420],
      ['DP', '2024-02-15T16:51:13Z', -360],
      ['OD', '2024-02-17T12:02:11Z', -300],
      ['DL', '2024-02-17T17:34:26Z', -300],
    ].sort((a, b) => String(a[1]).localeCompare(String(b[1]))));
    expect(mapped.checkpoints.at(-1)).toMatchObject({
      localTime: '2024-02-17T12:34:26',
      rawText: 'Delivered. Left at front door. Signature Service not requested.',
      location: { city: 'Gaffney', region: 'SC', postalCode: '29341', countryCode: 'US' },
    });
  });

  it('flags the PU scan without offset as zone unknown (US: several zones, read as UTC)', () => {
    const pickup = mapFedex(loadFixture(DELIVERED)).checkpoints.find((c) => c.rawCode === 'PU');
    expect(pickup).toMatchObject({ localTime: '2024-02-13T00:00:00', zoneUnknown: true, utcOffsetMinutes: null, milestone: 'in_transit', reason: 'picked_up' });
  });

  it('maps the per-number NOTFOUND error and the request-level NOTFOUND to not_found', () => {
    expect(mapFedex(loadFixture('fedex/not-found.json'))).toMatchObject({
      milestone: 'not_found',
      notFound: true,
      trackingNumber: '39936862321',
      providerError: { code: 'TRACKING.TRACKINGNUMBER.NOTFOUND' },
    });
    const alertOnly = { output: { alerts: 'TRACKING.DATA.NOTFOUND -  Tracking data unavailable' } };
    expect(mapFedex(alertOnly, { trackingNumber: '123456789012' })).toMatchObject({ notFound: true, providerError: { code: 'TRACKING.DATA.NOTFOUND' } });
  });

  it('throws on auth errors and malformed scans', () => {
    expect(() => mapFedex({ transactionId: 't', errors: [{ code: 'NOT.AUTHORIZED.ERROR', message: 'Access token expired' }] })).toThrow(/NOT.AUTHORIZED.ERROR/);
    const payload = loadFixture(DELIVERED) as Json;
    result(payload).scanEvents[3].date = 20240213;
    expect(() => mapFedex(payload)).toThrow(PayloadError);
    expect(() => mapFedex(payload)).toThrow(/trackResults\[0\]\.scanEvents\[3\]\.date/);
  });

  it('picks the most recently active shipment when a number was reused', () => {
    const payload = loadFixture(DELIVERED) as Json;
    const older = clone(result(payload));
    older.trackingNumberInfo.trackingNumberUniqueId = '2460425000~270872375308~FX';
    older.scanEvents = older.scanEvents.map((event: Json) => ({ ...event, date: event.date.replace('2024', '2023') }));
    older.dateAndTimes = [];
    const inTransit = clone(result(payload));
    inTransit.scanEvents = inTransit.scanEvents.slice(2);
    inTransit.latestStatusDetail = { code: 'DP', derivedCode: 'IT', description: 'Departed FedEx hub' };
    inTransit.dateAndTimes = [];
    payload.output.completeTrackResults[0].trackResults = [older, inTransit];
    expect(mapFedex(payload)).toMatchObject({ milestone: 'in_transit', reason: 'departed_hub' });
  });

  it('maps an unknown eventType by its wording, then its derived code, and counts it', () => {
    const payload = loadFixture(DELIVERED) as Json;
    Object.assign(result(payload).scanEvents[2], { eventType: 'ZZ', eventDescription: 'International shipment release - Import' });
    Object.assign(result(payload).scanEvents[1], { eventType: 'QQ', eventDescription: 'Scan' });
    const mapped = mapFedex(payload);
    expect(mapped.unknownCodes).toEqual(['ZZ', 'QQ']);
    expect(mapped.checkpoints.find((c) => c.rawCode === 'ZZ')).toMatchObject({ milestone: 'in_transit', reason: 'customs_released' });
    expect(mapped.checkpoints.find((c) => c.rawCode === 'QQ')).toMatchObject({ milestone: 'in_transit', reason: 'in_transit_other' });
  });

  it('refines a delivery exception from its description', () => {
    const payload = loadFixture(DELIVERED) as Json;
    result(payload).scanEvents.unshift({
      date: '2024-02-18T10:00:00-05:00', eventType: 'DE', eventDescription: 'Delivery exception',
      exceptionCode: '08', exceptionDescription: 'Customer not available or business closed', scanLocation: { city: 'Gaffney', countryCode: 'US' },
    });
    expect(mapFedex(payload)).toMatchObject({ milestone: 'failed_attempt', reason: 'business_closed' });
  });

  it('gives duplicated and reworded scans the same fingerprint', () => {
    const payload = loadFixture(DELIVERED) as Json;
    const scans = result(payload).scanEvents;
    scans.push(clone(scans[2]), { ...clone(scans[2]), eventDescription: 'Departed FedEx location' });
    const departures = mapFedex(payload).checkpoints.filter((c) => c.rawCode === 'DP');
    expect(departures).toHaveLength(3);
    expect(new Set(departures.map((c) => checkpointFingerprint('x', c))).size).toBe(1);
  });
});
