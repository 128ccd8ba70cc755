import { z } from 'zod';
import type { ExceptionKind } from './exception.events.js';

/*
 * The measured facts behind each kind of exception: what the detector saw when its rule fired,
 * and what compensation, the notifier and ops read back. One schema per kind, so a consumer
 * reads `facts.cause` of a returning parcel as a typed value, not a guess at a string key.
 *
 * Facts grow over time: a field added after events were already published is optional (or
 * has a default), so an older event still parses.
 */

const hours = z.number().min(0);
const days = z.number().min(0);
/** How many reminders the persisting situation has earned (the exception's escalation level). */
const reminders = z.int().min(0);

/**
 * Why a parcel goes back to the sender. The first group is the carrier's fault (damaged or lost
 * in its hands, its label lost or unreadable, sent the wrong way, refused or given up by the
 * carrier itself); the second is not (the buyer refused it, the address failed, nobody
 * collected it, customs would not release it, the sender recalled it) or is not known.
 */
export const CARRIER_FAULT_RETURN_CAUSES = ['damaged', 'lost', 'label_unreadable', 'misrouted', 'carrier_error'] as const;
export const OTHER_RETURN_CAUSES = ['refused', 'address_issue', 'unclaimed', 'customs', 'sender_recall', 'unknown'] as const;
export const RETURN_CAUSES = [...CARRIER_FAULT_RETURN_CAUSES, ...OTHER_RETURN_CAUSES] as const;
export const returnCauseSchema = z.enum(RETURN_CAUSES);
export type ReturnCause = z.infer<typeof returnCauseSchema>;

export function isCarrierFaultReturn(cause: ReturnCause): boolean {
  return (CARRIER_FAULT_RETURN_CAUSES as readonly string[]).includes(cause);
}

/** Customs reasons that hold the parcel until someone acts (taxonomy's exception reasons). */
export const customsHoldReasonSchema = z.enum(['customs_hold', 'customs_documents_required', 'duties_unpaid']);

export const EXCEPTION_FACTS_SCHEMAS = {
  not_picked_up: z.object({ hoursWithoutScan: hours, thresholdHours: hours }),
  stalled: z.object({ daysWithoutScan: days, thresholdDays: days, postalLane: z.boolean().optional() }),
  /** Either the carrier's hold reason (at once) or hours of processing past the threshold. */
  customs_hold: z.object({
    carrierReason: customsHoldReasonSchema.optional(),
    hoursInCustoms: hours.optional(),
    thresholdHours: hours.optional(),
    /** Since the hold began (the carrier's hold scan, or the start of processing). */
    hoursHeld: hours.optional(),
    reminders: reminders.optional(),
  }),
  delivery_overdue: z.object({ hoursOutForDelivery: hours, thresholdHours: hours }),
  failed_delivery: z.object({ failedAttempts: z.int().min(0), lastReason: z.string().nullable() }),
  pickup_uncollected: z.object({ daysAtPickupPoint: days, thresholdDays: days, reminders: reminders.optional() }),
  /**
   * The cause read from the carrier's own codes and texts (see the detector's return-cause
   * classifier); `causeCode` is the carrier's raw code that showed it, `provider:code`.
   */
  returning: z.object({
    cause: returnCauseSchema.default('unknown'),
    carrierFault: z.boolean().default(false),
    causeCode: z.string().max(120).nullable().default(null),
  }),
  lost: z.object({ carrierReason: z.enum(['lost', 'destroyed']).optional(), daysWithoutScan: days.optional(), thresholdDays: days.optional() }),
  damaged: z.object({}),
  late: z.object({ daysLate: z.int().min(0), promisedDate: z.iso.date(), timeZone: z.string().min(1), tier: z.int().min(0).nullable() }),
} as const satisfies Record<ExceptionKind, z.ZodObject>;

export type ExceptionFactsSchemas = typeof EXCEPTION_FACTS_SCHEMAS;
type KindOf = ExceptionKind;
/** What a consumer reads (defaults applied). */
export type ExceptionFactsOf<K extends KindOf> = z.output<ExceptionFactsSchemas[K]>;
/** What a producer writes (defaulted fields may be left out). */
export type ExceptionFactsInput<K extends KindOf> = z.input<ExceptionFactsSchemas[K]>;
/** Any kind's facts, as a producer writes them. */
export type AnyExceptionFactsInput = { [K in KindOf]: ExceptionFactsInput<K> }[KindOf];

/** Validates facts for their kind (the detector before it emits; a reader of stored details). */
export function parseExceptionFacts<K extends KindOf>(kind: K, facts: unknown): ExceptionFactsOf<K> {
  return EXCEPTION_FACTS_SCHEMAS[kind].parse(facts) as ExceptionFactsOf<K>;
}

export function safeParseExceptionFacts<K extends KindOf>(kind: K, facts: unknown): { ok: true; facts: ExceptionFactsOf<K> } | { ok: false; reason: string } {
  const parsed = EXCEPTION_FACTS_SCHEMAS[kind].safeParse(facts);
  if (parsed.success) return { ok: true, facts: parsed.data as ExceptionFactsOf<K> };
  return { ok: false, reason: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(facts)'}: ${issue.message}`).join('; ') };
}
