import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { ProviderResponse } from '@parcelwatch/carriers';
import { canonicalJson, parseEvent } from '@parcelwatch/contracts';
import { buildTrackingSnapshot, type SnapshotInput } from './tracking-snapshot.builder.js';

const SHIPMENT = { id: '0195b0d9-8400-71a0-8bcc-af00f6dc8dfe', merchantId: '0195b0d9-8400-73fd-9aad-d08a7e4b9f0c', carrier: 'yunexpress', trackingNumber: 'YT2501000000001' };
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function input(rawBody: string, overrides: Partial<SnapshotInput> = {}): SnapshotInput {
  const response: ProviderResponse = {
    provider: '17track', status: 200, body: rawBody.startsWith('{') ? JSON.parse(rawBody) : null, rawBody, sha256: sha(rawBody),
    contentType: 'application/json', fetchedAt: '2025-03-20T00:00:00.000Z', durationMs: 12, elapsedMs: 40, attempts: 2,
  };
  return { shipment: SHIPMENT, provider: '17track', queriedNumber: SHIPMENT.trackingNumber, response, batchSize: 2, snapshotId: '0195b0d9-8400-7609-a635-e15c8691e3ff', capturedAt: '2025-03-20T00:00:00.000Z', source: 'parcelwatch/poller', ...overrides };
}

describe('buildTrackingSnapshot', () => {
  it('publishes a batch body cut to the shipment, hashed over its canonical JSON, with the batch hash in metadata', () => {
    const raw = '{"code":0,"data":{"accepted":[{"number":"YT2501000000001","track_info":null},{"number":"YT2501000000002","track_info":null}],"rejected":[]}}';
    const built = buildTrackingSnapshot(input(raw));
    if (!built.ok) throw new Error(built.reason);
    const parsed = parseEvent('tracking.snapshots', JSON.parse(JSON.stringify(built.event)));
    expect(parsed.ok).toBe(true);
    const body = { code: 0, data: { accepted: [{ number: 'YT2501000000001', track_info: null }], rejected: [] } };
    expect(built.event.data).toMatchObject({ payload: { encoding: 'json', body }, sha256: sha(canonicalJson(body)), httpStatus: 200, source: 'poll' });
    expect(built.event.data.metadata).toMatchObject({ sliced: true, batchSha256: sha(raw), attempts: 2, durationMs: 12, batchSize: 2 });
    expect(built.event).toMatchObject({ id: built.event.data.snapshotId, subject: SHIPMENT.id, merchantid: SHIPMENT.merchantId });
  });

  it('publishes a body that is only this shipment\'s whole, hashed over the bytes received', () => {
    const raw = '{"code":0,"data":{"accepted":[{"number":"YT2501000000001","track_info":null}],"rejected":[]}}';
    const built = buildTrackingSnapshot(input(raw, { batchSize: 1 }));
    expect(built.ok && built.event.data).toMatchObject({ sha256: sha(raw), metadata: { sliced: false } });
  });

  it('carries a body that is not JSON as base64', () => {
    const built = buildTrackingSnapshot(input('<html>gateway</html>', { provider: 'ups', response: { ...input('<html>gateway</html>').response, provider: 'ups', contentType: 'text/html' } }));
    expect(built.ok && built.event.data.payload).toEqual({ encoding: 'base64', contentType: 'text/html', body: Buffer.from('<html>gateway</html>').toString('base64') });
  });

  it('carries a JSON body with a NUL or a lone surrogate (which jsonb refuses) as its bytes in base64, whole or sliced', () => {
    const whole = '{"code":0,"data":{"accepted":[{"number":"YT2501000000001","track_info":{"note":"a\\u0000b\\ud800"}}],"rejected":[]}}';
    const single = buildTrackingSnapshot(input(whole, { batchSize: 1 }));
    expect(single.ok && single.event.data).toMatchObject({ payload: { encoding: 'base64', contentType: 'application/json', body: Buffer.from(whole).toString('base64') }, sha256: sha(whole) });
    const batch = '{"code":0,"data":{"accepted":[{"number":"YT2501000000001","track_info":{"note":"\\u0000"}},{"number":"YT2501000000002","track_info":null}],"rejected":[]}}';
    const sliced = buildTrackingSnapshot(input(batch));
    if (!sliced.ok || sliced.event.data.payload.encoding !== 'base64') throw new Error('expected a base64 payload');
    const bytes = Buffer.from(sliced.event.data.payload.body, 'base64').toString('utf8');
    expect(JSON.parse(bytes)).toEqual({ code: 0, data: { accepted: [{ number: 'YT2501000000001', track_info: { note: '\u0000' } }], rejected: [] } });
    expect(sliced.event.data.sha256).toBe(sha(bytes));
  });

  it('refuses an answer without the shipment, or data outside the contract', () => {
    const raw = '{"code":0,"data":{"accepted":[{"number":"YT2501000000002"}],"rejected":[]}}';
    expect(buildTrackingSnapshot(input(raw))).toEqual({ ok: false, reason: 'the answer holds nothing for YT2501000000001' });
    const badShipment = { ...SHIPMENT, id: 'not-a-uuid' };
    const single = '{"code":0,"data":{"accepted":[{"number":"YT2501000000001"}],"rejected":[]}}';
    expect(buildTrackingSnapshot(input(single, { shipment: badShipment })).ok).toBe(false);
  });
});
