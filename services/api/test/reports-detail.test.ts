import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFilesystemBlobStore, sha256Hex } from '@parcelwatch/archive';
import { newId } from '@parcelwatch/contracts';
import type { Kysely } from 'kysely';
import type { Database } from '@parcelwatch/db';
import { createMerchant, daysAgo, seedCompensation, seedException, seedNotification, seedShipment, startReportApi, type ReportApi } from './report-test-kit.js';

async function seedCheckpoint(
  db: Kysely<Database>,
  shipmentId: string,
  seed: { occurredAt: string; localTime: string | null; offset: number | null; zoneUnknown?: boolean; milestone?: 'in_transit' | 'info_received'; reason?: string; city?: string },
): Promise<void> {
  await db
    .insertInto('checkpoints')
    .values({
      shipment_id: shipmentId,
      occurred_at: seed.occurredAt,
      local_time: seed.localTime,
      utc_offset_minutes: seed.offset,
      zone_unknown: seed.zoneUnknown ?? false,
      milestone: seed.milestone ?? 'in_transit',
      reason: seed.reason ?? null,
      city: seed.city ?? null,
      country: 'CN',
      raw_code: 'T1',
      raw_text: 'Departed facility',
      source: 'poll',
      provider: '17track',
      fingerprint: sha256Hex(Buffer.from(`${shipmentId}${seed.occurredAt}`)),
    })
    .execute();
}

describe('GET /v1/shipments/:id', () => {
  let t: ReportApi;
  let dir: string;
  let merchantA: string;
  let merchantB: string;
  let shipmentId: string;
  let otherShipment: string;
  const manifestBytes = Buffer.from('{"version":1,"parts":["timeline"]}');
  const partBytes = Buffer.from('%PDF-1.7 proof of shipment');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pw-report-detail-'));
    const blobStore = createFilesystemBlobStore({ dir });
    t = await startReportApi({ blobStore });
    merchantA = await createMerchant(t.db);
    merchantB = await createMerchant(t.db);
    shipmentId = await seedShipment(t.db, { merchantId: merchantA, trackingNumber: 'DETAIL1', promised: '2026-03-10' });
    otherShipment = await seedShipment(t.db, { merchantId: merchantB, trackingNumber: 'OTHER1' });
    await seedCheckpoint(t.db, shipmentId, { occurredAt: '2026-02-20T06:05:00Z', localTime: '2026-02-20T14:05:00', offset: 480, milestone: 'info_received', city: 'Shenzhen' });
    await seedCheckpoint(t.db, shipmentId, { occurredAt: '2026-02-22T23:30:00Z', localTime: '2026-02-22T18:30:00', offset: -300, reason: 'arrived_hub', city: 'New York' });
    await seedCheckpoint(t.db, shipmentId, { occurredAt: '2026-02-21T03:00:00Z', localTime: '2026-02-21 03:00', offset: null, zoneUnknown: true, reason: 'departed_origin' });
    const exceptionId = await seedException(t.db, shipmentId, merchantA, 'stalled', { openedAt: daysAgo(2) });
    await seedNotification(t.db, { shipmentId, merchantId: merchantA, trigger: `exception:${exceptionId}:opened`, sentAt: daysAgo(2) });
    await seedCompensation(t.db, { shipmentId, merchantId: merchantA, tier: 1, status: 'pending', amountMinor: 500, decidedAt: daysAgo(1) });

    const manifestKey = `proofs/${merchantA}/${shipmentId}/shipment/20260220T060500Z-${sha256Hex(manifestBytes)}.json`;
    const partKey = `proofs/${merchantA}/${shipmentId}/shipment/20260220T060500Z-${sha256Hex(partBytes)}.pdf`;
    await blobStore.put(partKey, partBytes, { contentType: 'application/pdf' });
    await blobStore.put(manifestKey, manifestBytes, { contentType: 'application/json' });
    await t.db
      .insertInto('proofs')
      .values({
        id: newId(),
        shipment_id: shipmentId,
        merchant_id: merchantA,
        kind: 'shipment',
        object_key: manifestKey,
        manifest_sha256: sha256Hex(manifestBytes),
        parts: JSON.stringify([{ name: 'summary', key: partKey, sha256: sha256Hex(partBytes), size: partBytes.length, contentType: 'application/pdf' }]),
      })
      .execute();
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the timeline in event order with UTC and local times, exceptions, notifications and compensations', async () => {
    const response = await t.get(`/v1/shipments/${shipmentId}`, [merchantA]);
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body.shipment).toMatchObject({ id: shipmentId, trackingNumber: 'DETAIL1', merchantId: merchantA, promisedDeliveryDate: '2026-03-10', buyerTimezone: 'America/New_York' });
    expect(body.timeline).toEqual([
      expect.objectContaining({ occurredAt: '2026-02-20T06:05:00.000Z', localTime: '2026-02-20T14:05:00', utcOffsetMinutes: 480, localIso: '2026-02-20T14:05:00.000+08:00', milestone: 'info_received' }),
      expect.objectContaining({ occurredAt: '2026-02-21T03:00:00.000Z', localTime: '2026-02-21 03:00', utcOffsetMinutes: null, zoneUnknown: true, localIso: null }),
      expect.objectContaining({ occurredAt: '2026-02-22T23:30:00.000Z', localTime: '2026-02-22T18:30:00', utcOffsetMinutes: -300, localIso: '2026-02-22T18:30:00.000-05:00', reason: 'arrived_hub' }),
    ]);
    expect(body.timeline[0].location).toMatchObject({ city: 'Shenzhen', country: 'CN' });
    expect(body.exceptions).toEqual([expect.objectContaining({ kind: 'stalled', status: 'open', openedAt: daysAgo(2).toISOString(), ruleFired: null, facts: null })]);
    expect(body.notifications).toEqual([expect.objectContaining({ channel: 'email', status: 'sent', trigger: expect.stringMatching(/^exception:.*:opened$/) })]);
    expect(body.compensations).toEqual([expect.objectContaining({ tier: 1, status: 'pending', amount: { amountMinor: 500, currency: 'USD' } })]);
  });

  it('links each proof object by a presigned URL that downloads the stored bytes and expires in 300 s', async () => {
    const response = await t.get(`/v1/shipments/${shipmentId}`, [merchantA]);
    const [proof] = response.body.proofs;
    expect(proof).toMatchObject({ kind: 'shipment', linksExpireAt: '2026-03-02T10:05:00.000Z' });
    // The filesystem store without a public base URL presigns to file:// (embedded, local use).
    expect(await readFile(fileURLToPath(proof.manifest.downloadUrl))).toEqual(manifestBytes);
    expect(proof.parts).toHaveLength(1);
    expect(proof.parts[0]).toMatchObject({ name: 'summary', contentType: 'application/pdf', size: partBytes.length });
    expect(await readFile(fileURLToPath(proof.parts[0].downloadUrl))).toEqual(partBytes);
  });

  it("answers 404 for another merchant's shipment and for an unknown id, 400 for a malformed one", async () => {
    const hidden = await t.get(`/v1/shipments/${otherShipment}`, [merchantA]);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({ error: 'not_found', message: `no shipment ${otherShipment}` });
    expect((await t.get(`/v1/shipments/${otherShipment}`, [merchantB])).status).toBe(200);
    expect((await t.get(`/v1/shipments/${newId()}`, [merchantA])).status).toBe(404);
    expect((await t.get('/v1/shipments/not-an-id', [merchantA])).status).toBe(400);
  });
});
