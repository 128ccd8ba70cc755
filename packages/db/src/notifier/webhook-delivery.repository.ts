import { sql, type Transaction } from 'kysely';
import type { Database, NewWebhookDelivery, WebhookDelivery, WebhookDeliveryStatus } from '../database.js';
import type { WebhookDbExecutor } from '../api/webhook-endpoint.repository.js';

/**
 * Merchant webhook deliveries: one row per (endpoint, source event), plus replays. The queue of
 * one endpoint and one shipment is delivered strictly in `seq` order: only its head (the lowest
 * pending seq) is ever claimed, so a receiver that was down gets a shipment's events in order.
 */

/** Inserts deliveries; one that exists for its (endpoint, source event) is skipped. Returns the new ids. */
export async function insertWebhookDeliveries(db: WebhookDbExecutor, rows: readonly NewWebhookDelivery[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto('webhook_deliveries')
    .values([...rows])
    // A redelivered source event: nothing new (replays have replay_of set and are never skipped).
    .onConflict((oc) => oc.columns(['endpoint_id', 'source_event_id']).where('replay_of', 'is', null).doNothing())
    .returning('id')
    .execute();
  return inserted.map((row) => row.id);
}

export type ClaimedDelivery = WebhookDelivery & { url: string; secret: string };

/**
 * Claims due deliveries whose endpoint is enabled and which head their (endpoint, shipment)
 * queue, leasing them until `leaseUntil`: a worker that dies mid-send leaves the row to be
 * claimed again after the lease. SKIP LOCKED lets several workers share the queue.
 */
export async function claimDueWebhookDeliveries(
  trx: Transaction<Database>,
  options: { now: Date; leaseUntil: Date; limit: number },
): Promise<ClaimedDelivery[]> {
  const due = await trx
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .selectAll('d')
    .select(['e.url', 'e.secret'])
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', options.now)
    .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<=', options.now)]))
    .where('e.status', '=', 'enabled')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('webhook_deliveries as p')
            .select(sql.lit(1).as('one'))
            .whereRef('p.endpoint_id', '=', 'd.endpoint_id')
            .whereRef('p.shipment_id', '=', 'd.shipment_id')
            .where('p.status', '=', 'pending')
            .whereRef('p.seq', '<', 'd.seq'),
        ),
      ),
    )
    .orderBy('d.next_attempt_at')
    .orderBy('d.seq')
    .limit(options.limit)
    .forNoKeyUpdate('d')
    .skipLocked()
    .execute();
  if (due.length === 0) return [];
  await trx
    .updateTable('webhook_deliveries')
    .set({ lease_until: options.leaseUntil })
    .where('id', 'in', due.map((row) => row.id))
    .execute();
  return due.map((row) => ({ ...row, lease_until: options.leaseUntil }));
}

/** pending -> delivered; undefined if it was no longer pending. */
export async function markWebhookDelivered(
  db: WebhookDbExecutor,
  id: string,
  result: { statusCode: number; providerMessageId: string | null; at: Date },
): Promise<WebhookDelivery | undefined> {
  return db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: 'delivered',
      attempts: eb('attempts', '+', 1),
      lease_until: null,
      last_status_code: result.statusCode,
      last_error: null,
      provider_message_id: result.providerMessageId,
      delivered_at: result.at,
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

/** A failed attempt: counted, retried at `nextAttemptAt`; it stays pending (never dropped). */
export async function markWebhookAttemptFailed(
  db: WebhookDbExecutor,
  id: string,
  failure: { statusCode: number | null; error: string; nextAttemptAt: Date },
): Promise<WebhookDelivery | undefined> {
  return db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      lease_until: null,
      last_status_code: failure.statusCode,
      last_error: failure.error,
      next_attempt_at: failure.nextAttemptAt,
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

/** Gives a claimed delivery back unsent (its endpoint was disabled while it waited in the round). */
export async function releaseWebhookDelivery(db: WebhookDbExecutor, id: string): Promise<void> {
  await db.updateTable('webhook_deliveries').set({ lease_until: null }).where('id', '=', id).where('status', '=', 'pending').execute();
}

/** After an admin re-enables an endpoint: its waiting deliveries are due now (each queue still in order). */
export async function makeEndpointDeliveriesDue(db: WebhookDbExecutor, endpointId: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: now })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '>', now)
    // RETURNING rather than numUpdatedRows: the PGlite dialect does not report affected rows.
    .returning('id')
    .execute();
  return result.length;
}

/** A deleted endpoint's waiting deliveries end as failed, with the reason, rather than waiting for ever. */
export async function failPendingWebhookDeliveries(db: WebhookDbExecutor, endpointId: string, reason: string): Promise<number> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', last_error: reason, lease_until: null })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .returning('id')
    .execute();
  return result.length;
}

export async function findWebhookDelivery(db: WebhookDbExecutor, id: string): Promise<WebhookDelivery | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** One endpoint's deliveries in seq order, from after the cursor `afterSeq`. */
export async function listWebhookDeliveries(
  db: WebhookDbExecutor,
  endpointId: string,
  filter: { status?: WebhookDeliveryStatus; shipmentId?: string; afterSeq?: number; limit: number },
): Promise<WebhookDelivery[]> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.shipmentId !== undefined) query = query.where('shipment_id', '=', filter.shipmentId);
  if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq);
  return query.orderBy('seq').limit(filter.limit).execute();
}

/** Delivered originals (not replays) queued in [since, until), in their original order: what a replay re-sends. */
export async function listDeliveredForReplay(
  db: WebhookDbExecutor,
  endpointId: string,
  range: { since: Date; until: Date | null; shipmentId?: string; limit: number },
): Promise<WebhookDelivery[]> {
  let query = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'delivered')
    .where('replay_of', 'is', null)
    .where('created_at', '>=', range.since);
  if (range.until !== null) query = query.where('created_at', '<', range.until);
  if (range.shipmentId !== undefined) query = query.where('shipment_id', '=', range.shipmentId);
  return query.orderBy('seq').limit(range.limit).execute();
}
