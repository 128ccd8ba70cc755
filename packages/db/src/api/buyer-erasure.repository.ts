import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../database.js';

/*
 * A buyer's erasure (right to be forgotten): the one write that crosses table owners, in one
 * transaction so a buyer is never half erased. What holds their personal data:
 * - buyer_contacts (name, email, phone, address) of every shipment linked to the buyer: blanked
 *   and marked purged; the rows stay so the shipments keep their shape and evidence.
 * - notifications and notification_attempts: no address or body is stored (bodies are kept as a
 *   SHA-256, addresses read at send time), but provider error texts written before redaction
 *   may quote the address: blanked. Messages not yet sent are skipped, so nothing more goes out.
 * - tracking_links: revoked; buyer_page_contacts: message and reply address blanked.
 * The buyer row (an HMAC id, counts and spend, no PII) stays, marked purged: later shipments of
 * the same buyer are not written to either. Webhook delivery bodies and events carry ids only.
 */

export interface BuyerErasure {
  buyerId: string;
  merchantId: string;
  /** When the buyer was first erased (a repeated erasure keeps it). */
  purgedAt: Date;
  shipments: number;
  contacts: number;
  /** Messages planned but not sent, now skipped. */
  notificationsStopped: number;
  /** Every notification of the buyer's shipments: their mail copies are to be deleted too. */
  notificationIds: string[];
}

type Executor = Kysely<Database> | Transaction<Database>;

/** Erases the buyer; undefined when there is no such buyer in `scope` (null: any merchant). Idempotent. */
export async function eraseBuyerPersonalData(trx: Executor, input: { buyerId: string; scope: readonly string[] | null; at: Date }): Promise<BuyerErasure | undefined> {
  if (input.scope !== null && input.scope.length === 0) return undefined;
  let query = trx.selectFrom('buyers').select(['id', 'merchant_id', 'purged_at']).where('id', '=', input.buyerId);
  if (input.scope !== null) query = query.where('merchant_id', 'in', [...input.scope]);
  const buyer = await query.forUpdate().executeTakeFirst();
  if (buyer === undefined) return undefined;

  const purged = await trx
    .updateTable('buyers')
    .set((eb) => ({ purged_at: eb.fn.coalesce('purged_at', eb.val(input.at)), updated_at: input.at }))
    .where('id', '=', buyer.id)
    .returning('purged_at')
    .executeTakeFirstOrThrow();
  const shipments = await trx.selectFrom('shipments').select(['id', 'buyer_contact_id']).where('buyer_id', '=', buyer.id).where('merchant_id', '=', buyer.merchant_id).execute();
  const shipmentIds = shipments.map((s) => s.id);
  const contactIds = [...new Set(shipments.flatMap((s) => (s.buyer_contact_id === null ? [] : [s.buyer_contact_id])))];
  if (contactIds.length > 0) {
    await trx
      .updateTable('buyer_contacts')
      .set((eb) => ({ name: null, email: null, phone: null, address: null, purged_at: eb.fn.coalesce('purged_at', eb.val(input.at)), updated_at: input.at }))
      .where('id', 'in', contactIds)
      .execute();
  }
  if (shipmentIds.length === 0) {
    return { buyerId: buyer.id, merchantId: buyer.merchant_id, purgedAt: purged.purged_at ?? input.at, shipments: 0, contacts: 0, notificationsStopped: 0, notificationIds: [] };
  }
  // A claim in flight loses its token: its holder neither sends (the renewal fails) nor finishes.
  const stopped = await trx
    .updateTable('notifications')
    .set({ status: 'skipped', error_code: 'buyer_erased', error: null, lease_until: null, claim_token: null, updated_at: input.at })
    .where('shipment_id', 'in', shipmentIds)
    .where('status', 'in', ['scheduled', 'deferred', 'sending'])
    .returning('id')
    .execute();
  const notifications = await trx.updateTable('notifications').set({ error: null }).where('shipment_id', 'in', shipmentIds).returning('id').execute();
  const notificationIds = notifications.map((n) => n.id);
  if (notificationIds.length > 0) await trx.updateTable('notification_attempts').set({ error: null }).where('notification_id', 'in', notificationIds).execute();
  // The tracking page shows the buyer's parcel to whoever holds the link: it stops answering. What
  // the buyer wrote through it is theirs: the category stays for the carrier reports.
  await trx.updateTable('tracking_links').set({ revoked_at: input.at, revoked_by: 'buyer-erasure' }).where('shipment_id', 'in', shipmentIds).where('revoked_at', 'is', null).execute();
  await trx.updateTable('buyer_page_contacts').set({ message: '', reply_email: null }).where('shipment_id', 'in', shipmentIds).execute();
  return {
    buyerId: buyer.id,
    merchantId: buyer.merchant_id,
    purgedAt: purged.purged_at ?? input.at,
    shipments: shipmentIds.length,
    contacts: contactIds.length,
    notificationsStopped: stopped.length,
    notificationIds,
  };
}
