import { sql, type Kysely } from 'kysely';

// What a compensation decision must keep beyond 2026-11-23T0802: the sentence an ops person
// reads, what triggered it (and whether a delivery cancels it), the order value it was judged
// on, its amount in the policy's base currency (daily budget caps sum that), the approver's
// role and evidence, why it was cancelled, and the execution lease that makes a crashed
// execution retry with the same key.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE compensations
      ADD COLUMN explanation text NOT NULL DEFAULT '',
      ADD COLUMN trigger_kind text NOT NULL DEFAULT 'delay' CHECK (trigger_kind IN ('delay', 'damaged', 'lost', 'returning')),
      ADD COLUMN trigger_event_type text,
      ADD COLUMN trigger_event_id text,
      ADD COLUMN cancel_on_delivery boolean NOT NULL DEFAULT false,
      ADD COLUMN order_value_minor bigint,
      ADD COLUMN order_currency char(3),
      ADD COLUMN base_amount_minor bigint NOT NULL DEFAULT 0 CHECK (base_amount_minor >= 0),
      ADD COLUMN base_currency char(3) NOT NULL DEFAULT 'USD',
      ADD COLUMN approver_role text CHECK (approver_role IN ('system', 'supervisor', 'manager')),
      ADD COLUMN evidence jsonb NOT NULL DEFAULT '[]',
      ADD COLUMN cancelled_reason text,
      ADD COLUMN execution_attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN execution_claimed_at timestamptz`.execute(db);
  // The execution worker reads only approved rows and executions whose lease may have expired.
  await sql`CREATE INDEX compensations_due_execution_idx ON compensations (decided_at) WHERE status IN ('approved', 'executing')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX compensations_due_execution_idx`.execute(db);
  await sql`
    ALTER TABLE compensations
      DROP COLUMN explanation, DROP COLUMN trigger_kind, DROP COLUMN trigger_event_type, DROP COLUMN trigger_event_id,
      DROP COLUMN cancel_on_delivery, DROP COLUMN order_value_minor, DROP COLUMN order_currency, DROP COLUMN base_amount_minor,
      DROP COLUMN base_currency, DROP COLUMN approver_role, DROP COLUMN evidence, DROP COLUMN cancelled_reason,
      DROP COLUMN execution_attempts, DROP COLUMN execution_claimed_at`.execute(db);
}
