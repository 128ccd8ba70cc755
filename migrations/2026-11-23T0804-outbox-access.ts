import { sql, type Kysely } from 'kysely';

// Messaging plumbing (transactional outbox, consumer dedupe) and access control.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      topic text NOT NULL,
      message_key text NOT NULL,
      event jsonb NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE processed_messages (
      consumer_group text NOT NULL,
      message_id text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer_group, message_id)
    )`.execute(db);
  // Old entries are pruned by age once past the topics' retention.
  await sql`CREATE INDEX processed_messages_age_idx ON processed_messages (processed_at)`.execute(db);

  await sql`
    CREATE TABLE api_keys (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      -- Only a hash of the secret is stored; the prefix lets ops recognise a key.
      key_hash char(64) NOT NULL,
      prefix text NOT NULL,
      role text NOT NULL CHECK (role IN ('viewer', 'approver', 'admin', 'ingest')),
      merchant_ids uuid[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      CONSTRAINT api_keys_key_hash UNIQUE (key_hash)
    )`.execute(db);

  await sql`
    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      action text NOT NULL,
      target_type text NOT NULL,
      target_id text NOT NULL,
      merchant_id uuid,
      details jsonb NOT NULL DEFAULT '{}'
    )`.execute(db);
  await sql`CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE audit_log`.execute(db);
  await sql`DROP TABLE api_keys`.execute(db);
  await sql`DROP TABLE processed_messages`.execute(db);
  await sql`DROP TABLE outbox`.execute(db);
}
