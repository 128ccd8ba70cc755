import { sql, type Kysely } from 'kysely';

// Raw carrier snapshots the archiver copied into the blob store: the evidence a proof bundle's
// raw-snapshots part lists. tracking_snapshots.blob_key stays the normalizer's; this table is the
// archiver's own record, keyed by the snapshot id so a redelivered snapshot is archived once.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE archived_snapshots (
      snapshot_id uuid PRIMARY KEY,
      shipment_id uuid NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
      blob_key text NOT NULL,
      -- Of the stored bytes; received_sha256 is the poller's hash of the bytes it received
      -- (they differ when a JSON body was re-serialized on the way).
      sha256 char(64) NOT NULL,
      received_sha256 char(64) NOT NULL,
      content_type text NOT NULL,
      byte_size integer NOT NULL,
      fetched_at timestamptz NOT NULL,
      retain_until timestamptz,
      archived_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX archived_snapshots_shipment_idx ON archived_snapshots (shipment_id, fetched_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE archived_snapshots`.execute(db);
}
