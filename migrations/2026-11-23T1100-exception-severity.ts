import { sql, type Kysely } from 'kysely';

// Exceptions speak the contract's severity vocabulary (packages/contracts exception.events.ts:
// low, medium, high, critical) rather than the first draft's info/warning/critical, so the
// detector writes what it publishes and reports group by one scale. Existing rows map
// info -> low and warning -> medium. Down maps back; high has no old name and becomes critical.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE exceptions DROP CONSTRAINT exceptions_severity_check`.execute(db);
  await sql`UPDATE exceptions SET severity = CASE severity WHEN 'info' THEN 'low' WHEN 'warning' THEN 'medium' ELSE severity END`.execute(db);
  await sql`ALTER TABLE exceptions ALTER COLUMN severity SET DEFAULT 'medium'`.execute(db);
  await sql`ALTER TABLE exceptions ADD CONSTRAINT exceptions_severity_check
    CHECK (severity IN ('low', 'medium', 'high', 'critical'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE exceptions DROP CONSTRAINT exceptions_severity_check`.execute(db);
  await sql`UPDATE exceptions SET severity = CASE severity WHEN 'low' THEN 'info' WHEN 'medium' THEN 'warning'
    WHEN 'high' THEN 'critical' ELSE severity END`.execute(db);
  await sql`ALTER TABLE exceptions ALTER COLUMN severity SET DEFAULT 'warning'`.execute(db);
  await sql`ALTER TABLE exceptions ADD CONSTRAINT exceptions_severity_check
    CHECK (severity IN ('info', 'warning', 'critical'))`.execute(db);
}
