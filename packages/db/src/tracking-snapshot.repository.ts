import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.js';
import { jsonRecords } from './json-records.js';

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

const SNAPSHOT_RECORD = sql`id uuid, shipment_id uuid, provider text, source text, fetched_at timestamptz, http_status integer,
  sha256 text, blob_key text, byte_size integer, metadata jsonb`;

/** Records snapshot metadata (the raw body lives in the archive), in one statement. Idempotent on the snapshot id. */
export async function recordTrackingSnapshots(db: TrackingSnapshotExecutor, rows: readonly NewTrackingSnapshotRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const records = rows.map((row) => ({
    id: row.id,
    shipment_id: row.shipmentId,
    provider: row.provider,
    source: row.source,
    fetched_at: row.fetchedAt,
    http_status: row.httpStatus,
    sha256: row.sha256,
    blob_key: row.blobKey,
    byte_size: row.byteSize,
    metadata: row.metadata,
  }));
  const result = await sql`
    INSERT INTO tracking_snapshots (id, shipment_id, provider, source, fetched_at, http_status, sha256, blob_key, byte_size, metadata)
    SELECT id, shipment_id, provider, source, fetched_at, http_status, sha256, blob_key, byte_size, metadata
    FROM ${jsonRecords(records, SNAPSHOT_RECORD)}
    -- A redelivered or re-published snapshot: keep the first row.
    ON CONFLICT (id) DO NOTHING`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
