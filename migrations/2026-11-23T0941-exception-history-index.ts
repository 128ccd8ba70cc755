import { sql, type Kysely } from 'kysely';

// A shipment's timeline and its appeal bundle list every exception it ever had, resolved ones
// included; the partial indexes of 2026-11-23T0802 only cover open ones.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX exceptions_shipment_idx ON exceptions (shipment_id, opened_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX exceptions_shipment_idx`.execute(db);
}
