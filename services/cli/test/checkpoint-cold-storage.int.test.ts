import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { openBlobStore, type BlobStore } from '@parcelwatch/archive';
import { createDb, ensureCheckpointPartitions, insertNewCheckpoints, listCheckpointPartitions, type Database, type NewCheckpointRow } from '@parcelwatch/db';
import { seedShipments } from '@parcelwatch/db/testing';
import { createTestDatabase, s3Settings } from '@parcelwatch/test-harness';
import { archiveCheckpointMonths, restoreCheckpointMonth, type ColdMonthManifest } from '../src/checkpoint-cold-storage.js';

/*
 * Month partitions of checkpoints to cold storage (real PostgreSQL, real S3 protocol server)
 * and back: nothing lost, nothing changed, and a month still in use is refused.
 */

let testDb: { url: string; drop(): Promise<void> };
let db: Kysely<Database>;
let blobStore: BlobStore;
const merchantId = randomUUID();
const delivered = [randomUUID(), randomUUID()];
const active = randomUUID();

/** A checkpoint as the normalizer stores it (its repository); the rest of the row as a carrier left it blank. */
function checkpoint(shipmentId: string, occurredAt: Date, fields: { milestone: 'in_transit' | 'delivered'; source: 'poll' | 'webhook'; fingerprint: string; rawText: string | null; offset: number | null; zoneUnknown: boolean }): NewCheckpointRow {
  return {
    id: randomUUID(), shipmentId, occurredAt: occurredAt.toISOString(), localTime: null, utcOffsetMinutes: fields.offset, zoneUnknown: fields.zoneUnknown,
    milestone: fields.milestone, reason: null, locationText: null, city: null, state: null, country: null, postalCode: null, rawCode: null,
    rawText: fields.rawText, source: fields.source, provider: '17track', fingerprint: fields.fingerprint, snapshotId: null,
  };
}

async function addCheckpoints(shipmentId: string, month: number, count: number, text: string): Promise<void> {
  await insertNewCheckpoints(db, Array.from({ length: count }, (_, i) => checkpoint(shipmentId, new Date(Date.UTC(2025, month - 1, 1 + (i % 27), i % 24, 7)), {
    milestone: 'in_transit', source: 'poll', fingerprint: randomUUID().replace(/-/g, '').padEnd(64, '0'), rawText: `${text} #${i}`, offset: i % 2 === 0 ? 60 : null, zoneUnknown: i % 3 === 0,
  })));
}

async function monthRows(from: string, to: string): Promise<unknown[]> {
  const { rows } = await sql<Record<string, unknown>>`
    SELECT * FROM checkpoints WHERE occurred_at >= ${from}::timestamptz AND occurred_at < ${to}::timestamptz ORDER BY id`.execute(db);
  return rows;
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await createDb({ kind: 'postgres', url: testDb.url, max: 2 });
  const s3 = s3Settings();
  blobStore = await openBlobStore({
    kind: 's3',
    endpoint: s3.endpoint,
    bucket: s3.bucket,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    objectLockMode: 'GOVERNANCE',
  });
  await sql`INSERT INTO merchants (id, name) VALUES (${merchantId}, 'Cold storage shop')`.execute(db);
  // Registered as the api does; the delivered ones no longer polled, as the poller leaves them.
  await seedShipments(db, [...delivered.map((id) => [id, false] as const), [active, true] as const].map(([id, isActive]) => ({
    id, merchantId, orderId: `order-${id}`, trackingNumber: `LX${id.slice(0, 8)}CN`, carrier: 'china-post', provider: '17track', registeredAt: new Date(Date.UTC(2024, 11, 20)),
    ...(isActive ? {} : { polling: { nextPollAt: null, active: false } }),
  })));
  // January to April 2025: before the window the migration made, so the months are made here.
  await ensureCheckpointPartitions(db, { from: new Date(Date.UTC(2025, 0, 1)), months: 4 });
  await addCheckpoints(delivered[0]!, 1, 120, 'Zollabfertigung — 通关 🚚 \u200f');
  await addCheckpoints(delivered[1]!, 2, 75, "Arrivée à l'entrepôt");
  await addCheckpoints(delivered[1]!, 3, 10, 'In transit');
  await addCheckpoints(active, 4, 5, 'Still moving');
}, 120_000);

afterAll(async () => {
  await db?.destroy();
  await testDb?.drop();
});

describe('checkpoint months to cold storage', () => {
  let january: unknown[];
  let manifests: ColdMonthManifest[];

  it('refuses a month that holds checkpoints of a shipment still being tracked', async () => {
    await expect(archiveCheckpointMonths({ db, blobStore, before: new Date(Date.UTC(2025, 4, 1)), now: new Date() })).rejects.toThrow(
      /1 shipment\(s\) still being tracked have checkpoints before 2025-05-01/,
    );
    expect((await listCheckpointPartitions(db)).map((p) => p.name)).toEqual(
      expect.arrayContaining(['checkpoints_y2025m01', 'checkpoints_y2025m02', 'checkpoints_y2025m03', 'checkpoints_y2025m04']),
    );
  });

  it('archives the months before the cutoff in verified parts and drops their tables', async () => {
    january = await monthRows('2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z');
    expect(january).toHaveLength(120);
    manifests = await archiveCheckpointMonths({ db, blobStore, before: new Date(Date.UTC(2025, 2, 15)), now: new Date(), chunkRows: 50 });
    expect(manifests.map((m) => [m.table, m.rows, m.parts.length])).toEqual([
      ['checkpoints_y2025m01', 120, 3],
      ['checkpoints_y2025m02', 75, 2],
    ]);
    const names = (await listCheckpointPartitions(db)).map((p) => p.name);
    expect(names).not.toContain('checkpoints_y2025m01');
    expect(names).toContain('checkpoints_y2025m03');
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_class WHERE relname IN ('checkpoints_y2025m01', 'checkpoints_y2025m02')`.execute(db);
    expect(rows[0]!.n).toBe(0);
    expect(await monthRows('2025-01-01T00:00:00Z', '2025-03-01T00:00:00Z')).toEqual([]);
    expect(await monthRows('2025-03-01T00:00:00Z', '2025-05-01T00:00:00Z')).toHaveLength(15);
    // The parts are plain gzipped NDJSON anyone can read, odd unicode intact.
    const first = gunzipSync(await blobStore.get(manifests[0]!.parts[0]!.key)).toString('utf8').split('\n')[0]!;
    expect((JSON.parse(first) as { raw_text: string }).raw_text).toMatch(/^Zollabfertigung — 通关 🚚 \u200f #\d+$/);
  });

  it('restores an archived month exactly, with checkpoints that arrived for it meanwhile', async () => {
    const late = randomUUID().replace(/-/g, '').padEnd(64, '1');
    await insertNewCheckpoints(db, [checkpoint(delivered[0]!, new Date('2025-01-30T10:00:00Z'), { milestone: 'delivered', source: 'webhook', fingerprint: late, rawText: null, offset: null, zoneUnknown: false })]);
    const manifest = await restoreCheckpointMonth({ db, blobStore, table: 'checkpoints_y2025m01' });
    expect(manifest.rows).toBe(120);
    const restored = await monthRows('2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z');
    expect(restored).toHaveLength(121);
    expect(restored.filter((row) => (row as { fingerprint: string }).fingerprint !== late)).toEqual(january);
    const partitions = await listCheckpointPartitions(db);
    expect(partitions.find((p) => p.name === 'checkpoints_y2025m01')?.from?.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM checkpoints_default`.execute(db);
    expect(rows[0]!.n).toBe(0);
  });

  it('refuses to restore a month that is attached or was never archived', async () => {
    await expect(restoreCheckpointMonth({ db, blobStore, table: 'checkpoints_y2025m01' })).rejects.toThrow(/attached already/);
    await expect(restoreCheckpointMonth({ db, blobStore, table: 'checkpoints_y2024m07' })).rejects.toThrow(/no archived month/);
    await expect(restoreCheckpointMonth({ db, blobStore, table: 'shipments' })).rejects.toThrow(/not a checkpoint month table/);
  });
});
