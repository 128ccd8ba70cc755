import { sql, type Kysely } from 'kysely';

// Merchant webhooks: the endpoints a merchant registers and one delivery row per (endpoint,
// source event), the queue the notifier's webhook worker sends from, in `seq` order per shipment.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE webhook_endpoints (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants (id),
      url text NOT NULL,
      -- The HMAC key, needed in clear to sign. It should be encrypted at rest (a KMS-wrapped
      -- data key) once the project has key management; until then database access guards it.
      secret text NOT NULL,
      -- NULL: every event type.
      event_types text[],
      status text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled', 'deleted')),
      consecutive_failures integer NOT NULL DEFAULT 0,
      disabled_at timestamptz,
      disabled_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX webhook_endpoints_merchant_idx ON webhook_endpoints (merchant_id) WHERE status <> 'deleted'`.execute(db);

  await sql`
    CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY,
      -- Enqueue order: a shipment's deliveries to one endpoint go out in this order.
      seq bigserial NOT NULL,
      endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id),
      merchant_id uuid NOT NULL,
      shipment_id uuid NOT NULL,
      source_event_id text NOT NULL,
      event_type text NOT NULL,
      occurred_at timestamptz NOT NULL,
      -- The exact bytes sent, built once at enqueue: text, not jsonb, because jsonb re-orders keys
      -- and drops whitespace, and every retry and replay must send (and hash to) the same body.
      body text NOT NULL,
      body_sha256 char(64) NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      lease_until timestamptz,
      last_status_code integer,
      last_error text,
      provider_message_id text,
      delivered_at timestamptz,
      replay_of uuid REFERENCES webhook_deliveries (id),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // A redelivered source event enqueues nothing new; replays are extra rows on purpose.
  await sql`CREATE UNIQUE INDEX webhook_deliveries_source_idx ON webhook_deliveries (endpoint_id, source_event_id) WHERE replay_of IS NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX webhook_deliveries_seq_idx ON webhook_deliveries (seq)`.execute(db);
  // Due claims scan only pending rows by deadline; the head-of-line check looks up the queue.
  await sql`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_queue_idx ON webhook_deliveries (endpoint_id, shipment_id, seq) WHERE status = 'pending'`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, seq)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE webhook_deliveries`.execute(db);
  await sql`DROP TABLE webhook_endpoints`.execute(db);
}
