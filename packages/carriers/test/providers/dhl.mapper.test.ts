import { describe, expect, it } from '@jest/globals';
import { checkpointFingerprint, mapDhl, PayloadError } from '../../src/index.js';
import { clone, loadFixture } from '../load-fixture.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXPRESS = 'dhl/express-in-transit.json';
const PARCEL_DE = 'dhl/parcel-de-delivered.json';

describe('mapDhl', () => {
  it('maps offsets and Z times, refining the coarse transit code from the wording', () => {
    const mapped = mapDhl(loadFixture(EXPRESS));
    expect(mapped).toMatchObject({ provider: 'dhl', carrier: 'dhl', trackingNumber: '1234567891', milestone: 'out_for_delivery', unknownCodes: [] });
    expect(mapped.checkpoints.map((c) => [c.occurredAt, c.utcOffsetMinutes, c.milestone, c.reason])).toEqual([
      ['2024-05-03T09:45:00Z', 480, 'in_transit', 'picked_up'],
      ['2024-05-04T18:30:00Z', 0, 'in_transit', 'departed_hub'],
      ['2024-05-06T19:02:00Z', -300, 'in_transit', 'customs_released'],
      ['2024-05-07T12:15:00Z', -300, 'out_for_delivery', 'out_for_delivery'],
    ]);
    expect(mapped.checkpoints[0]).toMatchObject({ localTime: '2024-05-03T17:45:00', location: { countryCode: 'CN', text: 'SHENZHEN - CHINA MAINLAND' } });
  });

  it('reads zone-less parcel-de times in Europe/Berlin because the shipment is domestic DE', () => {
    const mapped = mapDhl(loadFixture(PARCEL_DE));
    expect(mapped).toMatchObject({ trackingNumber: '470800204932', milestone: 'delivered', reason: 'other' });
    expect(mapped.checkpoints.map((c) => [c.localTime, c.occurredAt, c.zoneUnknown, c.utcOffsetMinutes])).toEqual([
      ['2023-03-01T16:18:00', '2023-03-01T15:18:00Z', true, null],
      ['2023-03-13T09:50:00', '2023-03-13T08:50:00Z', true, null],
    ]);
    expect(mapped.checkpoints[1]?.location).toEqual({ city: null, region: null, postalCode: null, countryCode: 'DE', text: 'Deutschland' });
  });

  it('reads a zone-less time as UTC when nothing names a single-zone country', () => {
    const payload = loadFixture(PARCEL_DE) as Json;
    payload.shipments[0].destination.address.countryCode = 'US';
    const announced = mapDhl(payload).checkpoints[0];
    expect(announced).toMatchObject({ occurredAt: '2023-03-01T16:18:00Z', zoneUnknown: true });
  });

  it('never lets wording turn a transit event into a delivery', () => {
    const payload = loadFixture(EXPRESS) as Json;
    payload.shipments[0].events[0].description = 'Shipment will be delivered today';
    payload.shipments[0].events[0].status = 'Shipment will be delivered today';
    expect(mapDhl(payload).milestone).toBe('in_transit');
  });

  it('maps the 404 problem to not_found and throws on other problems', () => {
    expect(mapDhl(loadFixture('dhl/not-found.json'))).toMatchObject({ notFound: true, milestone: 'not_found', trackingNumber: '8264715546', providerError: { code: '404' } });
    expect(() => mapDhl({ status: 429, title: 'Too Many Requests', detail: 'Too many requests within defined time period, please try again later.' })).toThrow(/problem 429/);
  });

  it('throws a PayloadError on malformed events', () => {
    const payload = loadFixture(EXPRESS) as Json;
    delete payload.shipments[0].events[2].timestamp;
    expect(() => mapDhl(payload)).toThrow(PayloadError);
    expect(() => mapDhl(payload)).toThrow(/shipments\[0\]\.events\[2\]\.timestamp/);
  });

  it('picks the matching shipment with the latest event among several divisions', () => {
    const payload = loadFixture(EXPRESS) as Json;
    const other = clone(payload.shipments[0]);
    other.service = 'ecommerce';
    other.events = [{ ...other.events[3], timestamp: '2023-01-01T10:00:00+08:00' }];
    other.status = other.events[0];
    payload.shipments.unshift(other);
    expect(mapDhl(payload, { trackingNumber: '1234567891' })).toMatchObject({ milestone: 'out_for_delivery' });
    expect(mapDhl(payload, { trackingNumber: 'JD014600012345678901' })).toMatchObject({ trackingNumber: '1234567891' });
  });

  it('gives a re-sent event with edited wording the same fingerprint', () => {
    const payload = loadFixture(EXPRESS) as Json;
    const events = payload.shipments[0].events;
    events.push(clone(events[2]), { ...clone(events[2]), status: 'Departed Facility in HONG KONG', description: 'Departed Facility in HONG KONG' });
    const departures = mapDhl(payload).checkpoints.filter((c) => c.reason === 'departed_hub');
    expect(departures).toHaveLength(3);
    expect(new Set(departures.map((c) => checkpointFingerprint('d', c))).size).toBe(1);
  });

  it('counts an unknown statusCode and maps it by wording', () => {
    const payload = loadFixture(EXPRESS) as Json;
    Object.assign(payload.shipments[0].events[1], { statusCode: 'on-hold', status: 'Shipment on hold', description: 'Held by customs awaiting duty payment' });
    const mapped = mapDhl(payload);
    expect(mapped.unknownCodes).toEqual(['on-hold']);
    expect(mapped.checkpoints[2]).toMatchObject({ milestone: 'exception', reason: 'duties_unpaid', rawCode: 'on-hold' });
  });
});
