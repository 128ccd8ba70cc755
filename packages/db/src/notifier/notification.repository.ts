import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, NewNotification, Notification, NotificationUpdate } from '../database.js';

/*
 * Buyer notifications: one row per shipment, trigger (milestone, exception, delay,
 * compensation) and channel, keyed by `idempotency_key` = `<shipment>:<trigger>:<channel>`, so
 * a redelivered or re-published event plans nothing twice. The dispatcher claims due rows with
 * a lease; every attempt is kept in notification_attempts (the communication log).
 */
export type NotificationDbExecutor = Kysely<Database> | Transaction<Database>;

/** What planning needs of a shipment, without buyer PII: only whether an address exists. */
export interface NotificationShipmentFacts {
  shipmentId: string;
  merchantId: string;
  orderId: string;
  trackingNumber: string;
  status: string;
  originCountry: string | null;
  estimatedDeliveryAt: Date | null;
  merchantName: string;
  merchantLocale: string;
  merchantSettings: unknown;
  buyerLocale: string | null;
  /** The buyer contact's zone, else the shipment's buyer_timezone. */
  buyerTimezone: string;
  hasEmail: boolean;
  hasPhone: boolean;
}

export async function loadNotificationFacts(trx: NotificationDbExecutor, shipmentIds: readonly string[]): Promise<Map<string, NotificationShipmentFacts>> {
  if (shipmentIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('shipments as s')
    .innerJoin('merchants as m', 'm.id', 's.merchant_id')
    // An erased buyer (GDPR erasure) is written to no more, whatever contact a shipment holds.
    .leftJoin('buyers as b', 'b.id', 's.buyer_id')
    .leftJoin('buyer_contacts as c', (join) => join.onRef('c.id', '=', 's.buyer_contact_id').on('c.purged_at', 'is', null).on('b.purged_at', 'is', null))
    .select((eb) => [
      's.id',
      's.merchant_id',
      's.order_id',
      's.tracking_number',
      's.status',
      's.origin_country',
      's.estimated_delivery_at',
      'm.name as merchant_name',
      'm.default_locale',
      'm.settings',
      'c.locale as buyer_locale',
      // A contact's zone left at its default says nothing; the shipment's may know better.
      sql<string>`CASE WHEN c.timezone IS NULL OR c.timezone = 'UTC' THEN s.buyer_timezone ELSE c.timezone END`.as('buyer_timezone'),
      eb.and([eb('c.email', 'is not', null), eb('c.email', '<>', '')]).as('has_email'),
      eb.and([eb('c.phone', 'is not', null), eb('c.phone', '<>', '')]).as('has_phone'),
    ])
    .where('s.id', 'in', [...new Set(shipmentIds)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        shipmentId: r.id,
        merchantId: r.merchant_id,
        orderId: r.order_id,
        trackingNumber: r.tracking_number,
        status: r.status,
        originCountry: r.origin_country?.trim() ?? null,
        estimatedDeliveryAt: r.estimated_delivery_at,
        merchantName: r.merchant_name,
        merchantLocale: r.default_locale,
        merchantSettings: r.settings,
        buyerLocale: r.buyer_locale,
        buyerTimezone: r.buyer_timezone,
        hasEmail: r.has_email === true,
        hasPhone: r.has_phone === true,
      },
    ]),
  );
}

/** Per shipment, when each planned intent (trigger) goes or went out: the daily cap counts these. */
export async function loadIntentTimes(trx: NotificationDbExecutor, shipmentIds: readonly string[]): Promise<Map<string, Map<string, Date>>> {
  const result = new Map<string, Map<string, Date>>();
  if (shipmentIds.length === 0) return result;
  const rows = await trx
    .selectFrom('notifications')
    .select(['shipment_id', 'trigger', sql<Date>`min(coalesce(sent_at, scheduled_for))`.as('at')])
    .where('shipment_id', 'in', [...new Set(shipmentIds)])
    .where('status', 'not in', ['failed', 'skipped'])
    .where('channel', '<>', 'merchant_webhook')
    .groupBy(['shipment_id', 'trigger'])
    .execute();
  for (const row of rows) {
    const perShipment = result.get(row.shipment_id) ?? new Map<string, Date>();
    perShipment.set(row.trigger, row.at);
    result.set(row.shipment_id, perShipment);
  }
  return result;
}

/** Idempotent: a row whose idempotency key exists is skipped; returns only the new rows. */
export async function insertNotifications(trx: NotificationDbExecutor, rows: readonly NewNotification[]): Promise<Notification[]> {
  if (rows.length === 0) return [];
  return trx
    .insertInto('notifications')
    .values([...rows])
    .onConflict((oc) => oc.constraint('notifications_idempotency_key').doNothing())
    .returningAll()
    .execute();
}

/**
 * Claims due rows, each the earliest unsent one of its (shipment, channel), so one shipment's
 * messages go out in event order; a claimed row is 'sending' until its lease ends, when another
 * worker may take it again (with a new token, which voids the old one). SKIP LOCKED lets
 * several dispatchers share the work.
 *
 * The due rows are walked in `scheduled_for` order (`notifications_due_idx`) and each is kept
 * only when no earlier unsent row of its (shipment, channel) exists (`notifications_unsent_idx`):
 * a round reads about as many rows as it claims, however long the backlog of unsent rows is.
 */
export async function claimDueNotifications(trx: Transaction<Database>, options: { now: Date; leaseUntil: Date; limit: number; claimToken: string }): Promise<Notification[]> {
  const due = await sql<Notification>`
    SELECT n.* FROM notifications n
    WHERE n.status IN ('scheduled', 'deferred', 'sending')
      AND ((n.status IN ('scheduled', 'deferred') AND n.scheduled_for <= ${options.now})
        OR (n.status = 'sending' AND n.lease_until < ${options.now}))
      AND NOT EXISTS (
        SELECT 1 FROM notifications earlier
        WHERE earlier.shipment_id = n.shipment_id AND earlier.channel = n.channel
          AND earlier.status IN ('scheduled', 'deferred', 'sending')
          AND (earlier.occurred_at, earlier.seq) < (n.occurred_at, n.seq))
    ORDER BY n.scheduled_for
    LIMIT ${options.limit}
    FOR NO KEY UPDATE OF n SKIP LOCKED`.execute(trx);
  if (due.rows.length === 0) return [];
  return trx
    .updateTable('notifications')
    .set((eb) => ({ status: 'sending', lease_until: options.leaseUntil, claim_token: options.claimToken, attempts: eb('attempts', '+', 1), updated_at: options.now }))
    .where('id', 'in', due.rows.map((row) => row.id))
    .returningAll()
    .execute()
    .then((rows) => rows.sort((a, b) => a.scheduled_for.getTime() - b.scheduled_for.getTime() || a.seq - b.seq));
}

/** A claim as its holder knows it: the row and the token its claim wrote. */
export interface NotificationClaim {
  id: string;
  token: string;
}

/**
 * Extends a claim's lease just before its message is sent; false when the claim is no longer
 * this holder's (its lease ran out and another worker claimed the row, or it was finished or
 * erased): the holder must then not send.
 */
export async function renewNotificationClaim(trx: NotificationDbExecutor, claim: NotificationClaim, leaseUntil: Date): Promise<boolean> {
  const row = await trx
    .updateTable('notifications')
    .set({ lease_until: leaseUntil })
    .where('id', '=', claim.id)
    .where('status', '=', 'sending')
    .where('claim_token', '=', claim.token)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Ends a claim (sent, failed, rescheduled or deferred); undefined when the claim was lost to another worker. */
export async function finishNotificationClaim(trx: NotificationDbExecutor, claim: NotificationClaim, update: NotificationUpdate): Promise<Notification | undefined> {
  return trx
    .updateTable('notifications')
    .set({ ...update, lease_until: null, claim_token: null })
    .where('id', '=', claim.id)
    .where('status', '=', 'sending')
    .where('claim_token', '=', claim.token)
    .returningAll()
    .executeTakeFirst();
}

export interface NewNotificationAttempt {
  notification_id: string;
  attempt: number;
  status: 'sent' | 'failed' | 'deferred';
  provider_message_id?: string | null;
  body_sha256?: string | null;
  error_code?: string | null;
  error?: string | null;
  retriable?: boolean | null;
  defer_reason?: string | null;
  deferred_until?: Date | null;
  at: Date;
}

export async function recordNotificationAttempts(trx: NotificationDbExecutor, rows: readonly NewNotificationAttempt[]): Promise<void> {
  if (rows.length === 0) return;
  await trx.insertInto('notification_attempts').values([...rows]).execute();
}

/** How many of a shipment's other intents were sent in [from, to): the daily cap at send time. */
export async function countSentIntents(trx: NotificationDbExecutor, input: { shipmentId: string; exceptTrigger: string; from: Date; to: Date }): Promise<number> {
  const row = await trx
    .selectFrom('notifications')
    .select(sql<string>`count(DISTINCT trigger)`.as('n'))
    .where('shipment_id', '=', input.shipmentId)
    .where('status', '=', 'sent')
    .where('channel', '<>', 'merchant_webhook')
    .where('trigger', '<>', input.exceptTrigger)
    .where('sent_at', '>=', input.from)
    .where('sent_at', '<', input.to)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Buyer PII, read only at send time for one message; never logged, never in events. */
export interface NotificationRecipient {
  email: string | null;
  phone: string | null;
  timezone: string;
  merchantName: string;
  merchantSettings: unknown;
  orderId: string;
  /** The shipment's estimate as of sending (it may arrive or be revised after the message was planned). */
  estimatedDeliveryAt: Date | null;
  /** The buyer tracking page's token as stored (sealed or clear); null when the link is revoked or was never issued. */
  trackingToken: string | null;
}

export async function listShipmentNotifications(trx: NotificationDbExecutor, shipmentId: string): Promise<Notification[]> {
  return trx.selectFrom('notifications').selectAll().where('shipment_id', '=', shipmentId).orderBy('occurred_at').orderBy('seq').execute();
}
