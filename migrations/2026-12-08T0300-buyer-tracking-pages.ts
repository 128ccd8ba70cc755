import { sql, type Kysely } from 'kysely';

// The buyer's tracking page. A shipment has at most one live link; a revoked one stays as a row
// (revoked_at) so the revocation is on record and its token keeps answering 404. The page finds a
// link by the SHA-256 of its token; `token` holds the token itself, sealed under
// PARCELWATCH_SECRET_KEY (pw1.…) or, where no key is configured, in clear (pwt_…), because buyer
// messages and WISMO answers must keep quoting the link after registration.
// Buyer contacts from the page's "contact the seller" form: a complaint with its category, for
// the seller's support and the carrier reports; the message and reply address are buyer PII.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE tracking_links (
      id uuid PRIMARY KEY,
      shipment_id uuid NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
      merchant_id uuid NOT NULL,
      token_hash char(64) NOT NULL UNIQUE,
      token text NOT NULL,
      created_at timestamptz NOT NULL,
      revoked_at timestamptz,
      revoked_by text
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX tracking_links_live_idx ON tracking_links (shipment_id) WHERE revoked_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE buyer_page_contacts (
      id uuid PRIMARY KEY,
      shipment_id uuid NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
      merchant_id uuid NOT NULL,
      carrier text NOT NULL,
      category text NOT NULL CHECK (category IN ('where_is_my_parcel', 'delivery_problem', 'damaged', 'customs', 'address_change', 'other')),
      message text NOT NULL,
      reply_email text,
      locale text NOT NULL,
      created_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX buyer_page_contacts_merchant_idx ON buyer_page_contacts (merchant_id, created_at)`.execute(db);
  await sql`CREATE INDEX buyer_page_contacts_shipment_idx ON buyer_page_contacts (shipment_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE buyer_page_contacts`.execute(db);
  await sql`DROP TABLE tracking_links`.execute(db);
}
