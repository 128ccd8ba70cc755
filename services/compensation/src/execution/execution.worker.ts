import type { Database, DueExecution } from '@parcelwatch/db';
import { cancelExecution, claimDueExecutions, enqueueOutbox, markExecuted, markExecutionFailed, transactionWithOutbox } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import type { Clock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { SYSTEM_ACTOR, executedEvent, rejectedEvent, toOutbox } from '../compensation-events.js';
import { isMoneyAction } from '../domain/decision.js';
import { actionFromDb, currencyFromDb } from '../domain/db-names.js';
import { dispatchExecution, ExecutionError, type CompensationExecutor, type ExecutionOrder } from './executor.js';
import { DEFAULT_RETRY_SCHEDULE, nextAttemptAt, type RetrySchedule } from './retry.schedule.js';

export interface ExecutionWorkerDeps {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  executor: CompensationExecutor;
  compensationsTopic: string;
  /** How long an execution may stay unfinished before another worker retries it (same key). Default 5 min. */
  leaseMs?: number;
  batchSize?: number;
  /** Backoff of retriable failures and the horizon after which one is failed for an approver to retry. */
  retry?: Partial<RetrySchedule>;
  /** Jitter source, in [0, 1) (tests pin it). */
  random?: () => number;
}

export interface ExecutionRound {
  executed: number;
  cancelled: number;
  failed: number;
  retryLater: number;
}

function orderOf(row: DueExecution): ExecutionOrder {
  const action = actionFromDb(row.action);
  return {
    compensationId: row.id,
    executionKey: row.execution_key,
    shipmentId: row.shipment_id,
    merchantId: row.merchant_id,
    orderId: row.order_id,
    tier: row.tier as ExecutionOrder['tier'],
    action,
    addOns: row.add_ons as ExecutionOrder['addOns'],
    amount: isMoneyAction(action) ? { amountMinor: row.amount_minor, currency: currencyFromDb(row.currency) } : null,
  };
}

/**
 * Pays approved compensations. Claim (approved -> executing, with a lease) and commit
 * (executing -> executed + event) are separate transactions around the marketplace call, so a
 * crash in between leaves the row executing; once the lease expires it is claimed again and the
 * call repeated with the same execution key, which the marketplace answers without paying twice.
 * A retriable failure (the marketplace down, slow or overloaded) is tried again with backoff
 * until the retry horizon has passed; a refusal fails at once.
 */
export function createExecutionWorker(deps: ExecutionWorkerDeps) {
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const schedule: RetrySchedule = { ...DEFAULT_RETRY_SCHEDULE, ...deps.retry };
  const logger = deps.logger.child({ component: 'compensation-execution' });

  async function runOnce(): Promise<ExecutionRound> {
    const round: ExecutionRound = { executed: 0, cancelled: 0, failed: 0, retryLater: 0 };
    const now = deps.clock.now();
    const claimed = await deps.db
      .transaction()
      .execute((trx) => claimDueExecutions(trx, { now: now.toJSDate(), leaseExpiredBefore: now.minus({ milliseconds: leaseMs }).toJSDate(), limit: deps.batchSize ?? 20 }));
    for (const row of claimed) {
      const at = () => deps.clock.now().toJSDate();
      if (row.cancel_on_delivery && row.shipment_status === 'delivered') {
        // Delivered before it was paid: a refund for a lost parcel is void (see the policy).
        await transactionWithOutbox(deps.db, async (trx) => {
          const cancelled = await cancelExecution(trx, row.id, 'delivered_before_execution', at());
          if (cancelled) await enqueueOutbox(trx, toOutbox(deps.compensationsTopic, [rejectedEvent(cancelled, 'delivered_before_execution', at(), SYSTEM_ACTOR)]));
        });
        round.cancelled += 1;
        continue;
      }
      try {
        const result = await dispatchExecution(deps.executor, orderOf(row));
        await transactionWithOutbox(deps.db, async (trx) => {
          const executed = await markExecuted(trx, row.id, { externalRef: result.externalRef, at: at() });
          if (executed) await enqueueOutbox(trx, toOutbox(deps.compensationsTopic, [executedEvent(executed)]));
        });
        round.executed += 1;
      } catch (err) {
        if (err instanceof ExecutionError) {
          const now = at();
          const retryAt = err.retriable ? nextAttemptAt(schedule, { attempts: row.execution_attempts, firstFailedAt: row.first_failed_at, now }, deps.random) : null;
          const errorClass = !err.retriable ? 'refused' : retryAt === null ? 'gave_up' : 'retriable';
          const error = errorClass === 'gave_up' ? `gave up after ${row.execution_attempts} attempts; last error: ${err.message}` : err.message;
          await markExecutionFailed(deps.db, row.id, { error, errorClass, retryAt, at: now });
          if (retryAt !== null) {
            logger.warn({ compensationId: row.id, attempts: row.execution_attempts, nextAttemptAt: retryAt.toISOString(), error: err.message }, 'compensation execution failed; retried later');
            round.retryLater += 1;
          } else {
            logger.error({ compensationId: row.id, attempts: row.execution_attempts, errorClass, error: err.message }, 'compensation execution failed; an approver may retry it');
            round.failed += 1;
          }
        } else {
          // Unknown state (did the marketplace apply it?): leave it executing; the lease retries it with the same key.
          logger.error({ compensationId: row.id, err }, 'compensation execution interrupted; retried when its lease expires');
          round.retryLater += 1;
        }
      }
    }
    return round;
  }

  return { runOnce };
}
export type ExecutionWorker = ReturnType<typeof createExecutionWorker>;
