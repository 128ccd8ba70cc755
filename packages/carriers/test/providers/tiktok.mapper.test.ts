import { describe, expect, it } from '@jest/globals';
import { checkpointFingerprint, mapTiktok, PayloadError } from '../../src/index.js';
import { loadFixture } from '../load-fixture.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('mapTiktok', () => {
  it('maps description-only events by wording, with exact UTC instants', () => {
    const mapped = mapTiktok(loadFixture('tiktok/get-tracking.json'), { trackingNumber: 'YT2616912345678901' });
    expect(mapped).toMatchObject({ provider: 'tiktok', carrier: null, trackingNumber: 'YT2616912345678901', milestone: 'delivered', unknownCodes: [] });
    expect(mapped.checkpoints.map((c) => [c.milestone, c.reason])).toEqual([
      ['info_received', 'label_created'],
      ['in_transit', 'picked_up'],
      ['in_transit', 'departed_origin'],
      ['in_transit', 'customs_released'],
      ['out_for_delivery', 'out_for_delivery'],
      ['delivered', 'other'],
    ]);
    expect(mapped.checkpoints.at(-1)).toMatchObject({
      occurredAt: '2023-09-14T09:58:59Z',
      localTime: '2023-09-14T09:58:59',
      utcOffsetMinutes: 0,
      zoneUnknown: false,
      rawCode: null,
      rawText: 'Your package was delivered!',
      location: { text: null, city: null, countryCode: null },
    });
  });

  it('maps an empty tracking list to pending', () => {
    expect(mapTiktok({ code: 0, message: 'Success', data: { tracking: [] } })).toMatchObject({ milestone: 'pending', notFound: false, checkpoints: [] });
    expect(mapTiktok({ code: 0, message: 'Success', data: {} })).toMatchObject({ milestone: 'pending' });
  });

  it('maps a not-found error to not_found and throws on other errors', () => {
    expect(mapTiktok({ code: 25007006, message: 'Order not found', data: null }, { trackingNumber: 'X1' })).toMatchObject({ notFound: true, milestone: 'not_found', providerError: { code: '25007006' } });
    expect(() => mapTiktok({ code: 36009004, message: 'Invalid credentials', data: null })).toThrow(/code 36009004: Invalid credentials/);
  });

  it('throws a PayloadError naming the bad event', () => {
    const payload = loadFixture('tiktok/get-tracking.json') as Json;
    payload.data.tracking[2].update_time_millis = 'soon';
    expect(() => mapTiktok(payload)).toThrow(PayloadError);
    expect(() => mapTiktok(payload)).toThrow(/data\.tracking\[2\]\.update_time_millis/);
  });

  it('dedupes a repeated event with edited wording by fingerprint', () => {
    const payload = loadFixture('tiktok/get-tracking.json') as Json;
    payload.data.tracking.push(
      { description: 'Your package is out for delivery today', update_time_millis: 1694660400000 },
      { description: 'Your package is out for delivery', update_time_millis: 1694660400000 },
    );
    const ofd = mapTiktok(payload).checkpoints.filter((c) => c.milestone === 'out_for_delivery');
    expect(ofd).toHaveLength(3);
    expect(new Set(ofd.map((c) => checkpointFingerprint('t', c))).size).toBe(1);
  });
});
