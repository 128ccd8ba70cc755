import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { canonicalJson } from '../src/bundle/canonical-json.js';
import { buildBundle, parseManifest } from '../src/bundle/manifest.js';
import type { ProofEvidence } from '../src/bundle/proof-evidence.js';
import { renderProofPdf } from '../src/bundle/proof-pdf.js';
import { checkChain } from '../src/verify/chain.js';

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const AT = new Date('2025-03-01T02:00:00.000Z');
const HEADER = {
  prefix: 'proofs/m-1/s-1/shipment',
  shipmentId: 's-1',
  merchantId: 'm-1',
  kind: 'shipment' as const,
  createdAt: AT,
  trigger: { type: 'parcelwatch.shipment.milestone_reached.v1', id: 'e-1' },
  requestedBy: null,
  previousManifestSha256: null,
};
const part = (name: string, text: string) => ({ name, ext: 'json', contentType: 'application/json', body: Buffer.from(text) });

function evidence(overrides: Partial<ProofEvidence> = {}): ProofEvidence {
  return {
    kind: 'delivery',
    cutoff: '2025-03-11T02:30:00.000Z',
    shipment: {
      shipmentId: '0195a0e0-0000-7000-8000-000000000001',
      merchantId: '0195a0e0-0000-7000-8000-000000000002',
      orderRef: 'order-1',
      trackingNumber: 'LX123456789CN',
      carrier: 'china-post',
      provider: '17track',
      originCountry: 'CN',
      destinationCountry: 'US',
      status: 'delivered',
      buyerTimeZone: 'America/New_York',
    },
    timeline: [
      {
        checkpointId: 'c-1',
        occurredAt: '2025-03-01T02:00:00.000Z',
        localTime: '2025-03-01T10:00:00',
        utcOffset: '+08:00',
        zoneUnknown: false,
        milestone: 'in_transit',
        reason: 'picked_up',
        location: { text: null, city: '深圳', region: null, postalCode: null, countryCode: 'CN' },
        rawCode: 'PU',
        rawText: '收寄 Accepted by carrier',
        source: 'poll',
        provider: '17track',
        snapshotId: 'snap-1',
      },
    ],
    snapshots: [],
    communications: [
      {
        notificationId: 'n-1',
        trigger: 'milestone:shipped',
        channel: 'email',
        template: 'shipped',
        locale: 'en-US',
        status: 'sent',
        scheduledFor: '2025-03-01T02:20:00.000Z',
        sentAt: '2025-03-01T02:21:00.000Z',
        providerMessageId: 'msg-1',
        bodySha256: sha('body'),
        attempts: 1,
        attemptLog: [
          { attempt: 1, status: 'sent', at: '2025-03-01T02:21:00.000Z', providerMessageId: 'msg-1', bodySha256: sha('body'), errorCode: null, retriable: null, deferReason: null, deferredUntil: null },
        ],
      },
    ],
    exceptions: [],
    compensations: [],
    ...overrides,
  };
}

describe('canonical JSON', () => {
  it('gives the same bytes whatever the key order, and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe(canonicalJson({ a: { d: [2, { y: 2, z: 1 }] }, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{\n  "a": 2,\n  "b": 1\n}\n');
  });
});

describe('bundle manifest', () => {
  it('lists every part with its SHA-256, size and a key that carries the hash', () => {
    const bundle = buildBundle(HEADER, [part('timeline', '{"a":1}'), part('communications', '[]')]);
    expect(bundle.manifest.parts).toEqual([
      { name: 'timeline', key: `proofs/m-1/s-1/shipment/2025-03-01T02-00-00.000Z-${sha('{"a":1}')}.timeline.json`, sha256: sha('{"a":1}'), size: 7, contentType: 'application/json' },
      { name: 'communications', key: `proofs/m-1/s-1/shipment/2025-03-01T02-00-00.000Z-${sha('[]')}.communications.json`, sha256: sha('[]'), size: 2, contentType: 'application/json' },
    ]);
    expect(bundle.manifestSha256).toBe(sha(bundle.manifestBody));
    expect(bundle.manifestKey).toBe(`proofs/m-1/s-1/shipment/2025-03-01T02-00-00.000Z-${bundle.manifestSha256}.manifest.json`);
    expect(bundle.manifest).toMatchObject({ version: 1, createdAt: '2025-03-01T02:00:00.000Z', previousManifestSha256: null, trigger: HEADER.trigger });
  });

  it('is byte-identical when built again, and changes with any part or with the predecessor', () => {
    const parts = [part('timeline', '{"a":1}')];
    const first = buildBundle(HEADER, parts);
    expect(buildBundle(HEADER, parts).manifestBody.equals(first.manifestBody)).toBe(true);
    expect(buildBundle(HEADER, [part('timeline', '{"a":2}')]).manifestSha256).not.toBe(first.manifestSha256);
    expect(buildBundle({ ...HEADER, previousManifestSha256: sha('x') }, parts).manifestSha256).not.toBe(first.manifestSha256);
  });

  it('refuses two parts with one name', () => {
    expect(() => buildBundle(HEADER, [part('timeline', '1'), part('timeline', '2')])).toThrow(/twice/);
  });

  it('reads a stored manifest back, and says why something is not one', () => {
    const bundle = buildBundle(HEADER, [part('timeline', '{"a":1}')]);
    expect(parseManifest(bundle.manifestBody)).toEqual({ ok: true, manifest: bundle.manifest });
    expect(parseManifest(Buffer.from('{not json'))).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) });
    expect(parseManifest(Buffer.from('{"version":1}'))).toMatchObject({ ok: false });
  });
});

/** The text drawn on the pages: content streams inflated, hex strings decoded (how pdf-lib writes them). */
function pageText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const streams = [...raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)].map((m) => {
    const bytes = Buffer.from(m[1]!, 'latin1');
    try {
      return inflateSync(bytes).toString('latin1');
    } catch {
      return bytes.toString('latin1');
    }
  });
  return streams
    .join('\n')
    .replace(/<([0-9A-Fa-f]+)>/g, (_, hex: string) => Buffer.from(hex, 'hex').toString('latin1'));
}

describe('proof PDF', () => {
  it('renders the same bytes for the same evidence and time, and other bytes for other evidence', async () => {
    const first = await renderProofPdf(evidence(), AT);
    const second = await renderProofPdf(evidence(), AT);
    expect(first.subarray(0, 5).toString()).toBe('%PDF-');
    expect(sha(first)).toBe(sha(second));
    expect(sha(await renderProofPdf(evidence({ cutoff: '2025-03-12T00:00:00.000Z' }), AT))).not.toBe(sha(first));
    expect(sha(await renderProofPdf(evidence(), new Date('2025-03-02T00:00:00Z')))).not.toBe(sha(first));
  });

  it('holds the timeline and the communication log as text a reader can find', async () => {
    const text = pageText(await renderProofPdf(evidence(), AT));
    expect(text).toContain('Accepted by carrier');
    expect(text).toContain('email - shipped (en-US) - sent');
    // Characters the standard fonts cannot show become '?', not a failure.
    expect(text).toContain('?? Accepted by carrier');
  });

  it('spills a long timeline onto further pages', async () => {
    const many = Array.from({ length: 120 }, (_, i) => ({ ...evidence().timeline[0]!, checkpointId: `c-${i}` }));
    const pdf = (await renderProofPdf(evidence({ timeline: many }), AT)).toString('latin1');
    expect((pdf.match(/\/Type \/Page\b/g) ?? []).length).toBeGreaterThan(1);
  });
});

describe('chain check', () => {
  const link = (id: string, previous: string | null, manifestPrevious?: string | null) => ({
    proofId: id,
    manifestSha256: sha(id),
    recordedPrevious: previous,
    ...(manifestPrevious !== undefined ? { manifestPrevious } : {}),
  });

  it('accepts bundles that each name the one written before', () => {
    expect(checkChain([link('a', null, null), link('b', sha('a'), sha('a')), link('c', sha('b'), sha('b'))])).toEqual([]);
    expect(checkChain([])).toEqual([]);
  });

  it('finds a dropped bundle, a swapped predecessor and a first bundle that claims one', () => {
    // b removed: c still names b.
    expect(checkChain([link('a', null, null), link('c', sha('b'), sha('b'))])).toEqual([
      { proofId: 'c', expected: sha('a'), found: sha('b'), source: 'database' },
      { proofId: 'c', expected: sha('a'), found: sha('b'), source: 'manifest' },
    ]);
    expect(checkChain([link('a', sha('z'))])).toEqual([{ proofId: 'a', expected: null, found: sha('z'), source: 'database' }]);
    // The database agrees, the manifest was rewritten to name another predecessor.
    expect(checkChain([link('a', null, null), link('b', sha('a'), sha('x'))])).toEqual([{ proofId: 'b', expected: sha('a'), found: sha('x'), source: 'manifest' }]);
  });
});
