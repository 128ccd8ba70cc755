import type { Kysely, Transaction } from 'kysely';
import type { BuyerContactCategory, Database } from '../database.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface NewTrackingLink {
  id: string;
  shipmentId: string;
  merchantId: string;
  tokenHash: string;
  /** Sealed or clear (packages/secrets tracking-token). */
  token: string;
  createdAt: Date;
}

/** Idempotent: a shipment that already has a live link keeps it (the partial unique index). */
export async function insertTrackingLinks(db: Executor, links: readonly NewTrackingLink[]): Promise<void> {
  if (links.length === 0) return;
  await db
    .insertInto('tracking_links')
    .values(links.map((l) => ({ id: l.id, shipment_id: l.shipmentId, merchant_id: l.merchantId, token_hash: l.tokenHash, token: l.token, created_at: l.createdAt })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export interface LiveTrackingLink {
  shipmentId: string;
  merchantId: string;
  token: string;
  createdAt: Date;
}

/** The live links of these shipments (at most one each). */
export async function findLiveTrackingLinks(db: Executor, shipmentIds: readonly string[]): Promise<Map<string, LiveTrackingLink>> {
  if (shipmentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('tracking_links')
    .select(['shipment_id', 'merchant_id', 'token', 'created_at'])
    .where('shipment_id', 'in', [...shipmentIds])
    .where('revoked_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [r.shipment_id, { shipmentId: r.shipment_id, merchantId: r.merchant_id, token: r.token, createdAt: r.created_at }]));
}

/** The shipment a live token opens; undefined for an unknown or revoked one. */
export async function findShipmentIdByTrackingToken(db: Executor, tokenHash: string): Promise<string | undefined> {
  const row = await db.selectFrom('tracking_links').select('shipment_id').where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
  return row?.shipment_id;
}

/** Revokes the live link; false when there was none. */
export async function revokeTrackingLink(db: Executor, shipmentId: string, at: Date, by: string): Promise<boolean> {
  const rows = await db.updateTable('tracking_links').set({ revoked_at: at, revoked_by: by }).where('shipment_id', '=', shipmentId).where('revoked_at', 'is', null).returning('id').execute();
  return rows.length > 0;
}

export interface NewBuyerPageContact {
  id: string;
  shipmentId: string;
  merchantId: string;
  carrier: string;
  category: BuyerContactCategory;
  message: string;
  replyEmail: string | null;
  locale: string;
  createdAt: Date;
}

export async function insertBuyerPageContact(db: Executor, contact: NewBuyerPageContact): Promise<void> {
  await db
    .insertInto('buyer_page_contacts')
    .values({
      id: contact.id,
      shipment_id: contact.shipmentId,
      merchant_id: contact.merchantId,
      carrier: contact.carrier,
      category: contact.category,
      message: contact.message,
      reply_email: contact.replyEmail,
      locale: contact.locale,
      created_at: contact.createdAt,
    })
    // The id is the form's nonce: a double submit records one contact.
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** The contacts of a merchant's shipments, newest first (no message text: a category count for reports). */
export async function countBuyerPageContacts(db: Executor, shipmentId: string): Promise<{ category: BuyerContactCategory; count: number }[]> {
  const rows = await db
    .selectFrom('buyer_page_contacts')
    .select(['category', (eb) => eb.fn.countAll<string>().as('count')])
    .where('shipment_id', '=', shipmentId)
    .groupBy('category')
    .execute();
  return rows.map((r) => ({ category: r.category, count: Number(r.count) }));
}

/** The shipment's merchant, for scoping a link's admin routes; undefined when there is no such shipment. */
export async function findShipmentMerchant(db: Executor, shipmentId: string): Promise<{ id: string; merchantId: string } | undefined> {
  const row = await db.selectFrom('shipments').select(['id', 'merchant_id']).where('id', '=', shipmentId).executeTakeFirst();
  return row === undefined ? undefined : { id: row.id, merchantId: row.merchant_id };
}

/** Live links' stored tokens by id, a page at a time (the reseal round after a key rotation). */
export async function listTrackingLinkTokens(db: Executor, page: { afterId: string | null; limit: number }): Promise<{ id: string; shipmentId: string; token: string }[]> {
  let query = db.selectFrom('tracking_links').select(['id', 'shipment_id', 'token']).where('revoked_at', 'is', null).orderBy('id').limit(page.limit);
  if (page.afterId !== null) query = query.where('id', '>', page.afterId);
  const rows = await query.execute();
  return rows.map((row) => ({ id: row.id, shipmentId: row.shipment_id, token: row.token }));
}

/** Replaces a stored token if it is still `expected` (a concurrent round wins once); true when replaced. */
export async function replaceTrackingLinkToken(db: Executor, id: string, change: { expected: string; token: string }): Promise<boolean> {
  const rows = await db.updateTable('tracking_links').set({ token: change.token }).where('id', '=', id).where('token', '=', change.expected).returning('id').execute();
  return rows.length > 0;
}
