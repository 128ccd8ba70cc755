import type { ApprovalLevel } from '../domain/decision.js';

/**
 * Who may decide a pending compensation. A manager may also decide what a supervisor could;
 * nobody approves an automatic one (it was approved when decided).
 */
export const APPROVER_ROLES = ['supervisor', 'manager'] as const;
export type ApproverRole = (typeof APPROVER_ROLES)[number];

export type ApprovalErrorCode = 'not_found' | 'forbidden_role' | 'not_pending' | 'evidence_required';

export class ApprovalError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: ApprovalErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApprovalError';
  }
}

const RANK: Record<ApproverRole, number> = { supervisor: 1, manager: 2 };
const NEEDED: Record<ApprovalLevel, number> = { automatic: 0, supervisor: 1, manager: 2 };

/** Throws an ApprovalError saying what is wrong; returns when `role` may decide a `level` compensation. */
export function assertMayDecide(input: { compensationId: string; level: ApprovalLevel; status: string; role: ApproverRole }): void {
  if (input.status !== 'pending') {
    throw new ApprovalError('not_pending', `compensation ${input.compensationId} is ${input.status}, not pending: there is nothing to decide`);
  }
  if (RANK[input.role] < NEEDED[input.level]) {
    throw new ApprovalError(
      'forbidden_role',
      `compensation ${input.compensationId} needs ${input.level} approval; the ${input.role} role cannot decide it`,
    );
  }
}

export function assertEvidence(input: { compensationId: string; evidenceRequired: boolean; evidence: readonly string[] }): void {
  if (input.evidenceRequired && input.evidence.length === 0) {
    throw new ApprovalError('evidence_required', `compensation ${input.compensationId} needs evidence (proof or message references) to be approved`);
  }
}
