import { sql, type Kysely } from 'kysely';

// One table for tracking snapshots. The archiver's facts about a raw snapshot (where its bytes
// are in the blob store, their hash, type and retention) move from archived_snapshots onto the
// snapshot's own row in tracking_snapshots, which had a blob_key column nobody wrote.
//
// The archiver and the normalizer read the same topic independently, so either may write a
// snapshot's row first: both insert it from the event (the archiver with its facts), and the
// archiver fills its columns on a row the normalizer made. The archive columns are set together
// or not at all (archived_at is null until the archiver has stored the bytes).
//
// An archived snapshot with no tracking_snapshots row (the normalizer dead-lettered it: an HTML
// error page, say) gets one here from what archived_snapshots knew: the shipment's provider, and
// `poll` as its source, marked in metadata as inferred (archived_snapshots never recorded it).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE tracking_snapshots
      ADD COLUMN archived_sha256 char(64),
      ADD COLUMN content_type text,
      ADD COLUMN retain_until timestamptz,
      ADD COLUMN archived_at timestamptz`.execute(db);
  await sql`
    UPDATE tracking_snapshots t
       SET blob_key = a.blob_key, archived_sha256 = a.sha256, content_type = a.content_type,
           retain_until = a.retain_until, archived_at = a.archived_at
      FROM archived_snapshots a
     WHERE a.snapshot_id = t.id`.execute(db);
  await sql`
    INSERT INTO tracking_snapshots (id, shipment_id, provider, source, fetched_at, http_status, sha256, byte_size, metadata,
                                    blob_key, archived_sha256, content_type, retain_until, archived_at)
    SELECT a.snapshot_id, a.shipment_id, s.provider, 'poll', a.fetched_at, NULL, a.received_sha256, a.byte_size,
           '{"sourceInferred": true}'::jsonb, a.blob_key, a.sha256, a.content_type, a.retain_until, a.archived_at
      FROM archived_snapshots a JOIN shipments s ON s.id = a.shipment_id
     WHERE NOT EXISTS (SELECT 1 FROM tracking_snapshots t WHERE t.id = a.snapshot_id)`.execute(db);
  await sql`
    ALTER TABLE tracking_snapshots ADD CONSTRAINT tracking_snapshots_archived_check CHECK (
      (blob_key IS NULL AND archived_sha256 IS NULL AND content_type IS NULL AND archived_at IS NULL)
      OR (blob_key IS NOT NULL AND archived_sha256 IS NOT NULL AND content_type IS NOT NULL AND archived_at IS NOT NULL))`.execute(db);
  await sql`DROP TABLE archived_snapshots`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE archived_snapshots (
      snapshot_id uuid PRIMARY KEY,
      shipment_id uuid NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
      blob_key text NOT NULL,
      sha256 char(64) NOT NULL,
      received_sha256 char(64) NOT NULL,
      content_type text NOT NULL,
      byte_size integer NOT NULL,
      fetched_at timestamptz NOT NULL,
      retain_until timestamptz,
      archived_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX archived_snapshots_shipment_idx ON archived_snapshots (shipment_id, fetched_at)`.execute(db);
  await sql`
    INSERT INTO archived_snapshots (snapshot_id, shipment_id, blob_key, sha256, received_sha256, content_type, byte_size, fetched_at, retain_until, archived_at)
    SELECT id, shipment_id, blob_key, archived_sha256, sha256, content_type, byte_size, fetched_at, retain_until, archived_at
      FROM tracking_snapshots WHERE blob_key IS NOT NULL`.execute(db);
  // The rows up() made for archived-only snapshots go again. A row the archiver alone wrote since
  // cannot be told apart and stays: the normalizer keeps the first row of a snapshot either way.
  await sql`DELETE FROM tracking_snapshots WHERE metadata ? 'sourceInferred'`.execute(db);
  await sql`ALTER TABLE tracking_snapshots DROP CONSTRAINT tracking_snapshots_archived_check`.execute(db);
  await sql`UPDATE tracking_snapshots SET blob_key = NULL WHERE blob_key IS NOT NULL`.execute(db);
  await sql`
    ALTER TABLE tracking_snapshots
      DROP COLUMN archived_sha256,
      DROP COLUMN content_type,
      DROP COLUMN retain_until,
      DROP COLUMN archived_at`.execute(db);
}
