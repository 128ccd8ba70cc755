import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseEvent } from '@parcelwatch/contracts';
import { pruneOnce } from '../src/housekeeping/retention.job.js';
import {
  aftershipSignature,
  countRows,
  createMerchant,
  NOW,
  outboxRows,
  seventeenTrackSign,
  startTestApi,
  type ResponseBody,
  type TestApi,
} from './api-test-kit.js';

const nowSeconds = Math.floor(Date.parse(NOW) / 1000);

/** Pretty-printed on purpose: the signature covers these exact bytes, which re-serializing would change. */
function aftershipBody(trackingNumber: string, eventId: string, ts = nowSeconds): string {
  return JSON.stringify(
    { event: 'tracking_update', event_id: eventId, is_tracking_first_tag: false, ts, msg: { tracking_number: trackingNumber, slug: 'yunexpress', tag: 'InTransit', checkpoints: [] } },
    null,
    2,
  );
}

function seventeenTrackBody(number: string, tag = ''): string {
  return JSON.stringify({ event: 'TRACKING_UPDATED', data: { number, carrier: 3011, param: null, tag, track_info: null } });
}

describe('POST /v1/webhooks/:provider', () => {
  let t: TestApi;
  let aftershipShipmentId: string;
  let seventeenShipmentId: string;

  beforeAll(async () => {
    t = await startTestApi();
    const merchantId = await createMerchant(t.db);
    const a = await t.post('/v1/shipments', { merchantId, orderId: 'W-1', trackingNumber: 'YT1234567890123456', provider: 'aftership', destinationCountry: 'US' });
    const b = await t.post('/v1/shipments', { merchantId, orderId: 'W-2', trackingNumber: 'RR123456785CN', destinationCountry: 'GB' });
    aftershipShipmentId = a.body.shipment.id;
    seventeenShipmentId = b.body.shipment.id;
  });
  afterAll(async () => t.close());

  const send = async (provider: string, raw: string, headers: Record<string, string>) => {
    const response = await fetch(`${t.url}/v1/webhooks/${provider}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
    return { status: response.status, body: (await response.json()) as ResponseBody };
  };
  const state = async () => ({
    outbox: await countRows(t.db, 'outbox'),
    receipts: await countRows(t.db, 'webhook_receipts'),
    shipments: await countRows(t.db, 'shipments'),
    snapshots: await countRows(t.db, 'tracking_snapshots'),
  });

  it('accepts a correctly signed AfterShip push once; refuses its replay and a badly signed one with 401, writing nothing', async () => {
    const raw = aftershipBody('YT1234567890123456', 'b7c1c3a0-5f0e-4c57-9d3c-1d2f3e4a5b6c');
    const before = await state();
    const accepted = await send('aftership', raw, { 'aftership-hmac-sha256': aftershipSignature(raw) });
    expect(accepted).toEqual({ status: 200, body: { status: 'accepted', snapshots: 1 } });
    const afterAccept = await state();
    expect(afterAccept).toEqual({ ...before, outbox: before.outbox + 1, receipts: before.receipts + 1 });

    const [message] = (await outboxRows(t.db, 'tracking.snapshots')).slice(-1);
    expect(message?.message_key).toBe(aftershipShipmentId);
    const parsed = parseEvent('tracking.snapshots', message?.event);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.event.data).toMatchObject({
      shipmentId: aftershipShipmentId,
      provider: 'aftership',
      carrier: 'yunexpress',
      trackingNumber: 'YT1234567890123456',
      source: 'webhook',
      fetchedAt: NOW,
      httpStatus: null,
      sha256: createHash('sha256').update(raw).digest('hex'),
      payload: { encoding: 'json', body: JSON.parse(raw) },
    });

    const replay = await send('aftership', raw, { 'aftership-hmac-sha256': aftershipSignature(raw) });
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('replay');
    expect(await state()).toEqual(afterAccept);

    const forged = aftershipBody('YT1234567890123456', '0d9f0b3e-1111-4c57-9d3c-1d2f3e4a5b6c');
    const badSecret = await send('aftership', forged, { 'aftership-hmac-sha256': aftershipSignature(forged, 'wrong-secret') });
    const tampered = await send('aftership', forged, { 'aftership-hmac-sha256': aftershipSignature(raw) });
    const unsigned = await send('aftership', forged, {});
    for (const refused of [badSecret, tampered, unsigned]) expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
    expect(await state()).toEqual(afterAccept);
  });

  it('refuses a signed AfterShip push whose timestamp is outside the window', async () => {
    const before = await state();
    const stale = aftershipBody('YT1234567890123456', '5a5a5a5a-2222-4c57-9d3c-1d2f3e4a5b6c', nowSeconds - 3_600);
    const response = await send('aftership', stale, { 'aftership-hmac-sha256': aftershipSignature(stale) });
    expect(response.status).toBe(401);
    expect(response.body.message).toContain('3600 s away');
    expect(await state()).toEqual(before);
  });

  it('accepts a 17TRACK push signed sha256(body + "/" + key) once and refuses its replay and a bad sign', async () => {
    const raw = seventeenTrackBody('RR123456785CN');
    const before = await state();
    const accepted = await send('17track', raw, { sign: seventeenTrackSign(raw) });
    expect(accepted.status).toBe(200);
    const afterAccept = await state();
    expect(afterAccept).toEqual({ ...before, outbox: before.outbox + 1, receipts: before.receipts + 1 });
    const [message] = (await outboxRows(t.db, 'tracking.snapshots')).slice(-1);
    expect(message?.message_key).toBe(seventeenShipmentId);

    expect(await send('17track', raw, { sign: seventeenTrackSign(raw) })).toMatchObject({ status: 401, body: { error: 'replay' } });
    const other = seventeenTrackBody('RR123456785CN', 'changed');
    expect(await send('17track', other, { sign: seventeenTrackSign(other, 'not-the-key') })).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
    // An HMAC of the body (what one third-party app does) is not 17TRACK's scheme.
    expect(await send('17track', other, { sign: aftershipSignature(other, 'x') })).toMatchObject({ status: 401 });
    expect(await state()).toEqual(afterAccept);
  });

  it('refuses a 17TRACK push (no timestamp of its own) whose newest event is older than its receipts are kept, and still refuses a replay after the signed-push receipts are pruned', async () => {
    const withLatest = (daysAgo: number) =>
      JSON.stringify({
        event: 'TRACKING_UPDATED',
        data: { number: 'RR123456785CN', carrier: 3011, tag: `aged-${daysAgo}`, track_info: { latest_event: { time_utc: new Date(Date.parse(NOW) - daysAgo * 86_400_000).toISOString(), description: 'In transit' } } },
      });
    const before = await state();
    const ancient = withLatest(91);
    const refused = await send('17track', ancient, { sign: seventeenTrackSign(ancient) });
    expect(refused).toMatchObject({ status: 401, body: { error: 'replay', message: expect.stringContaining('91 days old') } });
    expect(await state()).toEqual(before);

    const recent = withLatest(2);
    expect((await send('17track', recent, { sign: seventeenTrackSign(recent) })).status).toBe(200);
    // Three days on, the retention round prunes receipts of time-signed pushes, not this one's.
    t.clock.advance({ days: 3 });
    try {
      await pruneOnce({ db: t.db, clock: t.clock });
      expect(await send('17track', recent, { sign: seventeenTrackSign(recent) })).toMatchObject({ status: 401, body: { error: 'replay' } });
    } finally {
      t.clock.set(NOW);
    }
  });

  it('answers 202 and writes nothing for a number we do not track; 404 for a provider without a secret', async () => {
    const before = await state();
    const raw = aftershipBody('1Z999AA10123456784', 'c0ffee00-3333-4c57-9d3c-1d2f3e4a5b6c');
    expect(await send('aftership', raw, { 'aftership-hmac-sha256': aftershipSignature(raw) })).toEqual({ status: 202, body: { status: 'ignored', reason: 'unknown_tracking_number' } });
    expect(await send('ups', raw, {})).toMatchObject({ status: 404, body: { error: 'unknown_provider' } });
    expect(await state()).toEqual(before);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/parcelwatch_api_webhooks_total\{provider="aftership",outcome="ignored",service="api"\} 1/);
  });

  it('still refuses a replay after the service restarts (receipts live in the database)', async () => {
    const raw = aftershipBody('YT1234567890123456', '9e9e9e9e-4444-4c57-9d3c-1d2f3e4a5b6c');
    const headers = { 'aftership-hmac-sha256': aftershipSignature(raw) };
    expect((await send('aftership', raw, headers)).status).toBe(200);
    await t.api.stop();
    const restarted = await startTestApi({}, t.db);
    try {
      const before = await state();
      const response = await fetch(`${restarted.url}/v1/webhooks/aftership`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
      expect(response.status).toBe(401);
      expect(await state()).toEqual(before);
    } finally {
      await restarted.close();
    }
  });
});
