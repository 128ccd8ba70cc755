import { z } from 'zod';
import { compensationIdSchema, shipmentIdSchema } from '../ids.js';
import { nonNegativeMoneySchema } from '../money.js';
import { EVENT_TYPES } from '../topics.js';
import { actorSchema, compensationTierSchema, defineEvent, eventRefSchema, utcInstantSchema } from './common.schemas.js';

/** Topic `compensations`: decided -> approved | rejected; approved -> executed. */

export const COMPENSATION_ACTIONS = [
  'store_coupon',
  'free_shipping_voucher',
  'partial_refund',
  'full_refund',
  'reship',
  'priority_reship',
  'gift',
] as const;
export const compensationActionSchema = z.enum(COMPENSATION_ACTIONS);
export type CompensationAction = z.infer<typeof compensationActionSchema>;

/** Who must approve: automatic (fast channel), a supervisor (with evidence), or a manager. */
export const approvalLevelSchema = z.enum(['automatic', 'supervisor', 'manager']);
/** fast: small orders, no evidence; green: high-lifetime-spend buyer, reship first. */
export const compensationChannelSchema = z.enum(['fast', 'standard', 'green']);

/** What a compensation makes up for: the trigger that earned its tier. */
export const compensationCauseSchema = z.enum(['delay', 'damaged', 'lost', 'returning']);
export type CompensationCause = z.infer<typeof compensationCauseSchema>;

const compensationBase = {
  shipmentId: shipmentIdSchema,
  compensationId: compensationIdSchema,
  tier: compensationTierSchema,
  action: compensationActionSchema,
  /** Extra actions granted with the main one, e.g. a small gift with a tier-3 refund. */
  addOns: z.array(compensationActionSchema),
  /** Coupon value or refund amount; for a higher tier, only the difference to what was paid. Null for a reship. */
  amount: nonNegativeMoneySchema.nullable(),
  policyVersion: z.string().min(1),
  /** The policy rule that produced the decision, e.g. "tier2.partial_refund.30pct". */
  ruleFired: z.string().min(1),
  /** Absent on events published before the cause was carried (readers then fall back on the tier). */
  cause: compensationCauseSchema.optional(),
};

export const compensationDecidedDataSchema = z.object({
  ...compensationBase,
  approval: approvalLevelSchema,
  channel: compensationChannelSchema,
  evidenceRequired: z.boolean(),
  orderValue: nonNegativeMoneySchema.nullable(),
  /** The delay or exception event that triggered the decision. */
  trigger: eventRefSchema,
  /** The lower-tier compensation this one tops up, if any. */
  supersedes: compensationIdSchema.nullable(),
  decidedAt: utcInstantSchema,
});
export const compensationDecidedEventSchema = defineEvent(
  EVENT_TYPES.compensationDecided,
  compensationDecidedDataSchema,
);
export type CompensationDecidedEvent = z.infer<typeof compensationDecidedEventSchema>;

export const compensationApprovedDataSchema = z.object({
  ...compensationBase,
  approvedBy: actorSchema,
  approvedAt: utcInstantSchema,
});
export const compensationApprovedEventSchema = defineEvent(
  EVENT_TYPES.compensationApproved,
  compensationApprovedDataSchema,
);
export type CompensationApprovedEvent = z.infer<typeof compensationApprovedEventSchema>;

export const compensationRejectedDataSchema = z.object({
  ...compensationBase,
  rejectedBy: actorSchema,
  rejectedAt: utcInstantSchema,
  /** A reason code, e.g. "budget_cap_reached", "already_compensated", "evidence_insufficient". */
  reason: z.string().min(1),
});
export const compensationRejectedEventSchema = defineEvent(
  EVENT_TYPES.compensationRejected,
  compensationRejectedDataSchema,
);
export type CompensationRejectedEvent = z.infer<typeof compensationRejectedEventSchema>;

export const compensationExecutedDataSchema = z.object({
  ...compensationBase,
  executedAt: utcInstantSchema,
  /** The refund id, voucher id or reship order id in the merchant's system. */
  executionRef: z.string().min(1).nullable(),
});
export const compensationExecutedEventSchema = defineEvent(
  EVENT_TYPES.compensationExecuted,
  compensationExecutedDataSchema,
);
export type CompensationExecutedEvent = z.infer<typeof compensationExecutedEventSchema>;
