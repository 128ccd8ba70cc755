import { sql, type Kysely } from 'kysely';

// Merchants, buyer contacts and shipments. Buyer contact details live apart from shipments so
// that PII can be purged (or kept in a stricter store) without touching tracking history.
// Milestone names are frozen here as they were on this date; a later taxonomy change needs
// its own migration.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE merchants (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      default_locale text NOT NULL DEFAULT 'en',
      default_timezone text NOT NULL DEFAULT 'UTC',
      settings jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE buyer_contacts (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants (id),
      name text,
      email text,
      phone text,
      address jsonb,
      locale text NOT NULL DEFAULT 'en',
      timezone text NOT NULL DEFAULT 'UTC',
      lifetime_spend_minor bigint NOT NULL DEFAULT 0,
      lifetime_spend_currency char(3) NOT NULL DEFAULT 'USD',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      purged_at timestamptz
    )`.execute(db);

  await sql`
    CREATE TABLE shipments (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants (id),
      buyer_contact_id uuid REFERENCES buyer_contacts (id) ON DELETE SET NULL,
      order_id text NOT NULL,
      tracking_number text NOT NULL,
      carrier text NOT NULL,
      provider text NOT NULL,
      origin_country char(2),
      destination_country char(2),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'info_received', 'in_transit',
        'out_for_delivery', 'available_for_pickup', 'failed_attempt', 'delivered', 'exception', 'expired', 'not_found')),
      status_reason text,
      status_at timestamptz,
      last_checkpoint_at timestamptz,
      info_received_at timestamptz,
      picked_up_at timestamptz,
      departed_origin_at timestamptz,
      arrived_destination_at timestamptz,
      customs_cleared_at timestamptz,
      out_for_delivery_at timestamptz,
      first_attempt_at timestamptz,
      available_for_pickup_at timestamptz,
      delivered_at timestamptz,
      exception_at timestamptz,
      returned_at timestamptz,
      failed_attempts integer NOT NULL DEFAULT 0,
      promised_delivery_date date,
      buyer_timezone text NOT NULL DEFAULT 'UTC',
      estimated_delivery_at timestamptz,
      order_value_minor bigint,
      order_currency char(3),
      active boolean NOT NULL DEFAULT true,
      provider_registered_at timestamptz,
      last_polled_at timestamptz,
      poll_attempts integer NOT NULL DEFAULT 0,
      next_poll_at timestamptz,
      next_check_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      -- Registration is idempotent on the seller's order + number.
      CONSTRAINT shipments_order_tracking_key UNIQUE (merchant_id, order_id, tracking_number),
      CONSTRAINT shipments_order_value_currency CHECK ((order_value_minor IS NULL) = (order_currency IS NULL))
    )`.execute(db);

  // Scheduler claims (poller, detector sweep) read only active rows that are due.
  await sql`CREATE INDEX shipments_due_poll_idx ON shipments (next_poll_at) WHERE active AND next_poll_at IS NOT NULL`.execute(db);
  await sql`CREATE INDEX shipments_due_check_idx ON shipments (next_check_at) WHERE active AND next_check_at IS NOT NULL`.execute(db);
  // Stuck-parcel report: per merchant and status, oldest last scan first.
  await sql`CREATE INDEX shipments_stuck_idx ON shipments (merchant_id, status, last_checkpoint_at) WHERE active`.execute(db);
  // Carrier and lane performance over a delivery date range.
  await sql`CREATE INDEX shipments_lane_perf_idx ON shipments (carrier, origin_country, destination_country, delivered_at)`.execute(db);
  // Webhooks arrive with a tracking number, not our id.
  await sql`CREATE INDEX shipments_tracking_number_idx ON shipments (tracking_number)`.execute(db);
  await sql`CREATE INDEX buyer_contacts_merchant_idx ON buyer_contacts (merchant_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE shipments`.execute(db);
  await sql`DROP TABLE buyer_contacts`.execute(db);
  await sql`DROP TABLE merchants`.execute(db);
}
