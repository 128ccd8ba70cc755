import { describe, expect, it } from '@jest/globals';
import { checkpointFingerprint, map17Track, PayloadError } from '../../src/index.js';
import { clone, loadFixture } from '../load-fixture.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('map17Track on gettrackinfo', () => {
  it('maps the Yanwen in-transit sample with local times and +08:00 offsets', () => {
    const mapped = map17Track(loadFixture('17track/gettrackinfo_yanwen_190012.json'), { trackingNumber: 'YT2616912345678901' });
    expect(mapped).toMatchObject({ provider: '17track', trackingNumber: 'YT2616912345678901', carrier: 'yanwen', notFound: false });
    expect(mapped.checkpoints.map((c) => c.occurredAt)).toEqual(['2026-06-24T01:00:00Z', '2026-06-26T08:30:00Z', '2026-06-29T13:05:00Z']);
    expect(mapped.checkpoints[0]).toMatchObject({
      milestone: 'in_transit',
      reason: 'picked_up',
      localTime: '2026-06-24T09:00:00',
      utcOffsetMinutes: 480,
      zoneUnknown: false,
      rawCode: 'InTransit_PickedUp',
      rawText: 'Picked up',
      location: { city: 'SHENZHEN', region: 'GD', countryCode: 'CN', text: 'SHENZHEN, CN', postalCode: null },
    });
    expect(mapped).toMatchObject({ milestone: 'in_transit', reason: 'arrived_destination_country' });
  });

  it('counts the unknown future sub-status and maps it by its main status', () => {
    const mapped = map17Track(loadFixture('17track/gettrackinfo_yanwen_190012.json'), { trackingNumber: 'YT2616912345678901' });
    expect(mapped.unknownCodes).toEqual(['InTransit_QuantumTunnelling']);
    expect(mapped.checkpoints[1]).toMatchObject({ milestone: 'in_transit', reason: 'in_transit_other', rawCode: 'InTransit_QuantumTunnelling' });
  });

  it('refuses a batch answer without a tracking number to pick', () => {
    expect(() => map17Track(loadFixture('17track/gettrackinfo_yanwen_190012.json'))).toThrow(/2 numbers; pass options.trackingNumber/);
  });

  it('maps a rejected number to not_found with the 17TRACK error code', () => {
    const mapped = map17Track(loadFixture('17track/gettrackinfo_yanwen_190012.json'), { trackingNumber: '21213123123230' });
    expect(mapped).toMatchObject({ milestone: 'not_found', reason: null, notFound: true, carrier: 'china-post', checkpoints: [] });
    expect(mapped.providerError).toEqual({ code: '-18019902', message: expect.stringContaining('does not register') });
  });

  it('flags the Correios delivered scan that has no zone and places it at the offset of the same city', () => {
    const mapped = map17Track(loadFixture('17track/gettrackinfo_correios_2151.json'));
    const delivered = mapped.checkpoints.at(-1);
    // The out-for-delivery scan in RECIFE, BR carries -03:00; BR has several zones, so the
    // country alone could not say.
    expect(delivered).toMatchObject({
      milestone: 'delivered',
      reason: 'other',
      occurredAt: '2026-06-30T17:23:00Z',
      localTime: '2026-06-30T14:23:00',
      utcOffsetMinutes: null,
      zoneUnknown: true,
    });
    expect(mapped.checkpoints[0]).toMatchObject({ occurredAt: '2026-06-25T13:12:00Z', utcOffsetMinutes: -180 });
    expect(mapped).toMatchObject({ milestone: 'delivered', carrier: 'brazil-correios' });
  });

  it('reads a zone-less scan as UTC when no scan of the same place has an offset', () => {
    const payload = loadFixture('17track/gettrackinfo_correios_2151.json') as Json;
    payload.data.accepted[0].track_info.tracking.providers[0].events[0].address.city = 'OLINDA';
    const delivered = map17Track(payload).checkpoints.at(-1);
    expect(delivered).toMatchObject({ occurredAt: '2026-06-30T14:23:00Z', localTime: '2026-06-30T14:23:00', utcOffsetMinutes: null, zoneUnknown: true });
  });

  it('places a zone-less scan in the single zone of its country when it has one', () => {
    const payload = loadFixture('17track/gettrackinfo_correios_2151.json') as Json;
    const event = payload.data.accepted[0].track_info.tracking.providers[0].events[0];
    event.address.country = 'CN';
    const mapped = map17Track(payload);
    expect(mapped.checkpoints.at(-1)).toMatchObject({ occurredAt: '2026-06-30T06:23:00Z', localTime: '2026-06-30T14:23:00', zoneUnknown: true, utcOffsetMinutes: null });
  });

  it('maps Exception_Returning', () => {
    const mapped = map17Track(loadFixture('17track/gettrackinfo_exception_returning.json'));
    expect(mapped).toMatchObject({ milestone: 'exception', reason: 'returning', trackingNumber: 'AA555666777BR' });
  });

  it('gives equal fingerprints for a duplicated scan and for one whose wording was edited', () => {
    const payload = loadFixture('17track/gettrackinfo_yanwen_190012.json') as Json;
    const events = payload.data.accepted[0].track_info.tracking.providers[0].events;
    const duplicate = clone(events[2]);
    const reworded = { ...clone(events[2]), description: 'Parcel picked up by courier', description_translation: null };
    events.push(duplicate, reworded);
    const mapped = map17Track(payload, { trackingNumber: 'YT2616912345678901' });
    const pickups = mapped.checkpoints.filter((c) => c.reason === 'picked_up');
    expect(pickups).toHaveLength(3);
    const prints = new Set(pickups.map((c) => checkpointFingerprint('shipment-1', c)));
    expect(prints.size).toBe(1);
    expect(checkpointFingerprint('shipment-2', pickups[0]!)).not.toBe([...prints][0]);
  });

  it('picks the accepted item with the most recent activity when a number is registered twice', () => {
    const payload = loadFixture('17track/gettrackinfo_yanwen_190012.json') as Json;
    const older = clone(payload.data.accepted[0]);
    older.carrier = 190008;
    older.track_info.tracking.providers[0].events = [older.track_info.tracking.providers[0].events[2]];
    payload.data.accepted.unshift(older);
    const mapped = map17Track(payload, { trackingNumber: 'YT2616912345678901' });
    expect(mapped).toMatchObject({ carrier: 'yanwen', milestone: 'in_transit', reason: 'arrived_destination_country' });
  });

  it('throws a PayloadError naming the bad path', () => {
    const payload = loadFixture('17track/gettrackinfo_correios_2151.json') as Json;
    payload.data.accepted[0].track_info.tracking.providers[0].events = 'none';
    expect(() => map17Track(payload)).toThrow(PayloadError);
    expect(() => map17Track(payload)).toThrow(/data\.accepted\[0\]\.track_info\.tracking\.providers\[0\]\.events: .*array/i);
    expect(() => map17Track('<html>502</html>')).toThrow(/17track payload: cannot read it as gettrackinfo response: \(root\): .*expected object/);
    expect(() => map17Track(42)).toThrow(expect.objectContaining({ retriable: false, provider: '17track' }));
  });

  it('throws on an event without any time', () => {
    const payload = loadFixture('17track/gettrackinfo_correios_2151.json') as Json;
    payload.data.accepted[0].track_info.tracking.providers[0].events[0].time_raw = null;
    expect(() => map17Track(payload)).toThrow(/events\[0\]: expected a date-time/);
  });
});

describe('map17Track on webhooks', () => {
  it('maps TRACKING_UPDATED like a gettrackinfo item', () => {
    const info = loadFixture('17track/gettrackinfo_exception_returning.json') as Json;
    const mapped = map17Track({ event: 'TRACKING_UPDATED', data: info.data.accepted[0] });
    expect(mapped).toMatchObject({ milestone: 'exception', reason: 'returning', checkpoints: [expect.objectContaining({ utcOffsetMinutes: -180 })] });
  });

  it('maps TRACKING_STOPPED to no checkpoints and a provider notice', () => {
    const mapped = map17Track(loadFixture('17track/webhook_tracking_stopped.json'));
    expect(mapped).toMatchObject({ trackingNumber: 'AA123456789BR', milestone: 'pending', checkpoints: [], providerError: { code: 'TRACKING_STOPPED' } });
  });
});
