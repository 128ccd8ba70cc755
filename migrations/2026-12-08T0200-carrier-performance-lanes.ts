import { sql, type Kysely } from 'kysely';

// Carrier performance for all merchants (issue 18). The daily rollup (2026-11-23T1700) holds about
// one histogram entry per delivered shipment, so 90 days by lane still merged ~370,000 entries.
// Two merchant-free tables, kept by the same rollup job in the same transaction as the daily rows
// (so they always equal the sum of those rows over merchants):
// - carrier_performance_cumulative: per carrier, lane and registration day, the counts of every
//   day up to and including it, and a histogram of transit time in whole days (index 1 = 0 days).
//   A range of days is one row minus another per lane: the counts, and the day bucket that holds
//   each percentile's rank.
// - carrier_performance_transit: per carrier, lane and whole transit day, the same running totals
//   of that bucket's hour entries, on each registration day that added to it: a percentile reads
//   two rows of its bucket per lane, as the counts read two rows per lane.
// Unknown countries are '' here (primary key columns), null in the report.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE carrier_performance_cumulative (
      carrier text NOT NULL,
      origin_country text NOT NULL,
      destination_country text NOT NULL,
      day date NOT NULL,
      shipments bigint NOT NULL,
      delivered bigint NOT NULL,
      delivered_with_promise bigint NOT NULL,
      delivered_on_time bigint NOT NULL,
      transit_measured bigint NOT NULL,
      with_exception bigint NOT NULL,
      customs_holds bigint NOT NULL,
      lost bigint NOT NULL,
      transit_days bigint[] NOT NULL,
      PRIMARY KEY (carrier, origin_country, destination_country, day)
    )`.execute(db);
  // The report lists the lanes from the newest day (every lane has a row on it).
  await sql`CREATE INDEX carrier_performance_cumulative_day_idx ON carrier_performance_cumulative (day)`.execute(db);
  await sql`
    CREATE TABLE carrier_performance_transit (
      carrier text NOT NULL,
      origin_country text NOT NULL,
      destination_country text NOT NULL,
      transit_day int NOT NULL,
      day date NOT NULL,
      transit_hours int[] NOT NULL,
      transit_counts bigint[] NOT NULL,
      PRIMARY KEY (carrier, origin_country, destination_country, transit_day, day)
    )`.execute(db);
  await sql`CREATE INDEX carrier_performance_transit_day_idx ON carrier_performance_transit (day)`.execute(db);
  // The new tables start empty: the job builds every pair again, the report reads the stale ones
  // from shipments meanwhile (the daily rows go with them, so all three stay equal).
  await sql`INSERT INTO carrier_performance_stale (merchant_id, day) SELECT DISTINCT merchant_id, day FROM carrier_performance_daily`.execute(db);
  await sql`TRUNCATE carrier_performance_daily`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE carrier_performance_transit`.execute(db);
  await sql`DROP TABLE carrier_performance_cumulative`.execute(db);
}
