import { sql, type Kysely } from 'kysely';

// The communication log (evidence in an appeal) and the proof bundles stored in S3.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE notifications (
      id uuid PRIMARY KEY,
      shipment_id uuid NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
      merchant_id uuid NOT NULL REFERENCES merchants (id),
      -- Per shipment + milestone/exception + channel: a redelivered event never messages twice.
      idempotency_key text NOT NULL,
      trigger text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('email', 'sms', 'webhook', 'marketplace')),
      template text NOT NULL,
      locale text NOT NULL,
      status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'deferred', 'sending', 'sent',
        'failed', 'skipped')),
      scheduled_for timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      sent_at timestamptz,
      provider_message_id text,
      body_sha256 char(64),
      error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT notifications_idempotency_key UNIQUE (idempotency_key)
    )`.execute(db);
  await sql`CREATE INDEX notifications_due_idx ON notifications (scheduled_for) WHERE status IN ('scheduled', 'deferred')`.execute(db);
  await sql`CREATE INDEX notifications_shipment_idx ON notifications (shipment_id, created_at)`.execute(db);

  await sql`
    CREATE TABLE proofs (
      id uuid PRIMARY KEY,
      shipment_id uuid NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
      merchant_id uuid NOT NULL REFERENCES merchants (id),
      kind text NOT NULL CHECK (kind IN ('shipment', 'delivery', 'appeal')),
      object_key text NOT NULL,
      manifest_sha256 char(64) NOT NULL,
      -- The shipment's previous bundle, so the chain shows nothing was swapped.
      previous_sha256 char(64),
      parts jsonb NOT NULL DEFAULT '[]',
      retain_until timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT proofs_object_key UNIQUE (object_key)
    )`.execute(db);
  await sql`CREATE INDEX proofs_shipment_idx ON proofs (shipment_id, created_at)`.execute(db);
  // Proof of shipment and of delivery are made once; appeal bundles as often as asked.
  await sql`CREATE UNIQUE INDEX proofs_once_idx ON proofs (shipment_id, kind) WHERE kind IN ('shipment', 'delivery')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE proofs`.execute(db);
  await sql`DROP TABLE notifications`.execute(db);
}
