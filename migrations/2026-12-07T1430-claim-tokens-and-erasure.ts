import { sql, type Kysely } from 'kysely';

// - notifications.claim_token: each dispatch claim writes a fresh token; renewing the lease and
//   every state change after a claim must present it. A dispatcher whose lease ran out (and
//   whose row another dispatcher claimed) can then neither send nor finish that row: one send
//   per message even when a slow batch outlives its lease.
// - buyers.purged_at: when a buyer's personal data was erased. The buyer row itself holds no PII
//   (its id is an HMAC); it stays, so order counts and spend stay right, and marks the erasure.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE notifications ADD COLUMN claim_token uuid`.execute(db);
  await sql`ALTER TABLE buyers ADD COLUMN purged_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE buyers DROP COLUMN purged_at`.execute(db);
  await sql`ALTER TABLE notifications DROP COLUMN claim_token`.execute(db);
}
