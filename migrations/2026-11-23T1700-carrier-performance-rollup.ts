import { sql, type Kysely } from 'kysely';

// Carrier/lane performance rollup (issue 7): the report read ~500,000 shipments per 90-day
// request. `carrier_performance_daily` holds, per registration day (UTC), merchant, carrier and
// lane, the counts the report divides and a histogram of transit time in whole hours, so a
// request sums a few thousand narrow rows and merges histograms for its percentiles.
//
// Maintenance is a re-aggregation of touched (merchant, day) pairs, never a delta: triggers on
// shipments and exceptions append the pair of every row whose report-relevant columns change to
// `carrier_performance_stale` (append-only, so writers never wait on each other), and the
// rollup job (packages/db report-rollup.repository.ts) claims those rows, deletes the pairs'
// rollup rows and aggregates them again from shipments in one transaction. Re-running it is
// harmless. Triggers rather than calls in every writer: shipments are written by the api, the
// CLI import, the normalizer and the detector, and a writer added later cannot forget them.
// Shipment inserts mark per statement (a bulk import marks each pair once); updates only fire
// when a column the report reads changes, so the poller's and normalizer's frequent updates
// (last checkpoint, next poll) cost nothing here.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE carrier_performance_daily (
      day date NOT NULL,
      merchant_id uuid NOT NULL,
      carrier text NOT NULL,
      origin_country char(2),
      destination_country char(2),
      shipments int NOT NULL,
      delivered int NOT NULL,
      delivered_with_promise int NOT NULL,
      delivered_on_time int NOT NULL,
      transit_measured int NOT NULL,
      with_exception int NOT NULL,
      customs_holds int NOT NULL,
      lost int NOT NULL,
      -- Histogram of transit time (picked up -> delivered) rounded to whole hours: parallel arrays, hours ascending.
      transit_hours int[] NOT NULL,
      transit_counts int[] NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX carrier_performance_daily_day_idx ON carrier_performance_daily (day, merchant_id)`.execute(db);
  // The job and the report aggregate one merchant's registration day from shipments.
  await sql`CREATE INDEX shipments_merchant_created_idx ON shipments (merchant_id, created_at)`.execute(db);
  await sql`
    CREATE TABLE carrier_performance_stale (
      id bigserial PRIMARY KEY,
      merchant_id uuid NOT NULL,
      day date NOT NULL
    )`.execute(db);
  // The report reads the pairs still stale in its range from shipments instead of the rollup.
  await sql`CREATE INDEX carrier_performance_stale_day_idx ON carrier_performance_stale (day, merchant_id)`.execute(db);

  await sql`
    CREATE FUNCTION carrier_performance_mark_inserted_shipments() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO carrier_performance_stale (merchant_id, day)
      SELECT DISTINCT merchant_id, (created_at AT TIME ZONE 'UTC')::date FROM inserted_shipments;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER carrier_performance_shipment_inserted AFTER INSERT ON shipments
    REFERENCING NEW TABLE AS inserted_shipments FOR EACH STATEMENT
    EXECUTE FUNCTION carrier_performance_mark_inserted_shipments()`.execute(db);

  await sql`
    CREATE FUNCTION carrier_performance_mark_shipment() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO carrier_performance_stale (merchant_id, day) VALUES (OLD.merchant_id, (OLD.created_at AT TIME ZONE 'UTC')::date);
      END IF;
      IF TG_OP = 'UPDATE' AND (NEW.merchant_id <> OLD.merchant_id OR NEW.created_at <> OLD.created_at) THEN
        INSERT INTO carrier_performance_stale (merchant_id, day) VALUES (NEW.merchant_id, (NEW.created_at AT TIME ZONE 'UTC')::date);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER carrier_performance_shipment_changed AFTER UPDATE ON shipments FOR EACH ROW
    WHEN (OLD.merchant_id IS DISTINCT FROM NEW.merchant_id OR OLD.created_at IS DISTINCT FROM NEW.created_at
      OR OLD.carrier IS DISTINCT FROM NEW.carrier OR OLD.origin_country IS DISTINCT FROM NEW.origin_country
      OR OLD.destination_country IS DISTINCT FROM NEW.destination_country OR OLD.picked_up_at IS DISTINCT FROM NEW.picked_up_at
      OR OLD.delivered_at IS DISTINCT FROM NEW.delivered_at OR OLD.promised_delivery_date IS DISTINCT FROM NEW.promised_delivery_date
      OR OLD.buyer_timezone IS DISTINCT FROM NEW.buyer_timezone)
    EXECUTE FUNCTION carrier_performance_mark_shipment()`.execute(db);
  await sql`
    CREATE TRIGGER carrier_performance_shipment_deleted AFTER DELETE ON shipments FOR EACH ROW
    EXECUTE FUNCTION carrier_performance_mark_shipment()`.execute(db);

  // An exception counts for its shipment's registration day: the shipment supplies the pair.
  await sql`
    CREATE FUNCTION carrier_performance_mark_exception() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO carrier_performance_stale (merchant_id, day)
        SELECT s.merchant_id, (s.created_at AT TIME ZONE 'UTC')::date FROM shipments s WHERE s.id = OLD.shipment_id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO carrier_performance_stale (merchant_id, day)
        SELECT s.merchant_id, (s.created_at AT TIME ZONE 'UTC')::date FROM shipments s WHERE s.id = NEW.shipment_id;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER carrier_performance_exception_inserted AFTER INSERT OR DELETE ON exceptions FOR EACH ROW
    EXECUTE FUNCTION carrier_performance_mark_exception()`.execute(db);
  await sql`
    CREATE TRIGGER carrier_performance_exception_changed AFTER UPDATE ON exceptions FOR EACH ROW
    WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.shipment_id IS DISTINCT FROM NEW.shipment_id)
    EXECUTE FUNCTION carrier_performance_mark_exception()`.execute(db);

  // Shipments already in the database: every pair is stale, the job builds them.
  await sql`
    INSERT INTO carrier_performance_stale (merchant_id, day)
    SELECT DISTINCT merchant_id, (created_at AT TIME ZONE 'UTC')::date FROM shipments`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER carrier_performance_exception_changed ON exceptions`.execute(db);
  await sql`DROP TRIGGER carrier_performance_exception_inserted ON exceptions`.execute(db);
  await sql`DROP TRIGGER carrier_performance_shipment_deleted ON shipments`.execute(db);
  await sql`DROP TRIGGER carrier_performance_shipment_changed ON shipments`.execute(db);
  await sql`DROP TRIGGER carrier_performance_shipment_inserted ON shipments`.execute(db);
  await sql`DROP FUNCTION carrier_performance_mark_exception()`.execute(db);
  await sql`DROP FUNCTION carrier_performance_mark_shipment()`.execute(db);
  await sql`DROP FUNCTION carrier_performance_mark_inserted_shipments()`.execute(db);
  await sql`DROP TABLE carrier_performance_stale`.execute(db);
  await sql`DROP INDEX shipments_merchant_created_idx`.execute(db);
  await sql`DROP TABLE carrier_performance_daily`.execute(db);
}
