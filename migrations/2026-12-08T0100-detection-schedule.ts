import { sql, type Kysely } from 'kysely';

// The detector's schedule moves out of `shipments` into a narrow table of its own. As a column
// of shipments, `next_check_at` was indexed, so every deadline the sweep wrote was a non-HOT
// update: a new version of the wide row and an entry in each of its 14 indexes (0.5-0.7 s of a
// 2,500-shipment batch in EXPLAIN ANALYZE; the same write to this table 0.1-0.2 s). A shipment
// with no pending time check, or no longer tracked, has no row: the table holds only what the
// sweep may claim. The claim joins shipments and locks both rows.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE detection_schedule (
      shipment_id uuid PRIMARY KEY REFERENCES shipments (id) ON DELETE CASCADE,
      next_check_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    INSERT INTO detection_schedule (shipment_id, next_check_at)
    SELECT id, next_check_at FROM shipments WHERE active AND next_check_at IS NOT NULL`.execute(db);
  await sql`CREATE INDEX detection_schedule_due_idx ON detection_schedule (next_check_at)`.execute(db);
  await sql`DROP INDEX shipments_due_check_idx`.execute(db);
  await sql`ALTER TABLE shipments DROP COLUMN next_check_at`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE shipments ADD COLUMN next_check_at timestamptz`.execute(db);
  await sql`UPDATE shipments AS s SET next_check_at = d.next_check_at FROM detection_schedule AS d WHERE d.shipment_id = s.id`.execute(db);
  await sql`CREATE INDEX shipments_due_check_idx ON shipments (next_check_at) WHERE active AND next_check_at IS NOT NULL`.execute(db);
  await sql`DROP TABLE detection_schedule`.execute(db);
}
