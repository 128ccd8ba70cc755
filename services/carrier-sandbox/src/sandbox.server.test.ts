import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startSandbox, type SandboxUnderTest } from '../test/sandbox-client.js';

let sandbox: SandboxUnderTest;
const KEY = { '17token': 'key-1' };

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: { '17track': { limit: 1_000, windowMs: 1_000 }, dhl: { limit: 2, windowMs: 60_000 } } });
});
afterAll(() => sandbox.stop());
beforeEach(() => {
  sandbox.service.faults.configure({});
  sandbox.service.stats.reset();
});

async function newShipment(trackingNumber: string, extra: Record<string, unknown> = {}) {
  const created = await sandbox.call('POST', '/sandbox/shipments', { body: { shipments: [{ trackingNumber, shippedAt: '2025-03-01T00:00:00Z', ...extra }] } });
  expect(created.status).toBe(200);
  await sandbox.call('POST', '/track/v2.4/register', { body: [{ number: trackingNumber }], headers: KEY });
}

async function events17(number: string): Promise<{ description: string; time_utc: string | null; time_raw: { date: string; time: string } }[]> {
  const answer = await sandbox.call('POST', '/track/v2.4/gettrackinfo', { body: [{ number }], headers: KEY });
  return answer.json.data.accepted[0].track_info.tracking.providers[0]?.events ?? [];
}

describe('control routes', () => {
  it('creates shipments and reports their ground truth, one or in bulk', async () => {
    await newShipment('LX100000001CN', { outcome: 'returned', lane: 'CN-EU' });
    const truth = await sandbox.call('GET', '/sandbox/ground-truth/LX100000001CN');
    expect(truth.json).toMatchObject({ trackingNumber: 'LX100000001CN', lane: 'CN-EU', outcome: 'returned', finalStatus: { milestone: 'exception', reason: 'returned' } });
    expect(truth.json.events.length).toBeGreaterThan(8);
    const bulk = await sandbox.call('POST', '/sandbox/ground-truth', { body: { trackingNumbers: ['LX100000001CN', 'NOPE'] } });
    expect(bulk.json.shipments.map((s: { trackingNumber: string }) => s.trackingNumber)).toEqual(['LX100000001CN']);
    expect(bulk.json.missing).toEqual(['NOPE']);
    expect((await sandbox.call('GET', '/sandbox/ground-truth/NOPE')).status).toBe(404);
    const batch = await sandbox.call('POST', '/sandbox/shipments', { body: { count: 3, spreadDays: 5 } });
    expect(batch.json.created).toHaveLength(3);
    expect((await sandbox.call('POST', '/sandbox/shipments', { body: { shipments: [{ trackingNumber: 'X', lane: 'CN-MARS' }] } })).status).toBe(400);
  });

  it('shows only what happened by the sandbox clock, and more as the clock moves', async () => {
    await newShipment('LX100000002CN', { outcome: 'delivered' });
    const truth = (await sandbox.call('GET', '/sandbox/ground-truth/LX100000002CN')).json;
    const seen = await events17('LX100000002CN');
    expect(seen).toHaveLength(truth.visibleEvents);
    const next = truth.events[truth.visibleEvents];
    if (next) {
      sandbox.clock.set(next.occurredAt);
      expect(await events17('LX100000002CN')).toHaveLength(truth.visibleEvents + 1);
    }
    sandbox.clock.set('2025-06-01T00:00:00Z');
    expect(await events17('LX100000002CN')).toHaveLength(truth.events.length);
    sandbox.clock.set('2025-03-20T00:00:00Z');
  });
});

describe('fault injection', () => {
  beforeAll(() => newShipment('LX100000003CN', { outcome: 'delivered' }));

  it('answers 429 and 503 with Retry-After in the provider shape, 500 without', async () => {
    sandbox.service.faults.configure({ '17track': { retryAfterSeconds: 2, script: ['rate_limited', 'unavailable', 'server_error'] } });
    const limited = await sandbox.call('POST', '/track/v2.4/gettrackinfo', { body: [{ number: 'LX100000003CN' }], headers: KEY });
    expect([limited.status, limited.headers.get('retry-after'), limited.json.code]).toEqual([429, '2', 429]);
    const unavailable = await sandbox.call('POST', '/track/v2.4/gettrackinfo', { body: [{ number: 'LX100000003CN' }], headers: KEY });
    expect([unavailable.status, unavailable.headers.get('retry-after'), unavailable.json.code]).toEqual([503, '2', -18010003]);
    const failed = await sandbox.call('POST', '/track/v2.4/gettrackinfo', { body: [{ number: 'LX100000003CN' }], headers: KEY });
    expect([failed.status, failed.headers.get('retry-after')]).toEqual([500, null]);
    expect((await sandbox.call('POST', '/track/v2.4/gettrackinfo', { body: [{ number: 'LX100000003CN' }], headers: KEY })).status).toBe(200);
    expect(sandbox.service.faults.injected()['17track']).toMatchObject({ rate_limited: 1, unavailable: 1, server_error: 1 });
  });

  it('cuts bodies short and answers slowly when told', async () => {
    sandbox.service.faults.configure({ '17track': { slowMs: 300, script: ['malformed', 'slow'] } });
    const cut = await sandbox.call('POST', '/track/v2.4/gettrackinfo', { body: [{ number: 'LX100000003CN' }], headers: KEY });
    expect(cut.status).toBe(200);
    expect(cut.json).toBeUndefined();
    expect(cut.text.startsWith('{"code":0')).toBe(true);
    const started = Date.now();
    const slow = await sandbox.call('POST', '/track/v2.4/gettrackinfo', { body: [{ number: 'LX100000003CN' }], headers: KEY });
    expect(slow.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('fails every request during an outage until it is cleared', async () => {
    const patched = await sandbox.call('PATCH', '/sandbox/faults/17track', { body: { outage: 503 } });
    expect(patched.status).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await sandbox.call('POST', '/track/v2.4/gettrackinfo', { body: [], headers: KEY })).status).toBe(503);
    await sandbox.call('PATCH', '/sandbox/faults/17track', { body: { outage: null } });
    expect((await sandbox.call('POST', '/track/v2.4/gettrackinfo', { body: [], headers: KEY })).status).toBe(200);
    expect((await sandbox.call('PUT', '/sandbox/faults', { body: { '17track': { rateLimited: 3 } } })).status).toBe(400);
  });

  it('duplicates checkpoints, swaps neighbours and rewords them on later polls', async () => {
    sandbox.clock.set('2025-06-01T00:00:00Z');
    const clean = await events17('LX100000003CN');
    sandbox.service.faults.configure({ '17track': { duplicateCheckpoints: 1 } });
    const doubled = await events17('LX100000003CN');
    expect(doubled).toHaveLength(clean.length * 2);
    expect(doubled[0]).toEqual(doubled[1]);

    sandbox.service.faults.configure({ '17track': { outOfOrder: 1 } });
    const swapped = await events17('LX100000003CN');
    const times = swapped.map((e) => `${e.time_raw.date}T${e.time_raw.time}${e.time_utc ?? ''}`);
    expect(swapped).toHaveLength(clean.length);
    expect(swapped).not.toEqual(clean);
    expect(new Set(times)).toEqual(new Set(clean.map((e) => `${e.time_raw.date}T${e.time_raw.time}${e.time_utc ?? ''}`)));

    sandbox.service.faults.configure({ '17track': { editedWording: 1 } });
    const reworded = await events17('LX100000003CN');
    expect(reworded.map((e) => e.time_raw)).toEqual(clean.map((e) => e.time_raw));
    expect(reworded.map((e) => e.description)).not.toEqual(clean.map((e) => e.description));
    sandbox.clock.set('2025-03-20T00:00:00Z');
  });
});

describe('limits, auth and stats', () => {
  it('rejects a key over its limit with 429 and reports the peak rate per key', async () => {
    const call = () => sandbox.call('GET', '/track/shipments?trackingNumber=LX100000003CN', { headers: { 'DHL-API-Key': 'k' } });
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    const over = await call();
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    const stats = (await sandbox.call('GET', '/sandbox/stats')).json.providers.dhl;
    expect(stats).toMatchObject({ requests: 3, maxInWindow: 3, limit: 2, rejectedOverLimit: 1, keys: { k: { requests: 3, maxInWindow: 3 } } });
  });

  it('refuses calls without credentials in each provider shape', async () => {
    expect((await sandbox.call('POST', '/track/v2.4/gettrackinfo', { body: [] })).json.code).toBe(-18010002);
    expect((await sandbox.call('GET', '/tracking/2025-01/trackings')).json.meta).toMatchObject({ code: 401, type: 'Unauthorized' });
    expect((await sandbox.call('GET', '/tracking/v3/tracking/LX100000003CN')).status).toBe(401);
    expect((await sandbox.call('GET', '/api/track/v1/details/LX100000003CN')).json.response.errors[0].code).toBe('250002');
    expect((await sandbox.call('POST', '/track/v1/trackingnumbers', { body: {} })).json.errors[0].code).toBe('NOT.AUTHORIZED.ERROR');
    expect((await sandbox.call('GET', '/fulfillment/202309/orders/1/tracking')).json.code).toBe(36009004);
  });

  it('enforces 17TRACK limits on numbers per call and registration', async () => {
    const many = Array.from({ length: 41 }, (_, i) => ({ number: `N${i}` }));
    expect((await sandbox.call('POST', '/track/v2.4/gettrackinfo', { body: many, headers: KEY })).json.code).toBe(-18010014);
    const unregistered = await sandbox.call('POST', '/track/v2.4/gettrackinfo', { body: [{ number: 'UNREG1' }], headers: KEY });
    expect(unregistered.json.data.rejected[0].error.code).toBe(-18019902);
    const again = await sandbox.call('POST', '/track/v2.4/register', { body: [{ number: 'LX100000003CN' }], headers: KEY });
    expect(again.json.data.rejected[0].error.code).toBe(-18019901);
  });
});

describe('webhooks', () => {
  it('pushes 17TRACK and AfterShip updates with their signatures, once per new checkpoint', async () => {
    const received: { headers: IncomingHttpHeaders; body: string; path: string }[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body, path: request.url ?? '' });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    try {
      await newShipment('LX100000004CN', { shippedAt: '2025-03-19T12:00:00Z', outcome: 'delivered' });
      await sandbox.call('POST', '/tracking/2025-01/trackings', { body: { tracking_number: 'LX100000004CN' }, headers: { 'as-api-key': 'as-1' } });
      await sandbox.call('PUT', '/sandbox/webhooks', { body: { '17track': { url: `${url}/17track` }, aftership: { url: `${url}/aftership`, secret: 'whsec' } } });
      await sandbox.call('POST', '/sandbox/webhooks/flush');
      const seventeen = received.find((r) => r.path === '/17track' && r.body.includes('LX100000004CN'))!;
      expect(seventeen.headers.sign).toBe(createHash('sha256').update(`${seventeen.body}/key-1`).digest('hex'));
      expect(JSON.parse(seventeen.body)).toMatchObject({ event: 'TRACKING_UPDATED', data: { number: 'LX100000004CN' } });
      const after = received.find((r) => r.path === '/aftership')!;
      expect(after.headers['aftership-hmac-sha256']).toBe(createHmac('sha256', 'whsec').update(after.body).digest('base64'));
      expect(JSON.parse(after.body)).toMatchObject({ event: 'tracking_update', msg: { tracking_number: 'LX100000004CN' } });

      const count = received.length;
      await sandbox.call('POST', '/sandbox/webhooks/flush');
      expect(received).toHaveLength(count);
      sandbox.clock.advance({ days: 30 });
      await sandbox.call('POST', '/sandbox/webhooks/flush');
      expect(received.filter((r) => r.body.includes('LX100000004CN')).length).toBeGreaterThan(2);
    } finally {
      sandbox.clock.set('2025-03-20T00:00:00Z');
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
