import { sql, type Kysely } from 'kysely';

// Compensation execution backs off instead of retrying every round: a retriable failure stores
// when the next attempt is due, the kind of the last error, and when the failures began (the
// start of the give-up horizon). A null next_attempt_at is due at once. Approved rows are
// claimed by due time, hence the partial index.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE compensations
    ADD COLUMN next_attempt_at timestamptz,
    ADD COLUMN first_failed_at timestamptz,
    ADD COLUMN last_error_class text,
    ADD CONSTRAINT compensations_last_error_class_check
      CHECK (last_error_class IN ('retriable', 'refused', 'gave_up'))`.execute(db);
  await sql`CREATE INDEX compensations_execution_due_idx ON compensations (next_attempt_at) WHERE status = 'approved'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX compensations_execution_due_idx`.execute(db);
  await sql`ALTER TABLE compensations
    DROP CONSTRAINT compensations_last_error_class_check,
    DROP COLUMN last_error_class,
    DROP COLUMN first_failed_at,
    DROP COLUMN next_attempt_at`.execute(db);
}
