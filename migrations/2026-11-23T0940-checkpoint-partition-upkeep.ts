import { sql, type Kysely } from 'kysely';

// ensure_checkpoint_partitions, take two. The first version created a month with
// CREATE TABLE ... PARTITION OF, which PostgreSQL refuses once the DEFAULT partition holds a row
// in that month ("updated partition constraint for default partition would be violated"). That
// happens as soon as upkeep lapses past the window made at migration time, or a carrier sends a
// date beyond it: the month would then never get its partition. Now such rows are moved out of
// the default partition into the new month in the same transaction, and the month is attached.
//
// Concurrent callers (two service instances starting together) are serialized by an advisory
// lock, so neither trips over the other's half-made partition.

const UPKEEP_LOCK = 7_310_451; // arbitrary, fixed: one advisory lock key for partition upkeep

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION ensure_checkpoint_partitions(from_month date, months integer) RETURNS integer
    LANGUAGE plpgsql AS $$
    DECLARE
      m date := date_trunc('month', from_month)::date;
      created integer := 0;
      part text;
      lower_bound timestamptz;
      upper_bound timestamptz;
    BEGIN
      PERFORM pg_advisory_xact_lock(${sql.lit(UPKEEP_LOCK)});
      FOR i IN 0 .. months - 1 LOOP
        part := format('checkpoints_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
        -- Bounds are UTC month starts, whatever the session's TimeZone.
        lower_bound := (to_char(m, 'YYYY-MM-DD') || ' 00:00:00+00')::timestamptz;
        upper_bound := (to_char((m + interval '1 month')::date, 'YYYY-MM-DD') || ' 00:00:00+00')::timestamptz;
        IF to_regclass(part) IS NULL THEN
          IF EXISTS (SELECT 1 FROM checkpoints_default WHERE occurred_at >= lower_bound AND occurred_at < upper_bound) THEN
            EXECUTE format('CREATE TABLE %I (LIKE checkpoints INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
            EXECUTE format('WITH moved AS (DELETE FROM checkpoints_default WHERE occurred_at >= $1 AND occurred_at < $2 RETURNING *)
                            INSERT INTO %I SELECT * FROM moved', part) USING lower_bound, upper_bound;
            EXECUTE format('ALTER TABLE checkpoints ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                           part, lower_bound, upper_bound);
          ELSE
            EXECUTE format('CREATE TABLE %I PARTITION OF checkpoints FOR VALUES FROM (%L) TO (%L)',
                           part, lower_bound, upper_bound);
          END IF;
          created := created + 1;
        END IF;
        m := (m + interval '1 month')::date;
      END LOOP;
      RETURN created;
    END $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // The body 2026-11-23T0801-tracking created.
  await sql`
    CREATE OR REPLACE FUNCTION ensure_checkpoint_partitions(from_month date, months integer) RETURNS integer
    LANGUAGE plpgsql AS $$
    DECLARE
      m date := date_trunc('month', from_month)::date;
      created integer := 0;
      part text;
    BEGIN
      FOR i IN 0 .. months - 1 LOOP
        part := format('checkpoints_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
        IF to_regclass(part) IS NULL THEN
          -- Bounds are UTC month starts, whatever the session's TimeZone.
          EXECUTE format('CREATE TABLE %I PARTITION OF checkpoints FOR VALUES FROM (%L) TO (%L)',
                         part, to_char(m, 'YYYY-MM-DD') || ' 00:00:00+00',
                         to_char((m + interval '1 month')::date, 'YYYY-MM-DD') || ' 00:00:00+00');
          created := created + 1;
        END IF;
        m := (m + interval '1 month')::date;
      END LOOP;
      RETURN created;
    END $$`.execute(db);
}
