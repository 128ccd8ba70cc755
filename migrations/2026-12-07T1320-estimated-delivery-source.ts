import { sql, type Kysely } from 'kysely';

// Where a shipment's estimated delivery comes from: the carrier's own estimate, or the learned
// transit time of its carrier + lane (p50 after the first carrier scan, with p90 as the late
// bound). The late bound is also kept for a carrier that gives a window. All three are set
// together or not at all.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE shipments
    ADD COLUMN estimated_delivery_latest_at timestamptz,
    ADD COLUMN estimated_delivery_source text,
    ADD CONSTRAINT shipments_estimated_delivery_source_check
      CHECK (estimated_delivery_source IN ('carrier', 'learned')),
    ADD CONSTRAINT shipments_estimated_delivery_sourced_check
      CHECK ((estimated_delivery_at IS NULL) = (estimated_delivery_source IS NULL)),
    ADD CONSTRAINT shipments_estimated_delivery_window_check
      CHECK (estimated_delivery_latest_at IS NULL OR estimated_delivery_latest_at >= estimated_delivery_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE shipments
    DROP CONSTRAINT shipments_estimated_delivery_window_check,
    DROP CONSTRAINT shipments_estimated_delivery_sourced_check,
    DROP CONSTRAINT shipments_estimated_delivery_source_check,
    DROP COLUMN estimated_delivery_source,
    DROP COLUMN estimated_delivery_latest_at`.execute(db);
}
