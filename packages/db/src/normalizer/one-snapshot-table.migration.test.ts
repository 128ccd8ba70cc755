import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Migrator, sql, type Kysely } from 'kysely';
import { migrations } from '@parcelwatch/migrations';
import { createDb, findArchivedSnapshots, insertMerchant, listArchivedSnapshots, migrateToLatest, recordArchivedSnapshots, recordTrackingSnapshots, registerShipments, type Database } from '../index.js';

// The migration that folds archived_snapshots into tracking_snapshots, run over rows written
// the way the normalizer and the archiver wrote them before it.

const MIGRATION = '2026-12-07T1330-one-snapshot-table';
const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < MIGRATION));
const MERCHANT = '0193a1b2-0000-7000-8000-0000000000bb';
const SHIPMENT = '0193a1b2-0000-7000-8000-000000000101';
const NORMALIZED = '0193a1b2-0000-7000-8000-000000000201';
const DEAD_LETTERED = '0193a1b2-0000-7000-8000-000000000202';
const NOT_ARCHIVED = '0193a1b2-0000-7000-8000-000000000203';
const hex = (c: string) => c.repeat(64);

async function archivedSnapshotRows(db: Kysely<Database>) {
  const { rows } = await sql<Record<string, unknown>>`
    SELECT snapshot_id, blob_key, sha256, received_sha256, content_type, byte_size, fetched_at, retain_until, archived_at
      FROM archived_snapshots ORDER BY snapshot_id`.execute(db);
  return rows;
}

describe(`migration ${MIGRATION}`, () => {
  let db: Kysely<Database>;
  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db, before);
    // As onboarding creates a merchant (the repository POST /v1/merchants writes with).
    await insertMerchant(db, {
      id: MERCHANT, name: 'shop', defaultLocale: 'en-US', defaultTimezone: 'UTC', settings: {}, supportEmail: null,
      marketplaceShopId: null, marketplaceShopCipher: null, compensationPolicyVersion: null, createdAt: new Date('2026-11-30T00:00:00Z'),
    });
    await db.transaction().execute((trx) =>
      registerShipments(trx, [{
        id: SHIPMENT, merchantId: MERCHANT, orderId: 'o1', trackingNumber: '1Z999AA10123456784', carrier: 'ups', provider: 'ups',
        originCountry: 'CN', destinationCountry: 'US', promisedDeliveryDate: null, buyerTimezone: 'UTC', orderValueMinor: null,
        orderCurrency: null, contact: null, buyerId: null, nextPollAt: new Date('2026-11-30T00:00:00Z'), registeredAt: new Date('2026-11-30T00:00:00Z'),
      }]),
    );
    const snapshot = (id: string, fetchedAt: string, sha: string) => ({
      id, shipmentId: SHIPMENT, provider: 'ups', source: 'poll' as const, fetchedAt, httpStatus: 200, sha256: hex(sha), byteSize: 10, metadata: { attempts: 1 },
    });
    // The normalizer's rows, with the blob_key it always left null (the column's old meaning).
    await recordTrackingSnapshots(db, [snapshot(NORMALIZED, '2026-12-01T00:00:00Z', 'a'), snapshot(NOT_ARCHIVED, '2026-12-03T00:00:00Z', 'c')]);
    // The archiver's own table, which the repositories no longer know.
    await sql`
      INSERT INTO archived_snapshots (snapshot_id, shipment_id, blob_key, sha256, received_sha256, content_type, byte_size, fetched_at, retain_until, archived_at)
      VALUES (${NORMALIZED}, ${SHIPMENT}, 'raw/a.json', ${hex('d')}, ${hex('a')}, 'application/json', 10, '2026-12-01T00:00:00Z', '2033-12-01T00:00:00Z', '2026-12-01T00:01:00Z'),
             (${DEAD_LETTERED}, ${SHIPMENT}, 'raw/b.bin', ${hex('b')}, ${hex('b')}, 'text/html', 20, '2026-12-02T00:00:00Z', NULL, '2026-12-02T00:01:00Z')`.execute(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('moves the archive facts onto the snapshot rows, drops archived_snapshots, and down restores it', async () => {
    const archivedBefore = await archivedSnapshotRows(db);
    expect(await migrateToLatest(db)).toContain(MIGRATION);
    expect(await sql`SELECT to_regclass('archived_snapshots') AS t`.execute(db).then((r) => r.rows)).toEqual([{ t: null }]);

    const listed = await listArchivedSnapshots(db, SHIPMENT, new Date('2026-12-31T00:00:00Z'));
    expect(listed).toEqual([
      {
        snapshotId: NORMALIZED, shipmentId: SHIPMENT, blobKey: 'raw/a.json', archivedSha256: hex('d'), receivedSha256: hex('a'), contentType: 'application/json',
        byteSize: 10, fetchedAt: new Date('2026-12-01T00:00:00Z'), retainUntil: new Date('2033-12-01T00:00:00Z'), archivedAt: new Date('2026-12-01T00:01:00Z'),
      },
      {
        snapshotId: DEAD_LETTERED, shipmentId: SHIPMENT, blobKey: 'raw/b.bin', archivedSha256: hex('b'), receivedSha256: hex('b'), contentType: 'text/html',
        byteSize: 20, fetchedAt: new Date('2026-12-02T00:00:00Z'), retainUntil: null, archivedAt: new Date('2026-12-02T00:01:00Z'),
      },
    ]);
    // The snapshot only the archiver knew gets a row; the one never archived keeps null archive facts.
    const rows = await db.selectFrom('tracking_snapshots').select(['id', 'provider', 'source', 'http_status', 'metadata', 'blob_key']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: NORMALIZED, provider: 'ups', source: 'poll', http_status: 200, metadata: { attempts: 1 }, blob_key: 'raw/a.json' },
      { id: DEAD_LETTERED, provider: 'ups', source: 'poll', http_status: null, metadata: { sourceInferred: true }, blob_key: 'raw/b.bin' },
      { id: NOT_ARCHIVED, provider: 'ups', source: 'poll', http_status: 200, metadata: { attempts: 1 }, blob_key: null },
    ]);
    // Archive facts come together or not at all.
    await expect(sql`UPDATE tracking_snapshots SET blob_key = 'raw/c.json' WHERE id = ${NOT_ARCHIVED}`.execute(db)).rejects.toThrow(/tracking_snapshots_archived_check/);

    const newest = Object.keys(migrations).sort().filter((name) => name >= MIGRATION);
    const previous = Object.keys(before).sort().at(-1)!;
    const down = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateTo(previous);
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => r.migrationName)).toEqual([...newest].reverse());
    expect(await archivedSnapshotRows(db)).toEqual(archivedBefore);
    const restored = await db.selectFrom('tracking_snapshots').select(['id', 'blob_key']).orderBy('id').execute();
    expect(restored).toEqual([{ id: NORMALIZED, blob_key: null }, { id: NOT_ARCHIVED, blob_key: null }]);
  });

  it('keeps one row per snapshot whichever of the normalizer and the archiver writes first', async () => {
    await migrateToLatest(db);
    const snapshot = (id: string) => ({
      id, shipmentId: SHIPMENT, provider: 'ups', source: 'webhook' as const, fetchedAt: '2026-12-05T00:00:00Z', httpStatus: null, sha256: hex('e'), byteSize: 5, metadata: {},
    });
    const archive = (id: string, key: string) => ({ ...snapshot(id), blobKey: key, archivedSha256: hex('f'), contentType: 'application/json', retainUntil: null });
    const first = '0193a1b2-0000-7000-8000-000000000301';
    const second = '0193a1b2-0000-7000-8000-000000000302';
    // Archiver first, then the normalizer: the normalizer's insert keeps the archived row.
    expect(await recordArchivedSnapshots(db, [archive(first, 'raw/first.json')])).toEqual([first]);
    await recordTrackingSnapshots(db, [snapshot(first)]);
    // Normalizer first, then the archiver: the archive facts land on the normalizer's row.
    await recordTrackingSnapshots(db, [snapshot(second)]);
    expect(await db.selectFrom('tracking_snapshots').select('id').where('id', '=', second).execute()).toEqual([{ id: second }]);
    expect(await findArchivedSnapshots(db, [second])).toEqual([]);
    expect(await recordArchivedSnapshots(db, [archive(second, 'raw/second.json')])).toEqual([second]);
    // A redelivered snapshot changes nothing.
    expect(await recordArchivedSnapshots(db, [archive(second, 'raw/other.json')])).toEqual([]);
    const found = await findArchivedSnapshots(db, [first, second, NOT_ARCHIVED]);
    expect(found.map((s) => [s.snapshotId, s.blobKey, s.receivedSha256]).sort()).toEqual([[first, 'raw/first.json', hex('e')], [second, 'raw/second.json', hex('e')]]);
  });
});
