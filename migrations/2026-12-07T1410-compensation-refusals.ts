import { sql, type Kysely } from 'kysely';

// Delay and exception events the compensation service refused to decide on because the database's
// state of the shipment contradicts them (unknown shipment, another merchant's, not late by its
// record, exception not on record or cleared): an audit trail of what someone with access to the
// broker tried, and what /metrics counts. Keyed by the event id, so a redelivery is recorded once.
// shipment_id is the id the event named, which may match no shipment: no foreign key.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE compensation_refusals (
      trigger_event_id text PRIMARY KEY,
      trigger_event_type text NOT NULL,
      shipment_id text NOT NULL,
      claimed_merchant_id text NOT NULL,
      reason text NOT NULL CHECK (reason IN ('unknown_shipment', 'merchant_mismatch', 'not_late_on_record', 'exception_not_on_record', 'exception_cleared')),
      detail text NOT NULL,
      refused_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX compensation_refusals_refused_idx ON compensation_refusals (refused_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE compensation_refusals`.execute(db);
}
