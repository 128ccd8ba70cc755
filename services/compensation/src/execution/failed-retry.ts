import type { Compensation, Database } from '@parcelwatch/db';
import { appendAudit, lockCompensation, reopenFailedExecution } from '@parcelwatch/db';
import type { Clock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';

export type RetryRefusal = 'not_found' | 'not_failed';

/** Why a retry was refused; the api answers 404 / 409 with it, the CLI prints it. */
export class RetryError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: RetryRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'RetryError';
  }
}

export interface RetryRequest {
  compensationId: string;
  /** Who asks: `key:<id>` from the api, `cli` from the command line. */
  actor: string;
  /** The caller's merchants (an API key's scope); null: every merchant (the operator, the CLI). */
  merchantIds: readonly string[] | null;
}

/**
 * An approver sends a failed compensation back to execution: failed -> approved, due at once,
 * with a fresh retry horizon and the same execution key (a payout that did reach the
 * marketplace before is answered again, not paid again). Audited in the same transaction with
 * who, when and the failure being retried; the api route and the CLI both come here.
 */
export async function retryFailedCompensation(deps: { db: Kysely<Database>; clock: Clock }, request: RetryRequest): Promise<Compensation> {
  return deps.db.transaction().execute(async (trx) => {
    const row = await lockCompensation(trx, request.compensationId);
    // Another merchant's compensation is answered as unknown, not as forbidden: its existence is not the caller's business.
    if (row === undefined || (request.merchantIds !== null && !request.merchantIds.includes(row.merchant_id))) {
      throw new RetryError('not_found', `no compensation ${request.compensationId}`);
    }
    const at = deps.clock.now().toJSDate();
    const reopened = await reopenFailedExecution(trx, row.id, at);
    if (reopened === undefined) throw new RetryError('not_failed', `compensation ${row.id} is ${row.status}, not failed: there is nothing to retry`);
    await appendAudit(trx, {
      at,
      actor: request.actor,
      action: 'compensation.retried',
      targetType: 'compensation',
      targetId: row.id,
      merchantId: row.merchant_id,
      details: { shipmentId: row.shipment_id, tier: row.tier, attempts: row.execution_attempts, errorClass: row.last_error_class, failedAt: row.updated_at.toISOString() },
    });
    return reopened;
  });
}
