import { z } from 'zod';
import { checkpointIdSchema, exceptionIdSchema, shipmentIdSchema } from '../ids.js';
import { milestoneStatusSchema } from '../taxonomy.js';
import { EVENT_TYPES } from '../topics.js';
import { actorSchema, defineEvent, utcInstantSchema } from './common.schemas.js';
import { EXCEPTION_FACTS_SCHEMAS } from './exception-facts.js';

/** Topic `shipment.exceptions`: the detector's exception lifecycle (opened -> escalated* -> resolved). */

/** ARCHITECTURE.md "Detection". */
export const EXCEPTION_KINDS = [
  'not_picked_up',
  'stalled',
  'customs_hold',
  'delivery_overdue',
  'failed_delivery',
  'pickup_uncollected',
  'returning',
  'lost',
  'damaged',
  'late',
] as const;
export const exceptionKindSchema = z.enum(EXCEPTION_KINDS);
export type ExceptionKind = z.infer<typeof exceptionKindSchema>;

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

const exceptionBase = {
  shipmentId: shipmentIdSchema,
  exceptionId: exceptionIdSchema,
  kind: exceptionKindSchema,
};

/**
 * An event's data for each kind, with that kind's facts (exception-facts.ts): a union keyed on
 * `kind`, so a reader that checks the kind gets typed facts.
 */
function perKind<S extends z.core.$ZodLooseShape>(shape: S) {
  const of = <K extends ExceptionKind>(kind: K) => z.object({ ...shape, kind: z.literal(kind), facts: EXCEPTION_FACTS_SCHEMAS[kind] });
  return z.discriminatedUnion('kind', [
    of('not_picked_up'),
    of('stalled'),
    of('customs_hold'),
    of('delivery_overdue'),
    of('failed_delivery'),
    of('pickup_uncollected'),
    of('returning'),
    of('lost'),
    of('damaged'),
    of('late'),
  ]);
}

const openedShape = {
  shipmentId: shipmentIdSchema,
  exceptionId: exceptionIdSchema,
  severity: severitySchema,
  openedAt: utcInstantSchema,
  /** Rule id and version, e.g. "stalled@v1:postal". */
  ruleFired: z.string().min(1),
  status: milestoneStatusSchema,
  lastCheckpointAt: utcInstantSchema.nullable(),
  /** The checkpoint that triggered it; null for time-driven rules (stalled, late, ...). */
  checkpointId: checkpointIdSchema.nullable(),
};
export const exceptionOpenedDataSchema = perKind(openedShape);
export const exceptionOpenedEventSchema = defineEvent(EVENT_TYPES.exceptionOpened, exceptionOpenedDataSchema);
export type ExceptionOpenedEvent = z.infer<typeof exceptionOpenedEventSchema>;

const escalatedShape = {
  shipmentId: shipmentIdSchema,
  exceptionId: exceptionIdSchema,
  fromSeverity: severitySchema,
  toSeverity: severitySchema,
  /** 1 for the first escalation. */
  level: z.int().min(1),
  escalatedAt: utcInstantSchema,
  ruleFired: z.string().min(1),
};
export const exceptionEscalatedDataSchema = perKind(escalatedShape);
export const exceptionEscalatedEventSchema = defineEvent(EVENT_TYPES.exceptionEscalated, exceptionEscalatedDataSchema);
export type ExceptionEscalatedEvent = z.infer<typeof exceptionEscalatedEventSchema>;

/**
 * - progressed: a newer checkpoint cleared it (customs released, a scan after a stall)
 * - delivered / returned: the journey ended
 * - manual: an ops user closed it
 * - superseded: a more specific exception replaced it (stalled -> lost)
 */
export const exceptionResolutionSchema = z.enum(['progressed', 'delivered', 'returned', 'manual', 'superseded']);

export const exceptionResolvedDataSchema = z.object({
  ...exceptionBase,
  resolution: exceptionResolutionSchema,
  resolvedAt: utcInstantSchema,
  resolvedBy: actorSchema,
  checkpointId: checkpointIdSchema.nullable(),
});
export const exceptionResolvedEventSchema = defineEvent(EVENT_TYPES.exceptionResolved, exceptionResolvedDataSchema);
export type ExceptionResolvedEvent = z.infer<typeof exceptionResolvedEventSchema>;
