import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateApiKey } from '@parcelwatch/access';
import { newId } from '@parcelwatch/contracts';
import { insertApiKey } from '@parcelwatch/db';
import { createMerchant, NOW, startTestApi, type TestApi } from './api-test-kit.js';

/*
 * POST /v1/couriers/detect over real HTTP with the access layer on: ranked candidates with
 * reasons per number, the carrier intake would take, limits and bad input as 400s, keys of
 * every merchant role allowed and no key refused; registration without `carrier` agrees.
 */
describe('POST /v1/couriers/detect', () => {
  let t: TestApi;
  let merchantId: string;

  beforeAll(async () => {
    t = await startTestApi();
    merchantId = await createMerchant(t.db);
  });
  afterAll(async () => t.close());

  it('answers each number with ranked candidates, reasons and the carrier intake would take', async () => {
    const numbers = ['1Z023E2X0214323462', 'k 150 623 562 0', 'SF1234567890123', '01234567890128', '73891051147', 'hello'];
    const response = await t.post('/v1/couriers/detect', { trackingNumbers: numbers });
    expect(response.status).toBe(200);
    const [ups, waybill, sf, fourteen, badDhl, garbage] = response.body.results;
    expect(ups).toMatchObject({ trackingNumber: '1Z023E2X0214323462', carrier: 'ups', problem: null });
    expect(ups.candidates[0]).toMatchObject({ carrier: 'ups', format: 'ups-1z', checkDigitValid: true, reason: expect.stringContaining('check digit valid') });
    expect(waybill).toMatchObject({ carrier: 'ups', candidates: [expect.objectContaining({ normalized: 'K1506235620', format: 'ups-waybill' })] });
    expect(sf).toMatchObject({ carrier: 'sf-express', candidates: [expect.objectContaining({ checkDigitValid: null, reason: expect.stringContaining('no check digit') })] });
    // Two shape-only readings: told as ambiguous, never picked blindly.
    expect(fourteen).toMatchObject({ carrier: null, problem: 'carrier_ambiguous' });
    expect(fourteen.candidates.map((c: { carrier: string }) => c.carrier).sort()).toEqual(['dhl-global-mail', 'dpd']);
    // A failed DHL check digit is listed, below GLS's shape, and not taken.
    expect(badDhl.carrier).toBeNull();
    expect(badDhl.candidates.find((c: { carrier: string }) => c.carrier === 'dhl')).toMatchObject({ checkDigitValid: false, reason: expect.stringContaining('failed') });
    expect(garbage).toEqual({ trackingNumber: 'hello', candidates: [], carrier: null, problem: 'carrier_undetected' });
  });

  it('takes 1,000 numbers and refuses 1,001 with a message naming the limit', async () => {
    const ok = await t.post('/v1/couriers/detect', { trackingNumbers: Array.from({ length: 1_000 }, () => '1Z023E2X0214323462') });
    expect(ok.status).toBe(200);
    expect(ok.body.results).toHaveLength(1_000);
    const tooMany = await t.post('/v1/couriers/detect', { trackingNumbers: Array.from({ length: 1_001 }, () => '1Z023E2X0214323462') });
    expect(tooMany).toMatchObject({ status: 400, body: { error: 'invalid_request', message: expect.stringContaining('at most 1000 tracking numbers') } });
  });

  it.each([
    [{}, 'trackingNumbers'],
    [{ trackingNumbers: [] }, 'at least one'],
    [{ trackingNumbers: 'RR123456785CN' }, 'trackingNumbers'],
    [{ trackingNumbers: [42] }, 'trackingNumbers.0'],
    [{ trackingNumbers: ['  '] }, 'must not be empty'],
    [{ trackingNumbers: ['1'.repeat(81)] }, 'at most 80 characters'],
    [{ trackingNumbers: ['RR123456785CN'], extra: true }, 'extra'],
  ])('refuses bad input %j with a 400 naming the problem', async (body, words) => {
    const response = await t.post('/v1/couriers/detect', body);
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_request', message: expect.stringContaining(words) } });
  });

  it('refuses a request without a key and lets a viewer key of a merchant ask', async () => {
    const anonymous = await t.post('/v1/couriers/detect', { trackingNumbers: ['RR123456785CN'] }, { authorization: '' });
    expect(anonymous.status).toBe(401);
    const generated = generateApiKey();
    await insertApiKey(t.db, { id: newId(), name: 'viewer', keyHash: generated.hash, prefix: generated.prefix, role: 'viewer', merchantIds: [merchantId], createdAt: new Date(NOW) });
    const viewer = await t.post('/v1/couriers/detect', { trackingNumbers: ['RR123456785CN'] }, { authorization: `Bearer ${generated.key}` });
    expect(viewer.status).toBe(200);
    expect(viewer.body.results[0]).toMatchObject({ carrier: 'china-post' });
  });

  it('agrees with registration without a carrier', async () => {
    const detected = await t.post('/v1/couriers/detect', { trackingNumbers: ['JJD0099999999'] });
    const registered = await t.post('/v1/shipments', {
      merchantId,
      orderId: 'ORD-DETECT-1',
      trackingNumber: 'JJD0099999999',
      destinationCountry: 'DE',
      originCountry: 'CN',
      promisedDeliveryDate: '2026-03-20',
      orderValue: { amountMinor: 2599, currency: 'EUR' },
    });
    expect(registered.status).toBe(201);
    expect(registered.body.shipment.carrier).toBe(detected.body.results[0].carrier);
    expect(registered.body.shipment.carrier).toBe('dhl');
  });
});
