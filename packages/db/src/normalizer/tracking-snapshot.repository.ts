import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database.js';
import { jsonRecords } from '../json-records.js';

export type TrackingSnapshotExecutor = Kysely<Database> | Transaction<Database>;

/** A snapshot's own facts, as its event carries them. */
export interface NewTrackingSnapshotRow {
  id: string;
  shipmentId: string;
  provider: string;
  source: 'poll' | 'webhook';
  fetchedAt: string;
  httpStatus: number | null;
  sha256: string;
  byteSize: number;
  metadata: Record<string, unknown>;
}

/** Where the archiver stored a snapshot's bytes. */
export interface SnapshotArchiveFacts {
  blobKey: string;
  /** Of the stored bytes. */
  archivedSha256: string;
  contentType: string;
  retainUntil: Date | null;
}

/** A snapshot whose bytes are in the archive: what a proof bundle lists. */
export interface ArchivedSnapshot extends SnapshotArchiveFacts {
  snapshotId: string;
  shipmentId: string;
  /** Of the bytes received. */
  receivedSha256: string;
  byteSize: number;
  fetchedAt: Date;
  archivedAt: Date;
}

const SNAPSHOT_RECORD = sql`id uuid, shipment_id uuid, provider text, source text, fetched_at timestamptz, http_status integer,
  sha256 text, byte_size integer, metadata jsonb`;
const ARCHIVED_RECORD = sql`id uuid, shipment_id uuid, provider text, source text, fetched_at timestamptz, http_status integer,
  sha256 text, byte_size integer, metadata jsonb, blob_key text, archived_sha256 text, content_type text, retain_until timestamptz`;

const snapshotRecord = (row: NewTrackingSnapshotRow) => ({
  id: row.id,
  shipment_id: row.shipmentId,
  provider: row.provider,
  source: row.source,
  fetched_at: row.fetchedAt,
  http_status: row.httpStatus,
  sha256: row.sha256,
  byte_size: row.byteSize,
  metadata: row.metadata,
});

/** Records snapshot metadata (the raw body lives in the archive), in one statement. Idempotent on the snapshot id. */
export async function recordTrackingSnapshots(db: TrackingSnapshotExecutor, rows: readonly NewTrackingSnapshotRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await sql`
    INSERT INTO tracking_snapshots (id, shipment_id, provider, source, fetched_at, http_status, sha256, byte_size, metadata)
    SELECT id, shipment_id, provider, source, fetched_at, http_status, sha256, byte_size, metadata
    FROM ${jsonRecords(rows.map(snapshotRecord), SNAPSHOT_RECORD)}
    -- A redelivered or re-published snapshot, or one the archiver recorded first: keep the row.
    ON CONFLICT (id) DO NOTHING`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Records where the archiver stored each snapshot's bytes, in one statement: on the normalizer's
 * row when it is there, else on a new row made from the same event. A snapshot already archived
 * keeps its facts (the same key holds the same bytes). Returns the ids archived now.
 */
export async function recordArchivedSnapshots(db: TrackingSnapshotExecutor, rows: readonly (NewTrackingSnapshotRow & SnapshotArchiveFacts)[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const records = rows.map((row) => ({
    ...snapshotRecord(row),
    blob_key: row.blobKey,
    archived_sha256: row.archivedSha256,
    content_type: row.contentType,
    retain_until: row.retainUntil?.toISOString() ?? null,
  }));
  const result = await sql<{ id: string }>`
    INSERT INTO tracking_snapshots AS t (id, shipment_id, provider, source, fetched_at, http_status, sha256, byte_size, metadata,
                                         blob_key, archived_sha256, content_type, retain_until, archived_at)
    SELECT id, shipment_id, provider, source, fetched_at, http_status, sha256, byte_size, metadata,
           blob_key, archived_sha256, content_type, retain_until, now()
    FROM ${jsonRecords(records, ARCHIVED_RECORD)}
    ON CONFLICT (id) DO UPDATE
      SET blob_key = EXCLUDED.blob_key, archived_sha256 = EXCLUDED.archived_sha256, content_type = EXCLUDED.content_type,
          retain_until = EXCLUDED.retain_until, archived_at = EXCLUDED.archived_at
      WHERE t.blob_key IS NULL
    RETURNING id`.execute(db);
  return result.rows.map((row) => row.id);
}

const archivedColumns = [
  'id', 'shipment_id', 'blob_key', 'archived_sha256', 'sha256', 'content_type', 'byte_size', 'fetched_at', 'retain_until', 'archived_at',
] as const;

type ArchivedRow = {
  id: string; shipment_id: string; blob_key: string | null; archived_sha256: string | null; sha256: string; content_type: string | null;
  byte_size: number; fetched_at: Date; retain_until: Date | null; archived_at: Date | null;
};

function toArchived(row: ArchivedRow): ArchivedSnapshot {
  // The table's check sets the archive columns together; the queries select archived rows only.
  if (row.blob_key === null || row.archived_sha256 === null || row.content_type === null || row.archived_at === null) {
    throw new Error(`snapshot ${row.id} is not archived`);
  }
  return {
    snapshotId: row.id,
    shipmentId: row.shipment_id,
    blobKey: row.blob_key,
    archivedSha256: row.archived_sha256,
    receivedSha256: row.sha256,
    contentType: row.content_type,
    byteSize: row.byte_size,
    fetchedAt: row.fetched_at,
    retainUntil: row.retain_until,
    archivedAt: row.archived_at,
  };
}

/** The snapshots among `snapshotIds` whose bytes are archived. */
export async function findArchivedSnapshots(db: TrackingSnapshotExecutor, snapshotIds: readonly string[]): Promise<ArchivedSnapshot[]> {
  if (snapshotIds.length === 0) return [];
  const rows = await db.selectFrom('tracking_snapshots').select(archivedColumns).where('id', 'in', [...snapshotIds]).where('blob_key', 'is not', null).execute();
  return rows.map(toArchived);
}

/** A shipment's archived snapshots fetched up to `fetchedUpTo`, oldest first (a stable order for bundles). */
export async function listArchivedSnapshots(db: TrackingSnapshotExecutor, shipmentId: string, fetchedUpTo: Date): Promise<ArchivedSnapshot[]> {
  const rows = await db
    .selectFrom('tracking_snapshots')
    .select(archivedColumns)
    .where('shipment_id', '=', shipmentId)
    .where('fetched_at', '<=', fetchedUpTo)
    .where('blob_key', 'is not', null)
    .orderBy('fetched_at')
    .orderBy('id')
    .execute();
  return rows.map(toArchived);
}
