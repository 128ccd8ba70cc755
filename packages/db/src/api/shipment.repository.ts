import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database.js';

/**
 * Shipment registration: set-based inserts keyed on the seller's natural key
 * (merchant, order id, tracking number), so a repeated request finds what the first created.
 */
export type ShipmentExecutor = Kysely<Database> | Transaction<Database>;

/** The buyer's contact record: the only place buyer PII is stored. */
export interface NewBuyerContact {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  address: Record<string, unknown> | null;
  locale: string | null;
  timezone: string | null;
}

export interface NewShipmentRegistration {
  id: string;
  merchantId: string;
  orderId: string;
  trackingNumber: string;
  carrier: string;
  provider: string;
  originCountry: string | null;
  destinationCountry: string | null;
  promisedDeliveryDate: string | null;
  buyerTimezone: string;
  orderValueMinor: number | null;
  orderCurrency: string | null;
  /** Its id must be derived from the natural key, so a repeat names the same contact. */
  contact: NewBuyerContact | null;
  /** The buyer's identity (buyers.id), when the buyer has an email or an E.164 phone; see buyer.repository.ts. */
  buyerId: string | null;
  nextPollAt: Date;
  /** The registering service's clock: a frozen or fast demo clock dates the shipment as it dates its events. */
  registeredAt: Date;
}

/** What the api returns about a shipment: no buyer PII. */
export interface RegisteredShipment {
  id: string;
  merchantId: string;
  orderId: string;
  trackingNumber: string;
  carrier: string;
  provider: string;
  status: string;
  originCountry: string | null;
  destinationCountry: string | null;
  promisedDeliveryDate: string | null;
  buyerContactId: string | null;
  buyerId: string | null;
  createdAt: Date;
}

export interface RegistrationOutcome {
  /** In input order; `created` is false for a shipment an earlier request (or item) registered. */
  results: { created: boolean; shipment: RegisteredShipment }[];
}

const shipmentColumns = [
  'id',
  'merchant_id',
  'order_id',
  'tracking_number',
  'carrier',
  'provider',
  'status',
  'origin_country',
  'destination_country',
  'promised_delivery_date',
  'buyer_contact_id',
  'buyer_id',
  'created_at',
] as const;

type ShipmentRow = {
  id: string;
  merchant_id: string;
  order_id: string;
  tracking_number: string;
  carrier: string;
  provider: string;
  status: string;
  origin_country: string | null;
  destination_country: string | null;
  promised_delivery_date: string | null;
  buyer_contact_id: string | null;
  buyer_id: string | null;
  created_at: Date;
};

function toRegistered(row: ShipmentRow): RegisteredShipment {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    orderId: row.order_id,
    trackingNumber: row.tracking_number,
    carrier: row.carrier,
    provider: row.provider,
    status: row.status,
    originCountry: row.origin_country?.trim() ?? null,
    destinationCountry: row.destination_country?.trim() ?? null,
    promisedDeliveryDate: row.promised_delivery_date,
    buyerContactId: row.buyer_contact_id,
    buyerId: row.buyer_id,
    createdAt: row.created_at,
  };
}

const naturalKey = (merchantId: string, orderId: string, trackingNumber: string): string =>
  JSON.stringify([merchantId, orderId, trackingNumber]);
const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The merchants among `ids` that exist (registration refuses the others item by item). */
export async function findExistingMerchantIds(db: ShipmentExecutor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('merchants').select('id').where('id', 'in', [...new Set(ids)]).execute();
  return new Set(rows.map((row) => row.id));
}

/**
 * Registers a batch in three statements, whatever its size: contacts, shipments, then the
 * rows that already existed. Run it inside the transaction that also writes the outbox.
 */
export async function registerShipments(
  trx: Transaction<Database>,
  items: readonly NewShipmentRegistration[],
): Promise<RegistrationOutcome> {
  if (items.length === 0) return { results: [] };
  // Rows in key order: concurrent batches then take their unique-index locks in the same order and cannot deadlock.
  const ordered = [...items].sort((a, b) => compareKeys(naturalKey(a.merchantId, a.orderId, a.trackingNumber), naturalKey(b.merchantId, b.orderId, b.trackingNumber)));
  const contacts = ordered.flatMap((item) => (item.contact ? [{ item, contact: item.contact }] : []));
  if (contacts.length > 0) {
    // Idempotent: the contact id derives from the shipment's natural key.
    await trx
      .insertInto('buyer_contacts')
      .values(
        contacts.map(({ item, contact }) => ({
          id: contact.id,
          merchant_id: item.merchantId,
          name: contact.name,
          email: contact.email,
          phone: contact.phone,
          address: contact.address === null ? null : JSON.stringify(contact.address),
          ...(contact.locale === null ? {} : { locale: contact.locale }),
          ...(contact.timezone === null ? {} : { timezone: contact.timezone }),
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  // Idempotent on (merchant_id, order_id, tracking_number); a duplicate inside the batch is skipped too.
  const inserted = await trx
    .insertInto('shipments')
    .values(
      ordered.map((item) => ({
        id: item.id,
        merchant_id: item.merchantId,
        buyer_contact_id: item.contact?.id ?? null,
        buyer_id: item.buyerId,
        order_id: item.orderId,
        tracking_number: item.trackingNumber,
        carrier: item.carrier,
        provider: item.provider,
        origin_country: item.originCountry,
        destination_country: item.destinationCountry,
        promised_delivery_date: item.promisedDeliveryDate,
        buyer_timezone: item.buyerTimezone,
        order_value_minor: item.orderValueMinor,
        order_currency: item.orderCurrency,
        next_poll_at: item.nextPollAt,
        created_at: item.registeredAt,
      })),
    )
    .onConflict((oc) => oc.constraint('shipments_order_tracking_key').doNothing())
    .returning(shipmentColumns)
    .execute();
  const createdIds = new Set(inserted.map((row) => row.id));
  const byKey = new Map<string, ShipmentRow>(inserted.map((row) => [naturalKey(row.merchant_id, row.order_id, row.tracking_number), row]));

  const missing = items.filter((item) => !byKey.has(naturalKey(item.merchantId, item.orderId, item.trackingNumber)));
  if (missing.length > 0) {
    const existing = await trx
      .selectFrom('shipments')
      .select(shipmentColumns)
      .where(sql<boolean>`(merchant_id, order_id, tracking_number) IN (
        SELECT * FROM unnest(${missing.map((item) => item.merchantId)}::uuid[], ${missing.map((item) => item.orderId)}::text[],
                             ${missing.map((item) => item.trackingNumber)}::text[]))`)
      .execute();
    for (const row of existing) byKey.set(naturalKey(row.merchant_id, row.order_id, row.tracking_number), row);
  }

  const results = items.map((item) => {
    const row = byKey.get(naturalKey(item.merchantId, item.orderId, item.trackingNumber));
    if (!row) throw new Error(`shipment ${item.orderId}/${item.trackingNumber} was neither inserted nor found`);
    return { created: row.id === item.id && createdIds.has(row.id), shipment: toRegistered(row) };
  });

  // A repeat whose first registration carried no contact (or another one) leaves its contact unreferenced.
  const orphans = results.flatMap((result, index) => {
    const contactId = items[index]?.contact?.id;
    return !result.created && contactId !== undefined && result.shipment.buyerContactId !== contactId ? [contactId] : [];
  });
  if (orphans.length > 0) await trx.deleteFrom('buyer_contacts').where('id', 'in', [...new Set(orphans)]).execute();
  return { results };
}

/** The shipments a carrier webhook is about: one number may belong to several orders. */
export async function findShipmentsByTrackingNumber(
  db: ShipmentExecutor,
  trackingNumber: string,
  provider: string,
): Promise<{ id: string; merchantId: string; carrier: string; trackingNumber: string }[]> {
  const rows = await db
    .selectFrom('shipments')
    .select(['id', 'merchant_id', 'carrier', 'tracking_number'])
    .where('tracking_number', '=', trackingNumber)
    .where('provider', '=', provider)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ id: row.id, merchantId: row.merchant_id, carrier: row.carrier, trackingNumber: row.tracking_number }));
}
