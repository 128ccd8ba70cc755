import { sql, type Kysely } from 'kysely';

// What sending buyer notifications needs beyond 2026-11-23T0803: channel names as the contracts
// spell them, the trigger (event type and id) and the template params (no PII: addresses are
// read at send time), the event time and an insertion order so a shipment's messages go out in
// order per channel, why a message waits (quiet hours, daily cap, provider), the dispatch lease,
// and one row per attempt: the communication log used as evidence in an appeal.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE notifications DROP CONSTRAINT notifications_channel_check`.execute(db);
  await sql`
    UPDATE notifications SET channel = CASE channel WHEN 'webhook' THEN 'merchant_webhook' WHEN 'marketplace' THEN 'marketplace_message' ELSE channel END
    WHERE channel IN ('webhook', 'marketplace')`.execute(db);
  await sql`
    ALTER TABLE notifications
      ADD CONSTRAINT notifications_channel_check CHECK (channel IN ('email', 'sms', 'merchant_webhook', 'marketplace_message')),
      ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY,
      ADD COLUMN trigger_type text,
      ADD COLUMN trigger_event_id text,
      ADD COLUMN params jsonb NOT NULL DEFAULT '{}',
      ADD COLUMN occurred_at timestamptz NOT NULL DEFAULT now(),
      ADD COLUMN defer_reason text CHECK (defer_reason IN ('quiet_hours', 'daily_cap', 'rate_limited', 'provider_unavailable')),
      ADD COLUMN lease_until timestamptz,
      ADD COLUMN error_code text,
      ADD COLUMN failed_at timestamptz`.execute(db);
  await sql`DROP INDEX notifications_due_idx`.execute(db);
  // The dispatcher reads the due rows, and per (shipment, channel) the earliest unsent one.
  await sql`CREATE INDEX notifications_due_idx ON notifications (scheduled_for) WHERE status IN ('scheduled', 'deferred', 'sending')`.execute(db);
  await sql`CREATE INDEX notifications_unsent_idx ON notifications (shipment_id, channel, occurred_at, seq) WHERE status IN ('scheduled', 'deferred', 'sending')`.execute(db);

  await sql`
    CREATE TABLE notification_attempts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
      attempt integer NOT NULL,
      status text NOT NULL CHECK (status IN ('sent', 'failed', 'deferred')),
      provider_message_id text,
      body_sha256 char(64),
      error_code text,
      -- The provider's error text with addresses stripped.
      error text,
      retriable boolean,
      defer_reason text,
      deferred_until timestamptz,
      at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX notification_attempts_notification_idx ON notification_attempts (notification_id, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE notification_attempts`.execute(db);
  await sql`DROP INDEX notifications_unsent_idx`.execute(db);
  await sql`DROP INDEX notifications_due_idx`.execute(db);
  await sql`CREATE INDEX notifications_due_idx ON notifications (scheduled_for) WHERE status IN ('scheduled', 'deferred')`.execute(db);
  await sql`
    ALTER TABLE notifications
      DROP COLUMN seq, DROP COLUMN trigger_type, DROP COLUMN trigger_event_id, DROP COLUMN params, DROP COLUMN occurred_at,
      DROP COLUMN defer_reason, DROP COLUMN lease_until, DROP COLUMN error_code, DROP COLUMN failed_at,
      DROP CONSTRAINT notifications_channel_check`.execute(db);
  await sql`
    UPDATE notifications SET channel = CASE channel WHEN 'merchant_webhook' THEN 'webhook' WHEN 'marketplace_message' THEN 'marketplace' ELSE channel END
    WHERE channel IN ('merchant_webhook', 'marketplace_message')`.execute(db);
  await sql`ALTER TABLE notifications ADD CONSTRAINT notifications_channel_check CHECK (channel IN ('email', 'sms', 'webhook', 'marketplace'))`.execute(db);
}
