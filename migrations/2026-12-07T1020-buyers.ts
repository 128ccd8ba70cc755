import { sql, type Kysely } from 'kysely';

// Buyers: one identity per merchant across orders, so lifetime spend (the green channel's rule)
// can accumulate. Contact details stay per order in buyer_contacts (an address may differ per
// order); a buyer row holds no PII at all.
//
// - merchants.buyer_key: the per-merchant HMAC key the api derives buyer ids with, from the
//   normalized email or E.164 phone. Random per merchant, so a buyer id travelling in events
//   cannot be confirmed by hashing a guessed email, and the same buyer gets unrelated ids at
//   two merchants. It lives next to the PII it protects: it guards events and logs, not the
//   database. Never rotate it: every buyer would start a new history.
// - buyers: the identity (the id is the derived key), order counts and first/last order time.
// - buyer_spend: one row per buyer and currency. The api has no exchange rates (they belong to
//   the compensation policy), so spend is kept exactly as paid and converted at decision time
//   with the policy's current rates. `history_minor` is what the seller says the buyer spent
//   before parcelwatch (raised to the greater value, never added); `registered_minor` sums
//   the orders registered here.
// - buyer_orders: one row per (merchant, order), which is what makes an order shipped in two
//   parcels count once, and a replayed registration count never.
// - shipments.buyer_id links an order's parcels to its buyer.
// buyer_contacts.lifetime_spend_* were never written (the contact is per order): dropped.

export async function up(db: Kysely<any>): Promise<void> {
  // Volatile default: evaluated per row, so existing merchants get distinct keys too.
  await sql`ALTER TABLE merchants ADD COLUMN buyer_key text NOT NULL DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`.execute(db);

  await sql`
    CREATE TABLE buyers (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants (id),
      identified_by text NOT NULL CHECK (identified_by IN ('email', 'phone')),
      order_count integer NOT NULL DEFAULT 0 CHECK (order_count >= 0),
      history_order_count integer NOT NULL DEFAULT 0 CHECK (history_order_count >= 0),
      first_order_at timestamptz,
      last_order_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX buyers_merchant_idx ON buyers (merchant_id)`.execute(db);

  await sql`
    CREATE TABLE buyer_spend (
      buyer_id uuid NOT NULL REFERENCES buyers (id) ON DELETE CASCADE,
      currency char(3) NOT NULL,
      registered_minor bigint NOT NULL DEFAULT 0 CHECK (registered_minor >= 0),
      history_minor bigint NOT NULL DEFAULT 0 CHECK (history_minor >= 0),
      PRIMARY KEY (buyer_id, currency)
    )`.execute(db);

  await sql`
    CREATE TABLE buyer_orders (
      merchant_id uuid NOT NULL REFERENCES merchants (id),
      order_id text NOT NULL,
      buyer_id uuid NOT NULL REFERENCES buyers (id) ON DELETE CASCADE,
      value_minor bigint CHECK (value_minor >= 0),
      currency char(3),
      registered_at timestamptz NOT NULL,
      PRIMARY KEY (merchant_id, order_id),
      CONSTRAINT buyer_orders_value_currency CHECK ((value_minor IS NULL) = (currency IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX buyer_orders_buyer_idx ON buyer_orders (buyer_id)`.execute(db);

  await sql`ALTER TABLE shipments ADD COLUMN buyer_id uuid REFERENCES buyers (id) ON DELETE SET NULL`.execute(db);
  await sql`CREATE INDEX shipments_buyer_idx ON shipments (buyer_id) WHERE buyer_id IS NOT NULL`.execute(db);

  await sql`ALTER TABLE buyer_contacts DROP COLUMN lifetime_spend_minor, DROP COLUMN lifetime_spend_currency`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE buyer_contacts
      ADD COLUMN lifetime_spend_minor bigint NOT NULL DEFAULT 0,
      ADD COLUMN lifetime_spend_currency char(3) NOT NULL DEFAULT 'USD'`.execute(db);
  await sql`DROP INDEX shipments_buyer_idx`.execute(db);
  await sql`ALTER TABLE shipments DROP COLUMN buyer_id`.execute(db);
  await sql`DROP TABLE buyer_orders`.execute(db);
  await sql`DROP TABLE buyer_spend`.execute(db);
  await sql`DROP TABLE buyers`.execute(db);
  await sql`ALTER TABLE merchants DROP COLUMN buyer_key`.execute(db);
}
