import { storableStringSchema } from '@parcelwatch/contracts';
import type { Compensation } from '@parcelwatch/db';
import { actorOf, callerOf, canAccessMerchant, merchantScope, recordAudit, requireRole, type Principal } from '@parcelwatch/access';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isMoneyAction } from '../domain/decision.js';
import { actionFromDb, approvalFromDb } from '../domain/db-names.js';
import { ApprovalError, APPROVER_ROLES, type ApproverRole } from './approval.rules.js';
import type { Approver, ApprovalWorkflow, InDecision } from './approval.workflow.js';
import { RetryError } from '../execution/failed-retry.js';

/*
 * The approval queue over HTTP, behind the api's access layer (issue 7). The decider is the API
 * key: `key:<id>`, an approver key deciding as supervisor and an admin key as manager. The body's
 * `actor` is only a fallback where access is turned off (a route tested alone); with a
 * key it is ignored. Every route answers 404 for another merchant's compensation, and decisions
 * are written to the audit log. A failed payout is sent back to execution by an approver
 * (`POST /compensations/:id/retry`, 409 unless failed), audited too.
 */
const actorSchema = z.strictObject({ id: storableStringSchema().min(1).max(200), role: z.enum(APPROVER_ROLES) });
const approveBodySchema = z.strictObject({ actor: actorSchema.optional(), evidence: z.array(storableStringSchema().min(1).max(2000)).max(50).default([]) });
const rejectBodySchema = z.strictObject({ actor: actorSchema.optional(), reason: storableStringSchema().min(1).max(500) });
const DECIDING_KEYS: readonly Principal[] = ['approver', 'admin'];
const APPROVER_ROLE_OF_KEY: Partial<Record<Principal, ApproverRole>> = { approver: 'supervisor', admin: 'manager' };
const idParamsSchema = z.object({ id: z.uuid() });
const listQuerySchema = z.object({
  status: z.enum(['pending', 'approved', 'rejected', 'executing', 'executed', 'failed', 'cancelled']).optional(),
  merchantId: z.uuid().optional(),
  shipmentId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const HTTP_STATUS: Record<ApprovalError['code'], number> = { not_found: 404, forbidden_role: 403, not_pending: 409, evidence_required: 422 };

/** What the routes answer: the contract's names (store_coupon, automatic), money with its currency. */
export function compensationView(row: Compensation) {
  const action = actionFromDb(row.action);
  return {
    id: row.id,
    shipmentId: row.shipment_id,
    merchantId: row.merchant_id,
    tier: row.tier,
    status: row.status,
    action,
    addOns: row.add_ons,
    amount: isMoneyAction(action) ? { amountMinor: row.amount_minor, currency: row.currency.trim() } : null,
    channel: row.channel,
    approval: approvalFromDb(row.approval_level),
    evidenceRequired: row.evidence_required,
    evidence: row.evidence,
    policyVersion: row.policy_version,
    ruleFired: row.rule_fired,
    explanation: row.explanation,
    decidedAt: row.decided_at.toISOString(),
    approver: row.approver,
    approverRole: row.approver_role,
    approvedAt: row.approved_at?.toISOString() ?? null,
    rejectedReason: row.rejected_reason,
    cancelledReason: row.cancelled_reason,
    supersedes: row.supersedes_id,
    executedAt: row.executed_at?.toISOString() ?? null,
    externalRef: row.external_ref,
    execution: {
      attempts: row.execution_attempts,
      nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
      lastErrorClass: row.last_error_class,
      error: row.error,
    },
  };
}

function invalid(reply: FastifyReply, error: z.ZodError) {
  return reply.code(400).send({ error: 'invalid_request', message: error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') });
}

async function answer(reply: FastifyReply, work: () => Promise<Compensation>) {
  try {
    return reply.send(compensationView(await work()));
  } catch (err) {
    if (err instanceof ApprovalError) return reply.code(HTTP_STATUS[err.code]).send({ error: err.code, message: err.message });
    throw err;
  }
}

const notFound = (reply: FastifyReply, id: string) => reply.code(404).send({ error: 'not_found', message: `no compensation ${id}` });

/** The key decides when there is one; with access turned off, the body's actor, which is then required. */
function approverOf(request: FastifyRequest, bodyActor: Approver | undefined): Approver | null {
  const caller = callerOf(request);
  if (caller === null || caller.unrestricted === true) return bodyActor ?? null;
  const role = APPROVER_ROLE_OF_KEY[caller.role];
  return role === undefined ? null : { id: actorOf(request), role };
}

const actorMissing = (reply: FastifyReply) =>
  reply.code(400).send({ error: 'invalid_request', message: 'actor: required (id and role) when the server has no API keys' });

export function registerApprovalRoutes(app: FastifyInstance, workflow: ApprovalWorkflow): void {
  app.get('/compensations', async (request, reply) => {
    const query = listQuerySchema.safeParse(request.query);
    if (!query.success) return invalid(reply, query.error);
    const scope = merchantScope(request);
    if (query.data.merchantId !== undefined && !canAccessMerchant(request, query.data.merchantId)) {
      return reply.code(403).send({ error: 'forbidden', message: `this API key is not scoped to merchant ${query.data.merchantId}` });
    }
    const rows = await workflow.list({ ...query.data, ...(scope === null ? {} : { merchantIds: scope }) });
    return reply.send({ items: rows.map(compensationView) });
  });
  app.get('/compensations/:id', async (request, reply) => {
    const params = idParamsSchema.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const row = await workflow.get(params.data.id);
    if (row === undefined || !canAccessMerchant(request, row.merchant_id)) return notFound(reply, params.data.id);
    return reply.send(compensationView(row));
  });
  // Approve and reject: the same checks (role, body, decider, merchant), then the decision and its audit entry.
  function decisionRoute<B extends { actor?: Approver | undefined }>(
    verb: 'approve' | 'reject',
    bodySchema: z.ZodType<B>,
    decide: (id: string, approver: Approver, body: B, inDecision: InDecision) => Promise<Compensation>,
    details: (body: B) => Record<string, unknown>,
  ): void {
    app.post(`/compensations/:id/${verb}`, async (request, reply) => {
      if (!requireRole(request, reply, DECIDING_KEYS)) return reply;
      const params = idParamsSchema.safeParse(request.params);
      if (!params.success) return invalid(reply, params.error);
      const body = bodySchema.safeParse(request.body);
      if (!body.success) return invalid(reply, body.error);
      const approver = approverOf(request, body.data.actor);
      if (approver === null) return actorMissing(reply);
      const existing = await workflow.get(params.data.id);
      if (existing === undefined || !canAccessMerchant(request, existing.merchant_id)) return notFound(reply, params.data.id);
      return answer(reply, async () =>
        // The audit entry is written in the decision's transaction: both commit or neither.
        decide(params.data.id, approver, body.data, (trx, row) =>
          recordAudit(
            request,
            {
              action: verb === 'approve' ? 'compensation.approved' : 'compensation.rejected',
              targetType: 'compensation',
              targetId: row.id,
              merchantId: row.merchant_id,
              details: { shipmentId: row.shipment_id, tier: row.tier, approval: row.approval_level, approverRole: approver.role, ...details(body.data) },
            },
            trx,
          ),
        ),
      );
    });
  }
  app.post('/compensations/:id/retry', async (request, reply) => {
    if (!requireRole(request, reply, DECIDING_KEYS)) return reply;
    const params = idParamsSchema.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    try {
      const reopened = await workflow.retryFailed({ compensationId: params.data.id, actor: actorOf(request), merchantIds: merchantScope(request) });
      return reply.send(compensationView(reopened));
    } catch (err) {
      if (err instanceof RetryError) return reply.code(err.code === 'not_found' ? 404 : 409).send({ error: err.code, message: err.message });
      throw err;
    }
  });
  decisionRoute('approve', approveBodySchema, (id, approver, body, inDecision) => workflow.approve(id, approver, body.evidence, inDecision), (body) => ({ evidenceCount: body.evidence.length }));
  decisionRoute('reject', rejectBodySchema, (id, approver, body, inDecision) => workflow.reject(id, approver, body.reason, inDecision), (body) => ({ reason: body.reason }));
}
