import type { Compensation, Database } from '@parcelwatch/db';
import { enqueueOutbox, findCompensation, listCompensations, lockCompensation, recordApproval, recordRejection, type CompensationStatus, transactionWithOutbox } from '@parcelwatch/db';
import type { Clock } from '@parcelwatch/service-kit';
import type { Kysely, Transaction } from 'kysely';
import { approvedEvent, rejectedEvent, toOutbox } from '../compensation-events.js';
import { approvalFromDb } from '../domain/db-names.js';
import { retryFailedCompensation, type RetryRequest } from '../execution/failed-retry.js';
import { ApprovalError, assertEvidence, assertMayDecide, type ApproverRole } from './approval.rules.js';

/** The person deciding: from the API key when the api's access layer is on (see approval.routes.ts). */
export interface Approver {
  id: string;
  role: ApproverRole;
}

/** Runs inside the decision's transaction after the change (e.g. its audit entry): it commits with the decision or undoes it. */
export type InDecision = (trx: Transaction<Database>, decided: Compensation) => Promise<void>;

export interface ApprovalWorkflow {
  approve(compensationId: string, approver: Approver, evidence: readonly string[], inDecision?: InDecision): Promise<Compensation>;
  reject(compensationId: string, approver: Approver, reason: string, inDecision?: InDecision): Promise<Compensation>;
  /** failed -> approved for another run of attempts, audited (see failed-retry.ts). */
  retryFailed(request: RetryRequest): Promise<Compensation>;
  get(compensationId: string): Promise<Compensation | undefined>;
  list(filter: { status?: CompensationStatus; merchantId?: string; merchantIds?: readonly string[]; shipmentId?: string; limit?: number }): Promise<Compensation[]>;
}

/**
 * pending -> approved | rejected, by a user whose role matches the approval level, recorded with
 * the approver and published (approved / rejected events) in the same transaction.
 */
export function createApprovalWorkflow(deps: { db: Kysely<Database>; clock: Clock; compensationsTopic: string }): ApprovalWorkflow {
  async function decide(compensationId: string, approver: Approver, verdict: { approve: true; evidence: readonly string[] } | { approve: false; reason: string }, inDecision?: InDecision) {
    return transactionWithOutbox(deps.db, async (trx) => {
      const row = await lockCompensation(trx, compensationId);
      if (row === undefined) throw new ApprovalError('not_found', `no compensation ${compensationId}`);
      assertMayDecide({ compensationId, level: approvalFromDb(row.approval_level), status: row.status, role: approver.role });
      const at = deps.clock.now().toJSDate();
      if (verdict.approve) {
        assertEvidence({ compensationId, evidenceRequired: row.evidence_required, evidence: verdict.evidence });
        const approved = await recordApproval(trx, compensationId, { approver: approver.id, role: approver.role, at, evidence: verdict.evidence });
        if (approved === undefined) throw new ApprovalError('not_pending', `compensation ${compensationId} is no longer pending`);
        await enqueueOutbox(trx, toOutbox(deps.compensationsTopic, [approvedEvent(approved)]));
        await inDecision?.(trx, approved);
        return approved;
      }
      const rejected = await recordRejection(trx, compensationId, { approver: approver.id, role: approver.role, at, reason: verdict.reason });
      if (rejected === undefined) throw new ApprovalError('not_pending', `compensation ${compensationId} is no longer pending`);
      await enqueueOutbox(trx, toOutbox(deps.compensationsTopic, [rejectedEvent(rejected, verdict.reason, at)]));
      await inDecision?.(trx, rejected);
      return rejected;
    });
  }
  return {
    approve: (id, approver, evidence, inDecision) => decide(id, approver, { approve: true, evidence }, inDecision),
    reject: (id, approver, reason, inDecision) => decide(id, approver, { approve: false, reason }, inDecision),
    retryFailed: (request) => retryFailedCompensation(deps, request),
    get: (id) => findCompensation(deps.db, id),
    list: (filter) => listCompensations(deps.db, { ...filter, limit: Math.min(filter.limit ?? 100, 500) }),
  };
}
