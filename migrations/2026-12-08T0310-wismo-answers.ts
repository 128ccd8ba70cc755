import { sql, type Kysely } from 'kysely';

// "Where is my order" answers for chat bots and help desks: keys of a new `bot` role ask, and
// every answer is recorded (the response-time report reads it). A row never holds what the bot
// was given as a factor (email, postcode): only how it asked and what was answered.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE api_keys DROP CONSTRAINT IF EXISTS api_keys_role_check`.execute(db);
  await sql`ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('viewer', 'approver', 'admin', 'ingest', 'bot'))`.execute(db);
  await sql`
    CREATE TABLE wismo_answers (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL,
      api_key_id text NOT NULL,
      asked_by text NOT NULL CHECK (asked_by IN ('order_email', 'order_postcode', 'tracking_number')),
      outcome text NOT NULL CHECK (outcome IN ('answered', 'not_found')),
      shipment_id uuid REFERENCES shipments (id) ON DELETE SET NULL,
      status text,
      locale text NOT NULL,
      answered_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX wismo_answers_merchant_idx ON wismo_answers (merchant_id, answered_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE wismo_answers`.execute(db);
  await sql`DELETE FROM api_keys WHERE role = 'bot'`.execute(db);
  await sql`ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check`.execute(db);
  await sql`ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('viewer', 'approver', 'admin', 'ingest'))`.execute(db);
}
