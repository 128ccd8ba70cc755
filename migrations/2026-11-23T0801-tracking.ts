import { sql, type Kysely } from 'kysely';

// Raw carrier snapshots and normalized checkpoints.
//
// checkpoints is partitioned by month on occurred_at so old months can be detached (and moved
// to cold storage) without a long delete. Partitions are created ahead by
// ensure_checkpoint_partitions(); a DEFAULT partition catches stragglers (very old or
// far-future events) so an insert never fails for want of a partition. Create the month
// partition before its rows arrive: PostgreSQL refuses to attach a range the default
// partition already holds rows for.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE tracking_snapshots (
      id uuid PRIMARY KEY,
      shipment_id uuid NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
      provider text NOT NULL,
      source text NOT NULL CHECK (source IN ('poll', 'webhook')),
      fetched_at timestamptz NOT NULL,
      http_status integer,
      sha256 char(64) NOT NULL,
      blob_key text,
      byte_size integer NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX tracking_snapshots_shipment_idx ON tracking_snapshots (shipment_id, fetched_at)`.execute(db);

  await sql`
    CREATE TABLE checkpoints (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      shipment_id uuid NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
      occurred_at timestamptz NOT NULL,
      local_time text,
      utc_offset_minutes smallint,
      zone_unknown boolean NOT NULL DEFAULT false,
      milestone text NOT NULL CHECK (milestone IN ('pending', 'info_received', 'in_transit',
        'out_for_delivery', 'available_for_pickup', 'failed_attempt', 'delivered', 'exception', 'expired', 'not_found')),
      reason text,
      location_text text,
      city text,
      state text,
      country text,
      postal_code text,
      raw_code text,
      raw_text text,
      source text NOT NULL CHECK (source IN ('poll', 'webhook')),
      provider text NOT NULL,
      fingerprint char(64) NOT NULL,
      snapshot_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      -- Keys of a partitioned table must contain the partition key, hence occurred_at in both.
      -- The fingerprint already hashes occurred_at, so dedupe is unchanged by it.
      PRIMARY KEY (id, occurred_at),
      CONSTRAINT checkpoints_fingerprint_key UNIQUE (shipment_id, fingerprint, occurred_at)
    ) PARTITION BY RANGE (occurred_at)`.execute(db);
  await sql`CREATE TABLE checkpoints_default PARTITION OF checkpoints DEFAULT`.execute(db);
  await sql`CREATE INDEX checkpoints_timeline_idx ON checkpoints (shipment_id, occurred_at)`.execute(db);

  await sql`
    CREATE FUNCTION ensure_checkpoint_partitions(from_month date, months integer) RETURNS integer
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

  await sql`
    CREATE FUNCTION detach_checkpoint_partitions_before(cutoff date) RETURNS SETOF text
    LANGUAGE plpgsql AS $$
    DECLARE
      part record;
    BEGIN
      FOR part IN
        SELECT c.relname FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
          JOIN pg_class p ON p.oid = i.inhparent
         WHERE p.relname = 'checkpoints' AND c.relname ~ '^checkpoints_y[0-9]{4}m[0-9]{2}$'
           AND to_date(substr(c.relname, 14, 4) || substr(c.relname, 19, 2), 'YYYYMM') + interval '1 month' <= cutoff
         ORDER BY c.relname
      LOOP
        EXECUTE format('ALTER TABLE checkpoints DETACH PARTITION %I', part.relname);
        RETURN NEXT part.relname;
      END LOOP;
    END $$`.execute(db);

  // A window around the migration date; the app extends it ahead as months pass.
  await sql`SELECT ensure_checkpoint_partitions((date_trunc('month', now()) - interval '12 months')::date, 19)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION detach_checkpoint_partitions_before(date)`.execute(db);
  await sql`DROP FUNCTION ensure_checkpoint_partitions(date, integer)`.execute(db);
  await sql`DROP TABLE checkpoints`.execute(db);
  // Detached month partitions are standalone tables that still reference shipments.
  await sql`
    DO $$
    DECLARE t text;
    BEGIN
      FOR t IN SELECT relname FROM pg_class WHERE relkind = 'r' AND relname ~ '^checkpoints_y[0-9]{4}m[0-9]{2}$' LOOP
        EXECUTE format('DROP TABLE %I', t);
      END LOOP;
    END $$`.execute(db);
  await sql`DROP TABLE tracking_snapshots`.execute(db);
}
