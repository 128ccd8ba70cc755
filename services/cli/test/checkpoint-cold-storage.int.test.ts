import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { openBlobStore, type BlobStore } from '@parcelwatch/archive';
import { createDb, ensureCheckpointPartitions, listCheckpointPartitions, type Database } from '@parcelwatch/db';
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

async function addCheckpoints(shipmentId: string, month: number, count: number, text: string): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await sql`
      INSERT INTO checkpoints (shipment_id, occurred_at, milestone, source, provider, fingerprint, raw_text, utc_offset_minutes, zone_unknown)
      VALUES (${shipmentId}, ${new Date(Date.UTC(2025, month - 1, 1 + (i % 27), i % 24, 7))}, 'in_transit', 'poll', '17track',
              ${randomUUID().replace(/-/g, '').padEnd(64, '0')}, ${`${text} #${i}`}, ${i % 2 === 0 ? 60 : null}, ${i % 3 === 0})`.execute(db);
  }
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
  for (const [id, isActive] of [...delivered.map((id) => [id, false] as const), [active, true] as const]) {
    await sql`INSERT INTO shipments (id, merchant_id, order_id, tracking_number, carrier, provider, active)
              VALUES (${id}, ${merchantId}, ${`order-${id}`}, ${`LX${id.slice(0, 8)}CN`}, 'china-post', '17track', ${isActive})`.execute(db);
  }
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
    await sql`INSERT INTO checkpoints (shipment_id, occurred_at, milestone, source, provider, fingerprint)
              VALUES (${delivered[0]!}, '2025-01-30T10:00:00Z', 'delivered', 'webhook', '17track', ${late})`.execute(db);
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
