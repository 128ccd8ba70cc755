import { sql, type Kysely } from 'kysely';

// Carrier webhooks accepted by the api, so a captured body replayed later (even after a restart)
// is refused. `replay_key` is the provider's event id where the format carries one (AfterShip),
// else the SHA-256 of the raw body (17TRACK pushes carry neither an id nor a timestamp).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE webhook_receipts (
      provider text NOT NULL,
      replay_key text NOT NULL,
      body_sha256 char(64) NOT NULL,
      signed_at timestamptz,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (provider, replay_key)
    )`.execute(db);
  // Pruning by age, once a receipt is older than any replay the window would still accept.
  await sql`CREATE INDEX webhook_receipts_age_idx ON webhook_receipts (received_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE webhook_receipts`.execute(db);
}
