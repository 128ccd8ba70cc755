import { sql, type Kysely, type Transaction } from 'kysely';
import { loadBuyerSpend, type SpendAmount } from '../api/buyer.repository.js';
import type { Compensation, Database, MilestoneColumn, NewCompensation } from '../database.js';

/**
 * Compensation decisions, their approval and their execution. Every state change is a
 * conditional UPDATE on the expected status, so a replayed or concurrent step changes nothing.
 */
export type CompensationDbExecutor = Kysely<Database> | Transaction<Database>;
export type CompensationStatus = Compensation['status'];

/**
 * What a decision reads about the shipment: the order it compensates, and its buyer's lifetime
 * spend as it stands now (one amount per currency; empty without an identified buyer). Read at
 * decision time rather than taken from the registration event: the decision comes days later,
 * after the buyer's later orders, and the trigger events come from the detector, which knows
 * nothing of spend.
 */
export interface CompensationShipmentContext {
  shipmentId: string;
  merchantId: string;
  orderId: string;
  status: MilestoneColumn;
  orderValueMinor: number | null;
  orderCurrency: string | null;
  buyerId: string | null;
  buyerLifetimeSpend: SpendAmount[];
}

export async function loadCompensationContexts(
  db: CompensationDbExecutor,
  shipmentIds: readonly string[],
): Promise<Map<string, CompensationShipmentContext>> {
  if (shipmentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('shipments')
    .select(['id', 'merchant_id', 'order_id', 'status', 'order_value_minor', 'order_currency', 'buyer_id'])
    .where('id', 'in', [...new Set(shipmentIds)])
    .execute();
  const spend = await loadBuyerSpend(db, rows.flatMap((row) => (row.buyer_id === null ? [] : [row.buyer_id])));
  return new Map(
    rows.map((row) => [
      row.id,
      {
        shipmentId: row.id,
        merchantId: row.merchant_id,
        orderId: row.order_id,
        status: row.status,
        orderValueMinor: row.order_value_minor,
        orderCurrency: row.order_currency,
        buyerId: row.buyer_id,
        buyerLifetimeSpend: row.buyer_id === null ? [] : (spend.get(row.buyer_id) ?? []),
      },
    ]),
  );
}

/** Every compensation the shipments already have, any status, oldest tier first. */
export async function loadShipmentCompensations(db: CompensationDbExecutor, shipmentIds: readonly string[]): Promise<Compensation[]> {
  if (shipmentIds.length === 0) return [];
  return db
    .selectFrom('compensations')
    .selectAll()
    .where('shipment_id', 'in', [...new Set(shipmentIds)])
    .orderBy('shipment_id')
    .orderBy('tier')
    .execute();
}

/**
 * Serializes budget decisions per merchant until the transaction ends, so two consumers cannot
 * both spend the last of a daily cap. Locks are taken in id order: no deadlock between batches.
 */
export async function lockMerchantBudgets(trx: Transaction<Database>, merchantIds: readonly string[]): Promise<void> {
  const ids = [...new Set(merchantIds)].sort();
  if (ids.length === 0) return;
  await sql`
    SELECT pg_advisory_xact_lock(hashtextextended('compensation-budget:' || m.id, 0))
    FROM unnest(${ids}::text[]) WITH ORDINALITY AS m(id, n)
    ORDER BY m.n`.execute(trx);
}

/** Spend per merchant in [from, to) in the base currency; rejected, cancelled and failed ones cost nothing. */
export async function sumMerchantSpend(
  db: CompensationDbExecutor,
  merchantIds: readonly string[],
  baseCurrency: string,
  from: Date,
  to: Date,
): Promise<Map<string, number>> {
  const ids = [...new Set(merchantIds)];
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('compensations')
    .select(['merchant_id', (eb) => eb.fn.sum<string | number>('base_amount_minor').as('spent')])
    .where('merchant_id', 'in', ids)
    .where('base_currency', '=', baseCurrency)
    .where('status', 'not in', ['rejected', 'cancelled', 'failed'])
    .where('decided_at', '>=', from)
    .where('decided_at', '<', to)
    .groupBy('merchant_id')
    .execute();
  return new Map(rows.map((row) => [row.merchant_id, Number(row.spent)]));
}

/**
 * One statement for the batch's decisions. At most one per shipment and tier: a decision that
 * already exists (a redelivered trigger) is not inserted and not returned.
 */
export async function insertCompensations(trx: CompensationDbExecutor, rows: readonly NewCompensation[]): Promise<Compensation[]> {
  if (rows.length === 0) return [];
  return trx
    .insertInto('compensations')
    .values([...rows])
    .onConflict((oc) => oc.columns(['shipment_id', 'tier']).doNothing())
    .returningAll()
    .execute();
}

/** A delivery before execution cancels what was decided only because the parcel seemed lost. */
export async function cancelOnDelivery(
  trx: CompensationDbExecutor,
  shipmentIds: readonly string[],
  reason: string,
  at: Date,
): Promise<Compensation[]> {
  if (shipmentIds.length === 0) return [];
  return trx
    .updateTable('compensations')
    .set({ status: 'cancelled', cancelled_reason: reason, updated_at: at })
    .where('shipment_id', 'in', [...new Set(shipmentIds)])
    .where('cancel_on_delivery', '=', true)
    .where('status', 'in', ['pending', 'approved'])
    .returningAll()
    .execute();
}

export async function findCompensation(db: CompensationDbExecutor, id: string): Promise<Compensation | undefined> {
  return db.selectFrom('compensations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Holds the row until the transaction ends, so an approval and a rejection cannot both win. */
export async function lockCompensation(trx: Transaction<Database>, id: string): Promise<Compensation | undefined> {
  return trx.selectFrom('compensations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export interface ApprovalRecord {
  approver: string;
  role: 'system' | 'supervisor' | 'manager';
  at: Date;
}

/** pending -> approved; returns undefined if it was no longer pending. */
export async function recordApproval(
  trx: CompensationDbExecutor,
  id: string,
  approval: ApprovalRecord & { evidence: readonly string[] },
): Promise<Compensation | undefined> {
  return trx
    .updateTable('compensations')
    .set({
      status: 'approved',
      approver: approval.approver,
      approver_role: approval.role,
      approved_at: approval.at,
      evidence: JSON.stringify(approval.evidence),
      updated_at: approval.at,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

/** pending -> rejected; returns undefined if it was no longer pending. */
export async function recordRejection(
  trx: CompensationDbExecutor,
  id: string,
  rejection: ApprovalRecord & { reason: string },
): Promise<Compensation | undefined> {
  return trx
    .updateTable('compensations')
    .set({ status: 'rejected', approver: rejection.approver, approver_role: rejection.role, rejected_reason: rejection.reason, updated_at: rejection.at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

export type DueExecution = Compensation & { order_id: string; shipment_status: MilestoneColumn };

/**
 * Claims approved compensations that are due (never tried, or their backoff has passed), and
 * executions whose lease expired (the worker crashed between the marketplace call and its
 * commit), marking them executing. SKIP LOCKED lets several workers share the queue; the
 * execution key stays the same across retries.
 */
export async function claimDueExecutions(
  trx: Transaction<Database>,
  options: { now: Date; leaseExpiredBefore: Date; limit: number },
): Promise<DueExecution[]> {
  const due = await trx
    .selectFrom('compensations as c')
    .innerJoin('shipments as s', 's.id', 'c.shipment_id')
    .selectAll('c')
    .select(['s.order_id', 's.status as shipment_status'])
    .where((eb) =>
      eb.or([
        eb.and([eb('c.status', '=', 'approved'), eb.or([eb('c.next_attempt_at', 'is', null), eb('c.next_attempt_at', '<=', options.now)])]),
        eb.and([eb('c.status', '=', 'executing'), eb('c.execution_claimed_at', '<', options.leaseExpiredBefore)]),
      ]),
    )
    .orderBy('c.decided_at')
    .limit(options.limit)
    .forUpdate('c')
    .skipLocked()
    .execute();
  if (due.length === 0) return [];
  await trx
    .updateTable('compensations')
    .set((eb) => ({ status: 'executing', execution_claimed_at: options.now, execution_attempts: eb('execution_attempts', '+', 1), updated_at: options.now }))
    .where('id', 'in', due.map((row) => row.id))
    .execute();
  return due.map((row) => ({ ...row, status: 'executing', execution_claimed_at: options.now, execution_attempts: row.execution_attempts + 1 }));
}

/** executing -> executed; returns undefined if another worker finished it first. */
export async function markExecuted(
  trx: CompensationDbExecutor,
  id: string,
  result: { externalRef: string | null; at: Date },
): Promise<Compensation | undefined> {
  return trx
    .updateTable('compensations')
    .set({ status: 'executed', external_ref: result.externalRef, executed_at: result.at, error: null, updated_at: result.at })
    .where('id', '=', id)
    .where('status', '=', 'executing')
    .returningAll()
    .executeTakeFirst();
}

/**
 * A failed attempt. `retryAt` set: back to approved, due again then (same key); the first
 * failure of a run is kept as the start of the give-up horizon. `retryAt` null: failed for
 * good (refused by the marketplace, or retried past the horizon). Returns undefined if the row
 * was no longer executing.
 */
export async function markExecutionFailed(
  trx: CompensationDbExecutor,
  id: string,
  failure: { error: string; errorClass: 'retriable' | 'refused' | 'gave_up'; retryAt: Date | null; at: Date },
): Promise<Compensation | undefined> {
  const retry = failure.retryAt !== null;
  return trx
    .updateTable('compensations')
    .set((eb) => ({
      status: retry ? 'approved' : 'failed',
      error: failure.error.slice(0, 2000),
      last_error_class: failure.errorClass,
      next_attempt_at: failure.retryAt,
      first_failed_at: eb.fn.coalesce('first_failed_at', eb.val(failure.at)),
      updated_at: failure.at,
    }))
    .where('id', '=', id)
    .where('status', '=', 'executing')
    .returningAll()
    .executeTakeFirst();
}

/**
 * failed -> approved, due at once with a fresh retry horizon and the same execution key: if an
 * earlier attempt did reach the marketplace, the retry gets its first answer and pays nothing.
 * Returns undefined if the row was not failed.
 */
export async function reopenFailedExecution(trx: CompensationDbExecutor, id: string, at: Date): Promise<Compensation | undefined> {
  return trx
    .updateTable('compensations')
    .set({ status: 'approved', execution_attempts: 0, next_attempt_at: null, first_failed_at: null, execution_claimed_at: null, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .returningAll()
    .executeTakeFirst();
}

/** executing -> cancelled, when the worker finds the parcel delivered before paying. */
export async function cancelExecution(trx: CompensationDbExecutor, id: string, reason: string, at: Date): Promise<Compensation | undefined> {
  return trx
    .updateTable('compensations')
    .set({ status: 'cancelled', cancelled_reason: reason, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'executing')
    .returningAll()
    .executeTakeFirst();
}

/** True for a green-channel decision; sorted descending, those come first. */
const greenFirst = sql<boolean>`channel = 'green'`;

/**
 * The ops queue. Pending ones come as a queue: green-channel (VIP) cases first, the sellers'
 * rule being that they are handled first, then oldest first. Any other listing: newest first.
 */
export async function listCompensations(
  db: CompensationDbExecutor,
  filter: { status?: CompensationStatus; merchantId?: string; merchantIds?: readonly string[]; shipmentId?: string; limit: number },
): Promise<Compensation[]> {
  let query = db.selectFrom('compensations').selectAll();
  // The caller's merchants (an API key's scope); an empty scope sees nothing.
  if (filter.merchantIds !== undefined) {
    if (filter.merchantIds.length === 0) return [];
    query = query.where('merchant_id', 'in', [...filter.merchantIds]);
  }
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.merchantId !== undefined) query = query.where('merchant_id', '=', filter.merchantId);
  if (filter.shipmentId !== undefined) query = query.where('shipment_id', '=', filter.shipmentId);
  const ordered =
    filter.status === 'pending'
      ? query.orderBy(greenFirst, 'desc').orderBy('decided_at', 'asc')
      : query.orderBy('decided_at', 'desc');
  return ordered.orderBy('id').limit(filter.limit).execute();
}
