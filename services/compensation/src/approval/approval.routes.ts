import type { Compensation } from '@parcelwatch/db';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { isMoneyAction } from '../domain/decision.js';
import { actionFromDb, approvalFromDb } from '../domain/db-names.js';
import { ApprovalError, APPROVER_ROLES } from './approval.rules.js';
import type { ApprovalWorkflow } from './approval.workflow.js';

/*
 * The approval queue over HTTP. Access control is issue 7 and does not exist yet: the actor's id
 * and role come in the request body, validated for shape only. Once API keys with roles exist,
 * the actor must come from the authenticated key instead, and these routes move behind it.
 */
const actorSchema = z.strictObject({ id: z.string().min(1).max(200), role: z.enum(APPROVER_ROLES) });
const approveBodySchema = z.strictObject({ actor: actorSchema, evidence: z.array(z.string().min(1).max(2000)).max(50).default([]) });
const rejectBodySchema = z.strictObject({ actor: actorSchema, reason: z.string().min(1).max(500) });
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

export function registerApprovalRoutes(app: FastifyInstance, workflow: ApprovalWorkflow): void {
  app.get('/compensations', async (request, reply) => {
    const query = listQuerySchema.safeParse(request.query);
    if (!query.success) return invalid(reply, query.error);
    return reply.send({ items: (await workflow.list(query.data)).map(compensationView) });
  });
  app.get('/compensations/:id', async (request, reply) => {
    const params = idParamsSchema.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const row = await workflow.get(params.data.id);
    if (row === undefined) return reply.code(404).send({ error: 'not_found', message: `no compensation ${params.data.id}` });
    return reply.send(compensationView(row));
  });
  app.post('/compensations/:id/approve', async (request, reply) => {
    const params = idParamsSchema.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const body = approveBodySchema.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    return answer(reply, () => workflow.approve(params.data.id, body.data.actor, body.data.evidence));
  });
  app.post('/compensations/:id/reject', async (request, reply) => {
    const params = idParamsSchema.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const body = rejectBodySchema.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    return answer(reply, () => workflow.reject(params.data.id, body.data.actor, body.data.reason));
  });
}
