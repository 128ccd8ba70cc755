import { sql, type Kysely } from 'kysely';

// Ops reports (issue 7). The stuck-parcel report pages through active shipments in the order of
// their last scan (a shipment never scanned counts from its registration) or of their promised
// date, with the id as tie-breaker for keyset pagination; both orders need an index on exactly
// that expression pair. The carrier/lane performance report takes the shipments registered in a
// date range. A milestone filter reads its own slice in last-scan order; an exception-kind filter
// starts from the open exceptions of that kind when they are few (see report.repository.ts).
// Checked with EXPLAIN on the bench's 1,000,000 shipments. The detector and poller indexes
// (next_check_at, next_poll_at) are untouched.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX shipments_report_last_scan_idx ON shipments ((coalesce(last_checkpoint_at, created_at)), id) WHERE active`.execute(db);
  await sql`CREATE INDEX shipments_report_promised_idx ON shipments ((coalesce(promised_delivery_date, 'infinity'::date)), id) WHERE active`.execute(db);
  await sql`CREATE INDEX shipments_report_created_idx ON shipments (created_at)`.execute(db);
  await sql`CREATE INDEX shipments_report_status_scan_idx ON shipments (status, (coalesce(last_checkpoint_at, created_at)), id) WHERE active`.execute(db);
  await sql`CREATE INDEX exceptions_open_kind_idx ON exceptions (kind, shipment_id) WHERE status <> 'resolved'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX exceptions_open_kind_idx`.execute(db);
  await sql`DROP INDEX shipments_report_status_scan_idx`.execute(db);
  await sql`DROP INDEX shipments_report_created_idx`.execute(db);
  await sql`DROP INDEX shipments_report_promised_idx`.execute(db);
  await sql`DROP INDEX shipments_report_last_scan_idx`.execute(db);
}
