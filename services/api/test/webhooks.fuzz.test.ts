import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseEvent } from '@parcelwatch/contracts';
import { aftershipSignature, createMerchant, NOW, outboxRows, seventeenTrackSign, startTestApi, type TestApi } from './api-test-kit.js';
import { expectClientError, fuzzParams, jsonOf, oddText, UNPAIRED_SURROGATE } from './fuzz-support.js';

/*
 * Property: whatever reaches POST /v1/webhooks/:provider (any bytes, content type, headers,
 * signature, size), the answer is 200/202 for a valid signed push and a 4xx with a JSON message
 * otherwise, never a 5xx; and a valid signed push sent after any of them is still accepted.
 */

const NUMBER_AFTERSHIP = 'YT1234567890123456';
const NUMBER_17TRACK = 'RR123456785CN';
const nowSeconds = Math.floor(Date.parse(NOW) / 1000);
const OVER_LIMIT = Buffer.alloc(2 * 1024 * 1024 + 1, 0x61);

describe('POST /v1/webhooks/:provider under fuzzing', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi();
    const merchantId = await createMerchant(t.db);
    for (const [orderId, trackingNumber, provider] of [['F-1', NUMBER_AFTERSHIP, 'aftership'], ['F-2', NUMBER_17TRACK, '17track']] as const) {
      const created = await t.post('/v1/shipments', { merchantId, orderId, trackingNumber, provider, destinationCountry: 'US' });
      expect(created.status).toBe(201);
    }
  });
  afterAll(async () => t.close());

  /** Over real HTTP (fastify's inject cannot load under jest's ESM mode); a Buffer body gets no default content type. */
  const send = async (provider: string, body: Buffer | string, headers: Record<string, string | string[]>) => {
    const sent = new Headers();
    for (const [name, value] of Object.entries(headers)) for (const one of [value].flat()) sent.append(name, one);
    const response = await fetch(`${t.url}/v1/webhooks/${provider}`, { method: 'POST', headers: sent, body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body });
    return { status: response.status, body: jsonOf(await response.text()) };
  };

  /** A valid signed AfterShip push: it must be accepted, whatever came before it. */
  async function expectValidPushAccepted(): Promise<void> {
    const before = (await outboxRows(t.db, 'tracking.snapshots')).length;
    const raw = JSON.stringify({ event: 'tracking_update', event_id: randomUUID(), ts: nowSeconds, msg: { tracking_number: NUMBER_AFTERSHIP, slug: 'yunexpress', tag: 'InTransit', checkpoints: [] } });
    const response = await send('aftership', raw, { 'content-type': 'application/json', 'aftership-hmac-sha256': aftershipSignature(raw) });
    expect(response).toMatchObject({ status: 200, body: { status: 'accepted', snapshots: 1 } });
    expect((await outboxRows(t.db, 'tracking.snapshots')).length).toBe(before + 1);
  }

  const provider = fc.oneof(fc.constantFrom('aftership', '17track', 'ups', 'tiktok', 'AFTERSHIP', '17track/extra', '%00', '..%2F'), oddText.filter((text) => !UNPAIRED_SURROGATE.test(text)).map(encodeURIComponent));
  const contentType = fc.option(
    fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', '', ';;;', 'application/json\u00e9'),
    { nil: undefined },
  );
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)),
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? ''),
    oddText,
    fc.constantFrom('', '{', '{"msg":', 'null', '[]', '"x"', '{"__proto__":{"x":1}}', '\uFEFF{}', '{"event":"tracking_update","msg":{"tracking_number":"YT1234567890123456"}}'),
    fc.constant(OVER_LIMIT),
  );
  const signature = fc.oneof(
    fc.constant('valid' as const),
    fc.constantFrom('', ' ', '=', 'AAAA', 'a'.repeat(64), 'A'.repeat(44)),
    oddText.filter((text) => /^[\t\x20-\x7e\x80-\xff]*$/.test(text)),
  );

  it('answers any bytes, content type, header set and signature with a 4xx JSON message or an acceptance, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(provider, contentType, body, signature, fc.boolean(), async (p, type, raw, sign, twice) => {
        const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
        const value = sign === 'valid' ? (p === '17track' ? seventeenTrackSign(bytes.toString('utf8')) : aftershipSignature(bytes.toString('utf8'))) : sign;
        const headers: Record<string, string | string[]> = { ...(type === undefined ? {} : { 'content-type': type }) };
        headers[p === '17track' ? 'sign' : 'aftership-hmac-sha256'] = twice ? [value, value] : value;
        const response = await send(p, bytes, headers);
        if (response.status === 200 || response.status === 202) expect(sign).toBe('valid');
        else expectClientError(response.status, response.body, { p, type, raw: bytes.subarray(0, 200).toString('utf8'), sign });
      }),
      fuzzParams(150),
    );
    await expectValidPushAccepted();
  });

  const odd = fc.oneof(oddText, fc.jsonValue({ maxDepth: 2 }));
  const ts = fc.oneof(fc.constant(nowSeconds), fc.integer({ min: nowSeconds - 200, max: nowSeconds + 200 }), fc.constantFrom(1e300, -1e300, 8.64e12, 8.64e12 + 1, 0, -1, 1.5), fc.double(), odd);
  const trackingNumber = fc.oneof(fc.constantFrom(NUMBER_AFTERSHIP, NUMBER_17TRACK, NUMBER_AFTERSHIP.toLowerCase(), `${NUMBER_17TRACK}\u0000`, '\u0000', ''), oddText, odd);
  const checkpoints = fc.array(fc.record({ checkpoint_time: fc.oneof(fc.constant('2026-03-01T10:00:00+08:00'), oddText), message: oddText, city: oddText, tag: odd }, { requiredKeys: [] }), { maxLength: 4 });

  it('answers signed pushes with odd contents (timestamps, numbers, NUL and lone surrogates in JSON) without a 5xx; accepted ones carry a valid snapshot event', async () => {
    const push = fc.oneof(
      fc.record({ event: odd, event_id: fc.oneof(fc.uuid(), oddText), ts, msg: fc.oneof(fc.record({ tracking_number: trackingNumber, slug: odd, checkpoints }), odd) }, { requiredKeys: ['msg'] }).map((b) => ['aftership', b] as const),
      fc.record({ event: fc.oneof(fc.constant('TRACKING_UPDATED'), odd), data: fc.oneof(fc.record({ number: trackingNumber, carrier: odd, tag: oddText, track_info: odd }), odd) }, { requiredKeys: ['data'] }).map((b) => ['17track', b] as const),
    );
    await fc.assert(
      fc.asyncProperty(push, async ([p, payload]) => {
        const raw = JSON.stringify(payload);
        const headers = { 'content-type': 'application/json', ...(p === '17track' ? { sign: seventeenTrackSign(raw) } : { 'aftership-hmac-sha256': aftershipSignature(raw) }) };
        const before = (await outboxRows(t.db, 'tracking.snapshots')).length;
        const response = await send(p, raw, headers);
        if (response.status === 200) {
          const rows = await outboxRows(t.db, 'tracking.snapshots');
          expect(rows.length).toBeGreaterThan(before);
          for (const row of rows.slice(before)) {
            const parsed = parseEvent('tracking.snapshots', row.event);
            if (!parsed.ok) throw new Error(`accepted push stored an invalid event: ${parsed.reason}`);
          }
        } else if (response.status !== 202) {
          expectClientError(response.status, response.body, { p, raw: raw.slice(0, 300) });
        }
      }),
      {
        ...fuzzParams<[readonly ['aftership' | '17track', unknown]]>(150),
        // Regressions: each of these answered 500 before (see the commit that added this test).
        examples: [
          [['17track', { event: 'TRACKING_UPDATED', data: { number: '\u0000' } }]],
          [['aftership', { event: 'tracking_update', event_id: randomUUID(), ts: 1e300, msg: { tracking_number: NUMBER_AFTERSHIP, checkpoints: [] } }]],
          [['aftership', { event: 'tracking_update\u0000', event_id: '\u0000', ts: nowSeconds, msg: { tracking_number: NUMBER_AFTERSHIP, checkpoints: [] } }]],
          [['aftership', { event: 'tracking_update', event_id: randomUUID(), ts: nowSeconds, msg: { tracking_number: NUMBER_AFTERSHIP, checkpoints: [{ checkpoint_time: '2026-03-01T10:00:00+08:00', message: 'Arrived\u0000 \uD800' }] } }]],
        ],
      },
    );
    await expectValidPushAccepted();
  });
});
