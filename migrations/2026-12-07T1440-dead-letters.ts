import { sql, type Kysely } from 'kysely';

// Dead letters, one row per message a consumer group could not parse or handle, written by the
// bus's dead-letter path on either bus (Kafka keeps its `<topic>.dlq` copy as well). The row keeps
// the original key, value (bytes) and headers and the reason, so `parcelwatch dlq` and the api can
// list, show and replay it onto its source topic (through the outbox). `letter_key` makes a
// redelivered failure one row: the group and the envelope id (or a hash of key and value).
// `merchant_id` is the envelope's `merchantid` when it has one, for the admins' merchant scope.
// A replayed letter keeps `replayed_at`/`replayed_by`; when the message fails again the row opens again.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE dead_letters (
      id bigserial PRIMARY KEY,
      letter_key text NOT NULL UNIQUE,
      consumer_group text NOT NULL,
      source_topic text NOT NULL,
      source_partition integer NOT NULL,
      source_offset text NOT NULL,
      message_key text,
      payload bytea,
      headers jsonb NOT NULL DEFAULT '{}',
      event_id text,
      merchant_id uuid,
      reason_kind text NOT NULL CHECK (reason_kind IN ('parse', 'handler')),
      reason text NOT NULL,
      failures integer NOT NULL DEFAULT 1,
      failed_at timestamptz NOT NULL,
      replayed_at timestamptz,
      replayed_by text,
      replay_outbox_id bigint
    )`.execute(db);
  await sql`CREATE INDEX dead_letters_open_idx ON dead_letters (source_topic, id) WHERE replayed_at IS NULL`.execute(db);
  await sql`CREATE INDEX dead_letters_merchant_idx ON dead_letters (merchant_id, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE dead_letters`.execute(db);
}
