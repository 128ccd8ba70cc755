import type { Kysely } from 'kysely';
import type { Checkpoint, Compensation, Database, Shipment, ShipmentException } from '../database.js';

/*
 * What the buyer's tracking page and the WISMO answers read about one shipment: the shipment, its
 * timeline, the exceptions still open, the remedies decided, the merchant's public face, and of
 * the buyer only their locale. Never the buyer's name, email, phone or address: the page is public
 * to whoever holds the link.
 */

export interface BuyerPageRows {
  shipment: Shipment;
  checkpoints: Checkpoint[];
  openExceptions: ShipmentException[];
  remedies: Compensation[];
  merchant: { name: string; supportEmail: string | null; defaultLocale: string; settings: Record<string, unknown> };
  buyerLocale: string | null;
}

export async function loadBuyerPage(db: Kysely<Database>, shipmentId: string): Promise<BuyerPageRows | undefined> {
  const row = await db
    .selectFrom('shipments')
    .innerJoin('merchants', 'merchants.id', 'shipments.merchant_id')
    .leftJoin('buyer_contacts', 'buyer_contacts.id', 'shipments.buyer_contact_id')
    .selectAll('shipments')
    .select(['merchants.name as merchant_name', 'merchants.support_email', 'merchants.default_locale', 'merchants.settings', 'buyer_contacts.locale as buyer_locale'])
    .where('shipments.id', '=', shipmentId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { merchant_name, support_email, default_locale, settings, buyer_locale, ...shipment } = row;
  const [checkpoints, openExceptions, remedies] = await Promise.all([
    db.selectFrom('checkpoints').selectAll().where('shipment_id', '=', shipmentId).orderBy('occurred_at', 'desc').orderBy('id', 'desc').execute(),
    db.selectFrom('exceptions').selectAll().where('shipment_id', '=', shipmentId).where('status', '!=', 'resolved').orderBy('opened_at').execute(),
    db.selectFrom('compensations').selectAll().where('shipment_id', '=', shipmentId).where('status', 'not in', ['rejected', 'cancelled', 'failed']).orderBy('decided_at').execute(),
  ]);
  return {
    shipment: shipment as Shipment,
    checkpoints,
    openExceptions,
    remedies,
    merchant: { name: merchant_name, supportEmail: support_email, defaultLocale: default_locale, settings },
    buyerLocale: buyer_locale,
  };
}

/** The second factor a buyer (or a bot for them) gives with an order number. */
export type OrderFactor = { email: string } | { postcode: string };

const normalizePostcode = (postcode: string) => postcode.replace(/[\s-]/g, '').toUpperCase();

/**
 * The shipments of an order whose buyer matches the factor (email case-insensitively, postcode
 * without spaces or dashes), newest first; `merchantIds` limits the search (null: any merchant).
 * A wrong factor and an unknown order both give none: callers cannot tell them apart.
 */
export async function findShipmentsByOrderFactor(db: Kysely<Database>, input: { orderId: string; factor: OrderFactor; merchantIds: readonly string[] | null }): Promise<{ id: string; merchantId: string }[]> {
  if (input.merchantIds !== null && input.merchantIds.length === 0) return [];
  let query = db
    .selectFrom('shipments')
    .innerJoin('buyer_contacts', 'buyer_contacts.id', 'shipments.buyer_contact_id')
    .select(['shipments.id', 'shipments.merchant_id', 'buyer_contacts.email', 'buyer_contacts.address'])
    .where('shipments.order_id', '=', input.orderId)
    .where('buyer_contacts.purged_at', 'is', null)
    .orderBy('shipments.created_at', 'desc')
    .limit(20);
  if (input.merchantIds !== null) query = query.where('shipments.merchant_id', 'in', [...input.merchantIds]);
  const rows = await query.execute();
  const { factor } = input;
  return rows
    .filter((row) => {
      if ('email' in factor) return row.email !== null && row.email.trim().toLowerCase() === factor.email.trim().toLowerCase();
      const postcode = (row.address as { postalCode?: unknown } | null)?.postalCode;
      return typeof postcode === 'string' && normalizePostcode(postcode) !== '' && normalizePostcode(postcode) === normalizePostcode(factor.postcode);
    })
    .map((row) => ({ id: row.id, merchantId: row.merchant_id }));
}

/** Shipments by tracking number, newest first; `merchantIds` limits the search (null: any merchant). */
export async function findMerchantShipmentsByTrackingNumber(db: Kysely<Database>, input: { trackingNumber: string; merchantIds: readonly string[] | null }): Promise<{ id: string; merchantId: string }[]> {
  if (input.merchantIds !== null && input.merchantIds.length === 0) return [];
  let query = db
    .selectFrom('shipments')
    .select(['id', 'merchant_id'])
    .where('tracking_number', '=', input.trackingNumber.replace(/[\s.-]/g, '').toUpperCase())
    .orderBy('created_at', 'desc')
    .limit(5);
  if (input.merchantIds !== null) query = query.where('merchant_id', 'in', [...input.merchantIds]);
  const rows = await query.execute();
  return rows.map((row) => ({ id: row.id, merchantId: row.merchant_id }));
}
