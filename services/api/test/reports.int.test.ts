import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { createS3BlobStore, createS3Client, sha256Hex } from '@parcelwatch/archive';
import { newId } from '@parcelwatch/contracts';
import { createDb, type Database } from '@parcelwatch/db';
import { createTestDatabase, s3Settings } from '@parcelwatch/test-harness';
import type { Kysely } from 'kysely';
import { createMerchant, daysAgo, seedException, seedShipment, startReportApi, type ReportApi } from './report-test-kit.js';

/*
 * The reports on PostgreSQL 15 (the embedded tests run PGlite) and the detail's proof links
 * presigned by the S3 adapter against the harness's S3Mock: the link alone downloads the bytes.
 */
describe('reports on PostgreSQL 15 and S3', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let t: ReportApi;
  let merchantA: string;
  let merchantB: string;
  let shipmentId: string;
  const body = Buffer.from(`proof of shipment ${newId()}`);

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 4 });
    const settings = s3Settings();
    const client = createS3Client({ endpoint: settings.endpoint, region: settings.region, forcePathStyle: true, credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } });
    const blobStore = createS3BlobStore({ client, bucket: settings.bucket });
    await blobStore.ensureBucket();
    t = await startReportApi({ blobStore }, db);
    merchantA = await createMerchant(db);
    merchantB = await createMerchant(db);
    shipmentId = await seedShipment(db, { merchantId: merchantA, trackingNumber: 'PG-STUCK-1', lastCheckpointAt: daysAgo(9) });
    await seedException(db, shipmentId, merchantA, 'stalled');
    for (let i = 0; i < 7; i += 1) await seedShipment(db, { merchantId: merchantA, trackingNumber: `PG-OLD-${i}`, lastCheckpointAt: daysAgo(6 + i), promised: i % 2 === 0 ? '2026-02-20' : null });
    await seedShipment(db, { merchantId: merchantB, trackingNumber: 'PG-B-1', lastCheckpointAt: daysAgo(40) });
    const key = `proofs/${merchantA}/${shipmentId}/shipment/20260301T000000Z-${sha256Hex(body)}.json`;
    await blobStore.put(key, body, { contentType: 'application/json' });
    await db.insertInto('proofs').values({ id: newId(), shipment_id: shipmentId, merchant_id: merchantA, kind: 'shipment', object_key: key, manifest_sha256: sha256Hex(body) }).execute();
  });
  afterAll(async () => {
    await t.close();
    await db.destroy();
    await database.drop();
  });

  it('pages the stuck report by cursor and streams the same rows as CSV, scoped to the caller', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await t.get(`/v1/reports/stuck?limit=3&sort=promised_date${cursor === null ? '' : `&cursor=${cursor}`}`, [merchantA]);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item: { trackingNumber: string }) => item.trackingNumber));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expect(seen).not.toContain('PG-B-1');
    const csv = await t.get('/v1/reports/stuck?format=csv&sort=promised_date&limit=2', [merchantA]);
    const [, ...rows] = parse(csv.text) as string[][];
    expect(rows.map((row) => row[3])).toEqual(seen);
  });

  it('links the proof with a presigned S3 URL that downloads the object', async () => {
    const detail = await t.get(`/v1/shipments/${shipmentId}`, [merchantA]);
    expect(detail.status).toBe(200);
    const url = new URL(detail.body.proofs[0].manifest.downloadUrl);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(body);
    expect((await t.get(`/v1/shipments/${shipmentId}`, [merchantB])).status).toBe(404);
  });
});
