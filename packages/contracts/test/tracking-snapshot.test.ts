import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  buildTrackingSnapshotEvent,
  canonicalSnapshotSha256,
  encodeSnapshotPayload,
  parseEvent,
  snapshotPayloadBytes,
  snapshotSha256,
  type SnapshotFacts,
} from '../src/index.js';

const SHIPMENT = { id: '0195b0d9-8400-71a0-8bcc-af00f6dc8dfe', merchantId: '0195b0d9-8400-73fd-9aad-d08a7e4b9f0c', carrier: 'yunexpress', trackingNumber: 'YT2501000000001' };
const RAW = '{"event":"TRACKING_UPDATED","data":{"number":"YT2501000000001"}}';

function facts(overrides: Partial<SnapshotFacts> = {}): SnapshotFacts {
  return {
    shipment: SHIPMENT, snapshotId: '0195b0d9-8400-7609-a635-e15c8691e3ff', provider: '17track', source: 'webhook', fetchedAt: '2025-03-20T00:00:00.000Z',
    httpStatus: null, sha256: snapshotSha256(RAW), payload: encodeSnapshotPayload({ bytes: RAW, contentType: 'application/json', json: { value: JSON.parse(RAW) } }),
    metadata: { signatureVerified: true }, producer: 'parcelwatch/api', capturedAt: '2025-03-20T00:00:00.000Z', ...overrides,
  };
}

describe('the tracking snapshot', () => {
  it('hashes bytes and canonical JSON with SHA-256', () => {
    expect(snapshotSha256(RAW)).toBe(createHash('sha256').update(RAW).digest('hex'));
    expect(canonicalSnapshotSha256({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(createHash('sha256').update('{"a":[{"c":3,"d":2}],"b":1}').digest('hex'));
  });

  it('travels as JSON when jsonb can hold it, else as its exact bytes, and gives the same bytes back', () => {
    const json = encodeSnapshotPayload({ bytes: RAW, contentType: 'application/json', json: { value: JSON.parse(RAW) } });
    expect(json).toEqual({ encoding: 'json', body: JSON.parse(RAW) });
    expect(snapshotPayloadBytes(json)).toEqual({ bytes: Buffer.from(JSON.stringify(JSON.parse(RAW))), ext: 'json', contentType: 'application/json' });
    const withNul = '{"note":"a\\u0000b"}';
    const base64 = encodeSnapshotPayload({ bytes: Buffer.from(withNul), contentType: 'application/json', json: { value: JSON.parse(withNul) } });
    expect(base64).toEqual({ encoding: 'base64', contentType: 'application/json', body: Buffer.from(withNul).toString('base64') });
    expect(snapshotPayloadBytes(base64).bytes.toString('utf8')).toBe(withNul);
    expect(encodeSnapshotPayload({ bytes: '<html/>', contentType: 'text/html' })).toEqual({ encoding: 'base64', contentType: 'text/html', body: Buffer.from('<html/>').toString('base64') });
  });

  it('builds an event the contract accepts, keyed as the producer asks', () => {
    const built = buildTrackingSnapshotEvent(facts({ eventId: '0195b0d9-8400-7609-a635-e15c8691e400' }));
    if (!built.ok) throw new Error(built.reason);
    expect(parseEvent('tracking.snapshots', JSON.parse(JSON.stringify(built.event))).ok).toBe(true);
    expect(built.event).toMatchObject({ id: '0195b0d9-8400-7609-a635-e15c8691e400', subject: SHIPMENT.id, merchantid: SHIPMENT.merchantId, source: 'parcelwatch/api' });
    expect(built.event.data).toMatchObject({ source: 'webhook', carrier: 'yunexpress', httpStatus: null, sha256: snapshotSha256(RAW) });
  });

  it('sends an unknown carrier as null and refuses facts outside the contract', () => {
    const unknownCarrier = buildTrackingSnapshotEvent(facts({ shipment: { ...SHIPMENT, carrier: 'no such carrier' } }));
    expect(unknownCarrier.ok && unknownCarrier.event.data.carrier).toBeNull();
    expect(buildTrackingSnapshotEvent(facts({ shipment: { ...SHIPMENT, merchantId: 'shop-1' } }))).toEqual({ ok: false, reason: 'snapshot does not fit the contract: merchantId is not a merchant id' });
    const badHash = buildTrackingSnapshotEvent(facts({ sha256: 'abc' }));
    expect(badHash.ok).toBe(false);
  });
});
