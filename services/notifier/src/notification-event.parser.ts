import { decodeJson, schemaParser, type MessageParser, type SafeParseSchema } from '@parcelwatch/bus';
import {
  EVENT_TYPES,
  compensationApprovedEventSchema,
  compensationDecidedEventSchema,
  compensationExecutedEventSchema,
  compensationRejectedEventSchema,
  delayDetectedEventSchema,
  envelopeSchema,
  exceptionEscalatedEventSchema,
  exceptionOpenedEventSchema,
  exceptionResolvedEventSchema,
  milestoneReachedEventSchema,
  type Envelope,
} from '@parcelwatch/contracts';

/*
 * One parser for the four topics the notifier reads: it picks the schema by event type. Events
 * the notifier has no use for (checkpoints added, status changes) pass as bare envelopes and are
 * skipped; an unknown type or an invalid event goes to the DLQ.
 */

const schemas: Record<string, { safeParse: unknown }> = {
  [EVENT_TYPES.milestoneReached]: milestoneReachedEventSchema,
  [EVENT_TYPES.exceptionOpened]: exceptionOpenedEventSchema,
  [EVENT_TYPES.exceptionEscalated]: exceptionEscalatedEventSchema,
  [EVENT_TYPES.exceptionResolved]: exceptionResolvedEventSchema,
  [EVENT_TYPES.delayDetected]: delayDetectedEventSchema,
  [EVENT_TYPES.compensationDecided]: compensationDecidedEventSchema,
  [EVENT_TYPES.compensationApproved]: compensationApprovedEventSchema,
  [EVENT_TYPES.compensationRejected]: compensationRejectedEventSchema,
  [EVENT_TYPES.compensationExecuted]: compensationExecutedEventSchema,
};

/** On shipment.events, but nothing a buyer or a merchant webhook is told about. */
export const IGNORED_TYPES: ReadonlySet<string> = new Set([EVENT_TYPES.checkpointsAdded, EVENT_TYPES.statusChanged]);

const parsers = new Map<string, MessageParser<Envelope>>(
  Object.entries(schemas).map(([type, schema]) => [type, schemaParser(schema as unknown as SafeParseSchema<Envelope>, type)]),
);
const bareEnvelope = schemaParser(envelopeSchema as unknown as SafeParseSchema<Envelope>, 'envelope');

export const notifierEventParser: MessageParser<Envelope> = (value, message) => {
  const decoded = decodeJson(value);
  if (!decoded.ok) return decoded;
  const type = (decoded.event as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && IGNORED_TYPES.has(type)) return bareEnvelope(value, message);
  const parser = typeof type === 'string' ? parsers.get(type) : undefined;
  if (parser === undefined) return { ok: false, reason: `not an event the notifier reads (type ${JSON.stringify(type ?? null)})` };
  return parser(value, message);
};
