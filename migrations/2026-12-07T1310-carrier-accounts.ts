import { sql, type Kysely } from 'kysely';

// Carrier accounts per merchant, kept by the api. The credentials are stored only sealed
// (AES-256-GCM, @parcelwatch/secrets) with the id of the key that sealed them, so a key rotation
// finds what is still sealed under the previous key. `hint` is the masked tail the api may show.
// `quota` is the provider's own quota answer (17TRACK getquota), written by the poller.
//
// shipments.poll_problem: why the poller cannot poll a shipment (no carrier account for its
// provider), shown on the shipment and counted; cleared when a poll or registration goes through.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE carrier_accounts (
      merchant_id uuid NOT NULL REFERENCES merchants (id),
      provider text NOT NULL CHECK (provider IN ('17track', 'aftership', 'usps', 'ups', 'fedex', 'dhl')),
      credentials_sealed text NOT NULL,
      key_id text NOT NULL,
      hint text NOT NULL,
      quota jsonb,
      quota_checked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (merchant_id, provider)
    )`.execute(db);
  await sql`CREATE INDEX carrier_accounts_key_idx ON carrier_accounts (key_id)`.execute(db);
  await sql`ALTER TABLE shipments ADD COLUMN poll_problem text`.execute(db);
  await sql`CREATE INDEX shipments_poll_problem_idx ON shipments (provider) WHERE poll_problem IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX shipments_poll_problem_idx`.execute(db);
  await sql`ALTER TABLE shipments DROP COLUMN poll_problem`.execute(db);
  await sql`DROP TABLE carrier_accounts`.execute(db);
}
