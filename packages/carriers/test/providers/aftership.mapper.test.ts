import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { checkpointFingerprint, mapAfterShip, PayloadError } from '../../src/index.js';
import { clone, loadFixture } from '../load-fixture.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const POSTNL = 'aftership/TrackingWithAdditionalFieldsTestCase.test_get_tracking.0.json';

describe('mapAfterShip on API responses', () => {
  it('maps the recorded PostNL tracking with local times and +01:00 offsets', () => {
    const mapped = mapAfterShip(loadFixture(POSTNL));
    expect(mapped).toMatchObject({ provider: 'aftership', trackingNumber: '3SKAAG5995399', carrier: 'postnl-3s', notFound: false, unknownCodes: [] });
    expect(mapped.checkpoints).toHaveLength(6);
    expect(mapped.checkpoints[0]).toMatchObject({
      milestone: 'info_received',
      reason: 'label_created',
      occurredAt: '2021-03-20T14:29:27Z',
      localTime: '2021-03-20T15:29:27',
      utcOffsetMinutes: 60,
      zoneUnknown: false,
      rawCode: 'InfoReceived_001',
    });
    expect(mapped.checkpoints.at(-1)).toMatchObject({
      milestone: 'in_transit',
      reason: 'arrived_destination_country',
      location: { countryCode: 'ES', text: 'ES, Spain', city: null },
    });
    expect(mapped).toMatchObject({ milestone: 'in_transit', reason: 'arrived_destination_country' });
  });

  it('maps a Pending tracking without checkpoints to pending, not not_found', () => {
    const mapped = mapAfterShip(loadFixture('aftership/TrackingTestCase.test_get_tracking.json'));
    expect(mapped).toMatchObject({ milestone: 'pending', reason: null, notFound: false, carrier: '4px', checkpoints: [] });
  });

  it('reads the flat data shape of the 2024-07+ versions and a missing checkpoints array', () => {
    const wrapped = loadFixture(POSTNL) as Json;
    const flat = { meta: wrapped.meta, data: { ...wrapped.data.tracking } };
    delete flat.data.checkpoints;
    expect(mapAfterShip(flat)).toMatchObject({ milestone: 'in_transit', reason: 'arrived_destination_country', checkpoints: [] });
  });

  it('places a checkpoint without offset by its country, or reads it as UTC', () => {
    const payload = loadFixture(POSTNL) as Json;
    const [first, second] = payload.data.tracking.checkpoints;
    first.checkpoint_time = '2021-03-20T15:29:27';
    first.country_iso3 = 'NLD';
    second.checkpoint_time = '2021-03-20T15:29:56';
    const mapped = mapAfterShip(payload);
    expect(mapped.checkpoints.find((c) => c.localTime === '2021-03-20T15:29:27')).toMatchObject({
      occurredAt: '2021-03-20T14:29:27Z',
      zoneUnknown: true,
      utcOffsetMinutes: null,
    });
    expect(mapped.checkpoints.find((c) => c.localTime === '2021-03-20T15:29:56')).toMatchObject({
      occurredAt: '2021-03-20T15:29:56Z',
      zoneUnknown: true,
    });
  });

  it('maps error 4004 to not_found and keeps the error', () => {
    const body = { meta: { code: 4004, message: 'Tracking does not exist.', type: 'BadRequest' }, data: {} };
    const mapped = mapAfterShip(body, { trackingNumber: 'RA123456789HK' });
    expect(mapped).toMatchObject({ milestone: 'not_found', notFound: true, trackingNumber: 'RA123456789HK', providerError: { code: '4004' } });
  });

  it('throws on errors that are not tracking answers', () => {
    expect(() => mapAfterShip(loadFixture('aftership/error_invalid_api_key.json'))).toThrow(/meta.code 401 Unauthorized: Invalid API Key/);
    expect(() => mapAfterShip(loadFixture('aftership/error_created_tracking_number_is_failed.json'))).toThrow(PayloadError);
    const html = readFileSync(path.join(import.meta.dirname, '../fixtures/aftership/TrackingWithAdditionalFieldsTestCase.test_get_tracking_with_internal_error.json'), 'utf8');
    expect(() => mapAfterShip(html)).toThrow(/aftership payload: cannot read it as AfterShip response/);
  });

  it('names the path of a malformed checkpoint', () => {
    const payload = loadFixture(POSTNL) as Json;
    payload.data.tracking.checkpoints[2].checkpoint_time = 1616250757;
    expect(() => mapAfterShip(payload)).toThrow(/tracking\.checkpoints\[2\]\.checkpoint_time: .*string/);
    payload.data.tracking.checkpoints[2].checkpoint_time = 'yesterday';
    expect(() => mapAfterShip(payload)).toThrow(/data\.tracking\.checkpoints\[2\]\.checkpoint_time: expected a date-time, got "yesterday"/);
  });

  it('picks the most recently active tracking of a reused number in a list', () => {
    const tracking = (loadFixture(POSTNL) as Json).data.tracking;
    const older = { ...clone(tracking), slug: 'postnl', checkpoints: tracking.checkpoints.slice(0, 2), updated_at: '2021-03-21T00:00:00+00:00' };
    const list = { meta: { code: 200 }, data: { page: 1, trackings: [older, tracking] } };
    expect(mapAfterShip(list, { trackingNumber: '3SKAAG5995399' })).toMatchObject({ carrier: 'postnl-3s', reason: 'arrived_destination_country' });
  });

  it('falls back to keywords for an unknown subtag and counts it', () => {
    const payload = loadFixture(POSTNL) as Json;
    const last = payload.data.tracking.checkpoints.at(-1);
    Object.assign(last, { tag: 'Exception', subtag: 'Exception_099', message: 'Parcel held by customs, awaiting payment of import duties' });
    const mapped = mapAfterShip(payload);
    expect(mapped.unknownCodes).toEqual(['Exception_099']);
    expect(mapped).toMatchObject({ milestone: 'exception', reason: 'duties_unpaid' });
  });
});

describe('mapAfterShip on webhooks', () => {
  it('maps a tracking_update body and dedupes a re-sent, reworded checkpoint by fingerprint', () => {
    const tracking = (loadFixture(POSTNL) as Json).data.tracking;
    const resent = { ...clone(tracking.checkpoints.at(-1)), message: 'Shipment received in the country of destination (Spain)' };
    tracking.checkpoints.push(clone(tracking.checkpoints.at(-1)), resent);
    const mapped = mapAfterShip({ event: 'tracking_update', event_id: 'e1', ts: 1616730000, msg: tracking });
    const arrivals = mapped.checkpoints.filter((c) => c.reason === 'arrived_destination_country');
    expect(arrivals).toHaveLength(3);
    expect(new Set(arrivals.map((c) => checkpointFingerprint('s1', c))).size).toBe(1);
    // 6 recorded scans, but PostNL sent "Shipment expected" twice 29 s apart: one scan, by design.
    expect(new Set(mapped.checkpoints.map((c) => checkpointFingerprint('s1', c))).size).toBe(5);
  });

  it('rejects a webhook without a tracking', () => {
    expect(() => mapAfterShip({ event: 'tracking_update', msg: { slug: 'usps' } })).toThrow(/msg\.tracking_number/);
  });
});
