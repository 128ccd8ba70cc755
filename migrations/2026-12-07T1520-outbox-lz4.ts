import { sql, type Kysely } from 'kysely';

// Outbox events compressed with lz4 instead of the default pglz. An outbox row lives until the
// relay publishes it; a checkpoints_added event (10 scans, ~5 KB) is compressed on the way in,
// and pglz made that a large share of the normalizer's transaction (lz4 inserts the same rows
// 2.5-3x faster, at a similar size). A server built without lz4 keeps pglz: only speed differs.
// Rows written before keep their compression; PostgreSQL reads both.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    DO $$ BEGIN
      ALTER TABLE outbox ALTER COLUMN event SET COMPRESSION lz4;
    EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
      RAISE NOTICE 'lz4 not available on this server: outbox.event keeps pglz';
    END $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE outbox ALTER COLUMN event SET COMPRESSION default`.execute(db);
}
