import { describe, expect, it } from '@jest/globals';
import { isProvider, mapPayload, mapperFor, map17Track, PayloadError } from '../../src/index.js';
import { loadFixture } from '../load-fixture.js';

describe('mapper registry', () => {
  it('routes each provider id to its mapper', () => {
    expect(mapperFor('17track')).toBe(map17Track);
    expect(mapPayload('ups', loadFixture('ups/track-delivered.json'))).toMatchObject({ provider: 'ups', milestone: 'delivered' });
    expect(mapPayload('fedex', loadFixture('fedex/not-found.json'))).toMatchObject({ provider: 'fedex', notFound: true });
    expect(mapPayload('usps', loadFixture('usps/v3r2-batch.json'), { trackingNumber: '9400111899223197428490' })).toMatchObject({ provider: 'usps' });
  });

  it('tells provider ids apart from other strings', () => {
    expect(['17track', 'aftership', 'usps', 'ups', 'fedex', 'dhl', 'tiktok'].every(isProvider)).toBe(true);
    expect(isProvider('royal-mail')).toBe(false);
  });

  it('throws a non-retriable PayloadError on a payload meant for another provider', () => {
    const ups = loadFixture('ups/track-delivered.json');
    for (const provider of ['17track', 'aftership', 'usps', 'fedex', 'dhl', 'tiktok'] as const) {
      let caught: unknown;
      try {
        mapPayload(provider, ups);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(PayloadError);
      expect(caught).toMatchObject({ retriable: false, provider, name: 'PayloadError' });
      expect((caught as Error).message).toMatch(new RegExp(`^${provider} payload: `));
    }
  });
});
