import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.js';

export type TrackingSnapshotExecutor = Kysely<Database> | Transaction<Database>;

export interface NewTrackingSnapshotRow {
  id: string;
  shipmentId: string;
  provider: string;
  source: 'poll' | 'webhook';
  fetchedAt: string;
  httpStatus: number | null;
  sha256: string;
  blobKey: string | null;
  byteSize: number;
  metadata: Record<string, unknown>;
}

/** Records snapshot metadata (the raw body lives in the archive). Idempotent on the snapshot id. */
export async function recordTrackingSnapshots(db: TrackingSnapshotExecutor, rows: readonly NewTrackingSnapshotRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db
    .insertInto('tracking_snapshots')
    .values(
      rows.map((row) => ({
        id: row.id,
        shipment_id: row.shipmentId,
        provider: row.provider,
        source: row.source,
        fetched_at: row.fetchedAt,
        http_status: row.httpStatus,
        sha256: row.sha256,
        blob_key: row.blobKey,
        byte_size: row.byteSize,
        metadata: JSON.stringify(row.metadata),
      })),
    )
    // A redelivered or re-published snapshot: keep the first row.
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
