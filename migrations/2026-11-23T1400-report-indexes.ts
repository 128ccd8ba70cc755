import { sql, type Kysely } from 'kysely';

// Ops reports (issue 7). The stuck-parcel report pages through active shipments in the order of
// their last scan (a shipment never scanned counts from its registration) or of their promised
// date, with the id as tie-breaker for keyset pagination; both orders need an index on exactly
// that expression pair. The carrier/lane performance report takes the shipments registered in a
// date range. The detector and poller indexes (next_check_at, next_poll_at) are untouched.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX shipments_report_last_scan_idx ON shipments ((coalesce(last_checkpoint_at, created_at)), id) WHERE active`.execute(db);
  await sql`CREATE INDEX shipments_report_promised_idx ON shipments ((coalesce(promised_delivery_date, 'infinity'::date)), id) WHERE active`.execute(db);
  await sql`CREATE INDEX shipments_report_created_idx ON shipments (created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX shipments_report_created_idx`.execute(db);
  await sql`DROP INDEX shipments_report_promised_idx`.execute(db);
  await sql`DROP INDEX shipments_report_last_scan_idx`.execute(db);
}
