import type { Kysely, Transaction } from 'kysely';
import type { ArchivedSnapshot, Database, NewArchivedSnapshot } from './database.js';

export type ArchivedSnapshotExecutor = Kysely<Database> | Transaction<Database>;

/**
 * Records a raw snapshot the archiver stored. Idempotent on the snapshot id: a redelivered
 * snapshot finds its row and changes nothing. Returns whether the row is new.
 */
/** Records archived snapshots in one statement; a snapshot already recorded keeps its row. Returns the ids inserted. */
export async function insertArchivedSnapshots(db: ArchivedSnapshotExecutor, rows: readonly NewArchivedSnapshot[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto('archived_snapshots')
    .values([...rows])
    .onConflict((oc) => oc.column('snapshot_id').doNothing())
    .returning('snapshot_id')
    .execute();
  return inserted.map((row) => row.snapshot_id);
}

export async function findArchivedSnapshots(db: ArchivedSnapshotExecutor, snapshotIds: readonly string[]): Promise<ArchivedSnapshot[]> {
  if (snapshotIds.length === 0) return [];
  return db.selectFrom('archived_snapshots').selectAll().where('snapshot_id', 'in', [...snapshotIds]).execute();
}

/** A shipment's archived snapshots fetched up to `fetchedUpTo`, oldest first (a stable order for bundles). */
export async function listArchivedSnapshots(db: ArchivedSnapshotExecutor, shipmentId: string, fetchedUpTo: Date): Promise<ArchivedSnapshot[]> {
  return db
    .selectFrom('archived_snapshots')
    .selectAll()
    .where('shipment_id', '=', shipmentId)
    .where('fetched_at', '<=', fetchedUpTo)
    .orderBy('fetched_at')
    .orderBy('snapshot_id')
    .execute();
}
