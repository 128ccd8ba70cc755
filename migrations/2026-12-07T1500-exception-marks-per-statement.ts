import { sql, type Kysely } from 'kysely';

// The carrier-performance marks for new exceptions, once per statement instead of once per row.
// The detector opens a sweep batch's exceptions (thousands) in one INSERT; the row-level trigger
// ran a PL/pgSQL call, a shipments lookup and an insert into carrier_performance_stale for each
// (a third of that statement's time in EXPLAIN ANALYZE, and one stale row per exception). The
// statement trigger reads the inserted rows as a transition table and marks each (merchant,
// registration day) pair once: the rollup job re-aggregates pairs, so the result is the same.
// Deletes (rare: a shipment's cascade) keep the row-level trigger.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION carrier_performance_mark_inserted_exceptions() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO carrier_performance_stale (merchant_id, day)
      SELECT DISTINCT s.merchant_id, (s.created_at AT TIME ZONE 'UTC')::date
      FROM (SELECT DISTINCT shipment_id FROM inserted_exceptions) AS e
      JOIN shipments s ON s.id = e.shipment_id;
      RETURN NULL;
    END $$`.execute(db);
  await sql`DROP TRIGGER carrier_performance_exception_inserted ON exceptions`.execute(db);
  await sql`
    CREATE TRIGGER carrier_performance_exceptions_inserted AFTER INSERT ON exceptions
    REFERENCING NEW TABLE AS inserted_exceptions FOR EACH STATEMENT
    EXECUTE FUNCTION carrier_performance_mark_inserted_exceptions()`.execute(db);
  await sql`
    CREATE TRIGGER carrier_performance_exception_deleted AFTER DELETE ON exceptions FOR EACH ROW
    EXECUTE FUNCTION carrier_performance_mark_exception()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER carrier_performance_exception_deleted ON exceptions`.execute(db);
  await sql`DROP TRIGGER carrier_performance_exceptions_inserted ON exceptions`.execute(db);
  await sql`DROP FUNCTION carrier_performance_mark_inserted_exceptions()`.execute(db);
  await sql`
    CREATE TRIGGER carrier_performance_exception_inserted AFTER INSERT OR DELETE ON exceptions FOR EACH ROW
    EXECUTE FUNCTION carrier_performance_mark_exception()`.execute(db);
}
