import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandbox, type SandboxUnderTest } from '../../test/sandbox-client.js';

/**
 * Each provider's wire format for the same journeys: one sandbox where every carrier gives
 * its zone, one where none does.
 */
let zoned: SandboxUnderTest;
let zoneless: SandboxUnderTest;
const NUMBER = 'LX200000001CN';

interface TruthEvent {
  occurredAt: string;
  localTime: string;
  utcOffset: string;
  kind: string;
  milestone: string;
}

async function setUp(noZone: number): Promise<SandboxUnderTest> {
  const sandbox = await startSandbox({ journeyRates: { noZone }, rateLimits: { dhl: null } }, '2025-06-01T00:00:00Z');
  await sandbox.call('POST', '/sandbox/shipments', { body: { shipments: [{ trackingNumber: NUMBER, shippedAt: '2025-03-01T03:00:00Z', outcome: 'delivered', lane: 'CN-US' }] } });
  return sandbox;
}

async function truth(sandbox: SandboxUnderTest): Promise<{ orderId: string; events: TruthEvent[] }> {
  return (await sandbox.call('GET', `/sandbox/ground-truth/${NUMBER}`)).json;
}

async function bearer(sandbox: SandboxUnderTest, path: string, body: string, headers: Record<string, string> = {}): Promise<Record<string, string>> {
  const answer = await sandbox.call('POST', path, { raw: body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  expect(answer.status).toBe(200);
  return { authorization: `Bearer ${answer.json.access_token}` };
}

beforeAll(async () => {
  [zoned, zoneless] = await Promise.all([setUp(0), setUp(1)]);
});
afterAll(async () => {
  await Promise.all([zoned.stop(), zoneless.stop()]);
});

describe('17TRACK v2.4', () => {
  it('gives time_iso with the carrier offset, or null with the raw local time when there is no zone', async () => {
    for (const [sandbox, hasZone] of [[zoned, true], [zoneless, false]] as const) {
      const { events: expected } = await truth(sandbox);
      await sandbox.call('POST', '/track/v2.4/register', { body: [{ number: NUMBER }], headers: { '17token': 'k' } });
      const answer = await sandbox.call('POST', '/track/v2.4/gettrackinfo', { body: [{ number: NUMBER }], headers: { '17token': 'k' } });
      const item = answer.json.data.accepted[0];
      const events = item.track_info.tracking.providers[0].events;
      expect(events).toHaveLength(expected.length);
      const newest = events[0];
      const last = expected[expected.length - 1]!;
      expect(newest.time_raw).toEqual({ date: last.localTime.slice(0, 10), time: last.localTime.slice(11), timezone: hasZone ? last.utcOffset : null });
      expect(newest.time_iso).toBe(hasZone ? `${last.localTime}${last.utcOffset}` : null);
      expect(item.track_info.latest_status.status).toBe('Delivered');
    }
  });
});

describe('AfterShip 2025-01', () => {
  it('lists checkpoints oldest first, with or without an offset', async () => {
    for (const [sandbox, hasZone] of [[zoned, true], [zoneless, false]] as const) {
      const { events: expected } = await truth(sandbox);
      const created = await sandbox.call('POST', '/tracking/2025-01/trackings', { body: { tracking_number: NUMBER }, headers: { 'as-api-key': 'k' } });
      expect(created.json.meta.code).toBe(200);
      const tracking = created.json.data;
      expect(tracking.tag).toBe('Delivered');
      expect(tracking.checkpoints.map((c: { checkpoint_time: string }) => c.checkpoint_time)).toEqual(
        expected.map((e) => (hasZone ? `${e.localTime}${e.utcOffset}` : e.localTime)),
      );
      const byId = await sandbox.call('GET', `/tracking/2025-01/trackings/${tracking.id}`, { headers: { 'as-api-key': 'k' } });
      expect(byId.json.data.tracking_number).toBe(NUMBER);
      const missing = await sandbox.call('GET', '/tracking/2025-01/trackings/nope', { headers: { 'as-api-key': 'k' } });
      expect([missing.status, missing.json.meta.code]).toEqual([404, 4004]);
    }
  });
});

describe('USPS v3', () => {
  it('sends local time without offset, and the GMT pair only when the zone is known', async () => {
    for (const [sandbox, hasZone] of [[zoned, true], [zoneless, false]] as const) {
      const { events: expected } = await truth(sandbox);
      const auth = await bearer(sandbox, '/oauth2/v3/token', 'grant_type=client_credentials&client_id=c&client_secret=s');
      const answer = await sandbox.call('GET', `/tracking/v3/tracking/${NUMBER}?expand=DETAIL`, { headers: auth });
      expect(answer.json.statusCategory).toBe('Delivered');
      const newest = answer.json.trackingEvents[0];
      const last = expected[expected.length - 1]!;
      expect(newest).toMatchObject({ eventTimestamp: last.localTime, eventCode: '01', GMTOffset: hasZone ? last.utcOffset : null });
      expect(newest.GMTTimestamp).toBe(hasZone ? `${last.occurredAt.slice(0, 19)}Z` : null);
      const unknown = await sandbox.call('GET', '/tracking/v3/tracking/9400100000000000000000', { headers: auth });
      expect([unknown.status, unknown.json.error.errors[0].code]).toEqual([400, '150002']);
    }
  });
});

describe('UPS Track v1', () => {
  it('uses YYYYMMDD/HHMMSS local fields and the gmt trio only with a zone', async () => {
    for (const [sandbox, hasZone] of [[zoned, true], [zoneless, false]] as const) {
      const { events: expected } = await truth(sandbox);
      const auth = await bearer(sandbox, '/security/v1/oauth/token', 'grant_type=client_credentials', {
        authorization: `Basic ${Buffer.from('c:s').toString('base64')}`,
      });
      const answer = await sandbox.call('GET', `/api/track/v1/details/${NUMBER}`, { headers: { ...auth, transId: 't', transactionSrc: 'test' } });
      const pkg = answer.json.trackResponse.shipment[0].package[0];
      const last = expected[expected.length - 1]!;
      expect(pkg.activity[0]).toMatchObject({ date: last.localTime.slice(0, 10).replaceAll('-', ''), time: last.localTime.slice(11).replaceAll(':', '') });
      expect(pkg.activity[0].gmtOffset).toBe(hasZone ? last.utcOffset : undefined);
      expect(pkg.currentStatus.code).toBe('011');
      const unknown = await sandbox.call('GET', '/api/track/v1/details/1Z0000000000000000', { headers: auth });
      expect(unknown.json.trackResponse.shipment[0].warnings[0].code).toBe('TW0001');
      expect((await sandbox.call('GET', '/api/track/v1/details/1Z', { headers: auth })).json.response.errors[0].code).toBe('TV1002');
    }
  });
});

describe('FedEx Track v1', () => {
  it('dates scans in local time with or without an offset, and reports unknown numbers inside the 200', async () => {
    for (const [sandbox, hasZone] of [[zoned, true], [zoneless, false]] as const) {
      const { events: expected } = await truth(sandbox);
      const auth = await bearer(sandbox, '/oauth/token', 'grant_type=client_credentials&client_id=c&client_secret=s');
      const body = { includeDetailedScans: true, trackingInfo: [NUMBER, '999999999999'].map((trackingNumber) => ({ trackingNumberInfo: { trackingNumber } })) };
      const answer = await sandbox.call('POST', '/track/v1/trackingnumbers', { body, headers: auth });
      const [found, unknown] = answer.json.output.completeTrackResults;
      const last = expected[expected.length - 1]!;
      expect(found.trackResults[0].scanEvents[0].date).toBe(hasZone ? `${last.localTime}${last.utcOffset}` : last.localTime);
      expect(found.trackResults[0].latestStatusDetail.code).toBe('DL');
      expect(unknown.trackResults[0].error.code).toBe('TRACKING.TRACKINGNUMBER.NOTFOUND');
      const tooMany = { includeDetailedScans: true, trackingInfo: Array.from({ length: 31 }, () => ({ trackingNumberInfo: { trackingNumber: NUMBER } })) };
      expect((await sandbox.call('POST', '/track/v1/trackingnumbers', { body: tooMany, headers: auth })).status).toBe(400);
    }
  });
});

describe('DHL unified', () => {
  it('answers with shipments[] and a 404 problem for unknown numbers', async () => {
    for (const [sandbox, hasZone] of [[zoned, true], [zoneless, false]] as const) {
      const { events: expected } = await truth(sandbox);
      const answer = await sandbox.call('GET', `/track/shipments?trackingNumber=${NUMBER}`, { headers: { 'DHL-API-Key': 'k' } });
      const last = expected[expected.length - 1]!;
      expect(answer.json.shipments[0].status).toMatchObject({ statusCode: 'delivered', timestamp: hasZone ? `${last.localTime}${last.utcOffset}` : last.localTime });
      const unknown = await sandbox.call('GET', '/track/shipments?trackingNumber=JJD000', { headers: { 'DHL-API-Key': 'k' } });
      expect([unknown.status, unknown.json.title]).toEqual([404, 'No result found']);
    }
  });
});

describe('TikTok Shop 202309', () => {
  it('serves order tracking to a correctly signed request only', async () => {
    const { orderId, events: expected } = await truth(zoned);
    const path = `/fulfillment/202309/orders/${orderId}/tracking`;
    const query = { app_key: 'sandbox-app-key', shop_cipher: 'ROW_x', timestamp: String(Math.floor(Date.now() / 1000)) };
    const base = Object.entries(query).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}${v}`).join('');
    const sign = createHmac('sha256', 'sandbox-app-secret').update(`sandbox-app-secret${path}${base}sandbox-app-secret`).digest('hex');
    const answer = await zoned.call('GET', `${path}?${new URLSearchParams({ ...query, sign })}`, { headers: { 'x-tts-access-token': 't' } });
    expect(answer.json.code).toBe(0);
    expect(answer.json.data.tracking.map((t: { update_time_millis: number }) => t.update_time_millis)).toEqual(
      expected.map((e) => Date.parse(e.occurredAt)).reverse(),
    );
    const forged = await zoned.call('GET', `${path}?${new URLSearchParams({ ...query, sign: '0'.repeat(64) })}`, { headers: { 'x-tts-access-token': 't' } });
    expect(forged.json.code).toBe(106001);
  });
});
