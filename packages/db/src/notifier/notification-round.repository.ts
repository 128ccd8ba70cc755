import { sql } from 'kysely';
import type { Notification, NotificationDeferReasonColumn } from '../database.js';
import type { NotificationClaim, NotificationDbExecutor, NotificationRecipient } from './notification.repository.js';

/*
 * A dispatch round's set-based statements: what a whole round of claimed messages needs before
 * sending (recipients, the triggers already sent in each buyer's day) and the outcomes of many
 * claims written in one statement. Per-message statements would cost a round trip each.
 */

/** Buyer PII of the round's shipments, read at send time; never logged, never in events. */
export async function loadNotificationRecipients(db: NotificationDbExecutor, shipmentIds: readonly string[]): Promise<Map<string, NotificationRecipient>> {
  if (shipmentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('shipments as s')
    .innerJoin('merchants as m', 'm.id', 's.merchant_id')
    // An erased buyer (GDPR erasure) is written to no more, whatever contact a shipment holds.
    .leftJoin('buyers as b', 'b.id', 's.buyer_id')
    .leftJoin('buyer_contacts as c', (join) => join.onRef('c.id', '=', 's.buyer_contact_id').on('c.purged_at', 'is', null).on('b.purged_at', 'is', null))
    .leftJoin('tracking_links as tl', (join) => join.onRef('tl.shipment_id', '=', 's.id').on('tl.revoked_at', 'is', null))
    .select([
      's.id',
      'c.email',
      'c.phone',
      sql<string>`CASE WHEN c.timezone IS NULL OR c.timezone = 'UTC' THEN s.buyer_timezone ELSE c.timezone END`.as('timezone'),
      'm.name as merchant_name',
      'm.settings',
      's.order_id',
      's.estimated_delivery_at',
      'tl.token as tracking_token',
    ])
    .where('s.id', 'in', [...new Set(shipmentIds)])
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      { email: row.email, phone: row.phone, timezone: row.timezone, merchantName: row.merchant_name, merchantSettings: row.settings, orderId: row.order_id, estimatedDeliveryAt: row.estimated_delivery_at, trackingToken: row.tracking_token },
    ]),
  );
}

/** One shipment's buyer day, [from, to) in UTC. */
export interface BuyerDay {
  shipmentId: string;
  from: Date;
  to: Date;
}

/** Per shipment, the triggers sent (on a buyer channel) within its buyer day: the daily cap at send time. */
export async function loadSentTriggers(db: NotificationDbExecutor, days: readonly BuyerDay[]): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>();
  if (days.length === 0) return result;
  const windows = JSON.stringify(days.map((day) => ({ shipment_id: day.shipmentId, from_at: day.from, to_at: day.to })));
  const rows = await sql<{ shipment_id: string; trigger: string }>`
    SELECT DISTINCT n.shipment_id, n.trigger
    FROM jsonb_to_recordset(${windows}::jsonb) AS d(shipment_id uuid, from_at timestamptz, to_at timestamptz)
    JOIN notifications n ON n.shipment_id = d.shipment_id
    WHERE n.status = 'sent' AND n.channel <> 'merchant_webhook' AND n.sent_at >= d.from_at AND n.sent_at < d.to_at`.execute(db);
  for (const row of rows.rows) {
    const triggers = result.get(row.shipment_id) ?? new Set<string>();
    triggers.add(row.trigger);
    result.set(row.shipment_id, triggers);
  }
  return result;
}

/** What ending a claim writes; a column left out keeps its value. */
export interface ClaimFinish {
  status: 'sent' | 'failed' | 'scheduled' | 'deferred';
  updated_at: Date;
  scheduled_for?: Date;
  sent_at?: Date;
  failed_at?: Date;
  provider_message_id?: string | null;
  body_sha256?: string | null;
  error?: string | null;
  error_code?: string | null;
  defer_reason?: NotificationDeferReasonColumn | null;
  attempts?: number;
}

const FINISH_COLUMNS: ReadonlyArray<readonly [keyof ClaimFinish, string]> = [
  ['status', 'text'],
  ['updated_at', 'timestamptz'],
  ['scheduled_for', 'timestamptz'],
  ['sent_at', 'timestamptz'],
  ['failed_at', 'timestamptz'],
  ['provider_message_id', 'text'],
  ['body_sha256', 'text'],
  ['error', 'text'],
  ['error_code', 'text'],
  ['defer_reason', 'text'],
  ['attempts', 'integer'],
];

/**
 * Ends many claims in one statement (sent, failed, rescheduled or deferred). Each row is written
 * only while its claim is still the holder's (status 'sending' and the claim's token); returns the
 * rows finished, so a claim lost to another worker is simply absent from the result.
 */
export async function finishNotificationClaims(trx: NotificationDbExecutor, finishes: ReadonlyArray<{ claim: NotificationClaim; set: ClaimFinish }>): Promise<Notification[]> {
  if (finishes.length === 0) return [];
  const input = JSON.stringify(finishes.map(({ claim, set }) => ({ id: claim.id, token: claim.token, patch: set })));
  const assignments = sql.join(
    FINISH_COLUMNS.map(([column, type]) => sql`${sql.ref(column)} = CASE WHEN f.patch ? ${column} THEN (f.patch->>${column})::${sql.raw(type)} ELSE n.${sql.ref(column)} END`),
  );
  const rows = await sql<Notification>`
    UPDATE notifications AS n
    SET ${assignments}, lease_until = NULL, claim_token = NULL
    FROM jsonb_to_recordset(${input}::jsonb) AS f(id uuid, token uuid, patch jsonb)
    WHERE n.id = f.id AND n.status = 'sending' AND n.claim_token = f.token
    RETURNING n.*`.execute(trx);
  return rows.rows;
}
