import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSecretBox, openTrackingToken, parseSecretKey } from '@parcelwatch/secrets';
import { resealTrackingTokens } from '../src/tracking/tracking-link-reseal.job.js';
import { BOOTSTRAP_KEY, profile, startOnboardingApi, type OnboardingApi } from './merchant-onboarding-kit.js';

/*
 * Links issued by an api without PARCELWATCH_SECRET_KEY are kept in clear; once a key is set the
 * reseal round seals them, and after a rotation seals them again under the new key. The token
 * never changes: a link already in a buyer's mailbox keeps working.
 */
describe('tracking token reseal', () => {
  let s: OnboardingApi;
  let shipmentId: string;
  let token: string;
  const oldKey = parseSecretKey(randomBytes(32).toString('base64'));
  const newKey = parseSecretKey(randomBytes(32).toString('base64'));

  const stored = async () => (await s.db.selectFrom('tracking_links').select('token').where('shipment_id', '=', shipmentId).executeTakeFirstOrThrow()).token;

  beforeAll(async () => {
    s = await startOnboardingApi({ overrides: { trackingPageBaseUrl: 'https://track.example' } });
    const merchant = await s.call('POST', '/v1/merchants', BOOTSTRAP_KEY, profile({ marketplaceShop: null }));
    const admin = merchant.body.adminKey.key as string;
    const registered = await s.call('POST', '/v1/shipments', admin, { merchantId: merchant.body.merchant.id, orderId: 'R-1', trackingNumber: 'YT1234567890123456', destinationCountry: 'DE' });
    shipmentId = registered.body.shipment.id;
    const url = (await s.call('GET', `/v1/shipments/${shipmentId}/tracking-link`, admin)).body.url as string;
    token = url.slice(url.lastIndexOf('/') + 1);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('seals clear tokens once a key is set, then again under a rotated key, keeping the token', async () => {
    expect(await stored()).toBe(`pwt_${token}`);
    const first = createSecretBox({ current: oldKey });
    expect(await resealTrackingTokens(s.db, first)).toEqual({ sealed: 1, unreadable: 0 });
    const sealed = await stored();
    expect(sealed.startsWith(`pw1.${oldKey.id}.`)).toBe(true);
    expect(openTrackingToken(first, shipmentId, sealed)).toBe(token);
    expect(await resealTrackingTokens(s.db, first)).toEqual({ sealed: 0, unreadable: 0 });

    const rotated = createSecretBox({ current: newKey, previous: oldKey });
    expect(await resealTrackingTokens(s.db, rotated)).toEqual({ sealed: 1, unreadable: 0 });
    expect(openTrackingToken(createSecretBox({ current: newKey }), shipmentId, await stored())).toBe(token);
    // The page still opens with the link the buyer already has.
    expect((await fetch(`${s.api.url()}/t/${token}`)).status).toBe(200);
    // A key that never sealed it cannot open it, and says so.
    expect(await resealTrackingTokens(s.db, createSecretBox({ current: parseSecretKey(randomBytes(32).toString('base64')) }))).toEqual({ sealed: 0, unreadable: 1 });
  });
});
