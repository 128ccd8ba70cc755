import { COMPENSATION_ACTIONS, moneySchema } from '@parcelwatch/contracts';
import { z } from 'zod';

/*
 * Every template's parameters, as zod schemas: the planner stores them in notifications.params
 * (never buyer PII: the address is read at send time) and the renderer validates them before use,
 * so a row written by an older notifier fails loudly rather than rendering "undefined".
 */

const instant = z.iso.datetime();
const localDate = z.iso.date();

/** What every message names: the order and parcel, and who is writing. */
export const commonParamsSchema = z.object({
  orderRef: z.string().min(1),
  trackingNumber: z.string().min(1),
  merchantName: z.string().min(1),
});
export type CommonParams = z.infer<typeof commonParamsSchema>;

export const offerSchema = z.object({
  action: z.enum(COMPENSATION_ACTIONS),
  /** Coupon value or refund amount; null for a reship. */
  amount: moneySchema.nullable(),
  addOns: z.array(z.enum(COMPENSATION_ACTIONS)),
});
export type Offer = z.infer<typeof offerSchema>;

const requirement = z.enum(['documents', 'duties']);

export const TEMPLATE_PARAM_SCHEMAS = {
  shipped: z.object({ estimatedDeliveryAt: instant.nullable() }),
  departed_origin_country: z.object({ originCountry: z.string().length(2).nullable() }),
  customs_cleared: z.object({}),
  out_for_delivery: z.object({ occurredAt: instant }),
  failed_attempt: z.object({ attempt: z.int().min(1), occurredAt: instant }),
  available_for_pickup: z.object({ pickupPoint: z.string().nullable() }),
  delivered: z.object({ deliveredAt: instant }),
  delay_notice: z.object({ referenceDate: localDate, daysLate: z.int().min(1) }),
  /** One apology per cause of the compensation (its `cause`): a delay, damage, a loss, a return by the carrier. */
  delay_apology: z.object({ offer: offerSchema }),
  damage_apology: z.object({ offer: offerSchema }),
  loss_apology: z.object({ offer: offerSchema }),
  return_apology: z.object({ offer: offerSchema }),
  customs_hold: z.object({}),
  customs_action_needed: z.object({ requirement }),
  customs_hold_reminder: z.object({ requirement: requirement.nullable() }),
  stalled: z.object({ daysWithoutScan: z.number().min(0) }),
  lost: z.object({}),
  damaged: z.object({}),
  returning: z.object({}),
  returned: z.object({}),
  pickup_uncollected: z.object({}),
  pickup_reminder: z.object({}),
  delivery_overdue: z.object({}),
} as const;

export type TemplateId = keyof typeof TEMPLATE_PARAM_SCHEMAS;
export const TEMPLATE_IDS = Object.keys(TEMPLATE_PARAM_SCHEMAS) as TemplateId[];
export type TemplateParams = { [K in TemplateId]: z.infer<(typeof TEMPLATE_PARAM_SCHEMAS)[K]> };

export function isTemplateId(value: string): value is TemplateId {
  return Object.hasOwn(TEMPLATE_PARAM_SCHEMAS, value);
}
