import type { z } from 'zod';
import { createEnvelope } from '../envelope.js';
import type { MerchantId } from '../ids.js';
import { EVENT_TYPES, TOPICS, isTopicName, topicOfEventType } from '../topics.js';
import type { EventType, EventTypeOnTopic, TopicName } from '../topics.js';
import {
  compensationApprovedEventSchema,
  compensationDecidedEventSchema,
  compensationExecutedEventSchema,
  compensationRejectedEventSchema,
} from './compensation.events.js';
import { delayDetectedEventSchema } from './delay.events.js';
import { exceptionEscalatedEventSchema, exceptionOpenedEventSchema, exceptionResolvedEventSchema } from './exception.events.js';
import {
  notificationDeferredEventSchema,
  notificationFailedEventSchema,
  notificationSentEventSchema,
} from './notification.events.js';
import { proofStoredEventSchema } from './proof.events.js';
import { checkpointsAddedEventSchema, milestoneReachedEventSchema, statusChangedEventSchema } from './shipment-progress.events.js';
import { shipmentRegisteredEventSchema, shipmentUpdatedEventSchema } from './shipment.events.js';
import { trackingSnapshotCapturedEventSchema } from './tracking-snapshot.events.js';

const T = EVENT_TYPES;

export const eventSchemasByType = {
  [T.shipmentRegistered]: shipmentRegisteredEventSchema,
  [T.shipmentUpdated]: shipmentUpdatedEventSchema,
  [T.trackingSnapshotCaptured]: trackingSnapshotCapturedEventSchema,
  [T.checkpointsAdded]: checkpointsAddedEventSchema,
  [T.statusChanged]: statusChangedEventSchema,
  [T.milestoneReached]: milestoneReachedEventSchema,
  [T.exceptionOpened]: exceptionOpenedEventSchema,
  [T.exceptionEscalated]: exceptionEscalatedEventSchema,
  [T.exceptionResolved]: exceptionResolvedEventSchema,
  [T.delayDetected]: delayDetectedEventSchema,
  [T.notificationSent]: notificationSentEventSchema,
  [T.notificationFailed]: notificationFailedEventSchema,
  [T.notificationDeferred]: notificationDeferredEventSchema,
  [T.compensationDecided]: compensationDecidedEventSchema,
  [T.compensationApproved]: compensationApprovedEventSchema,
  [T.compensationRejected]: compensationRejectedEventSchema,
  [T.compensationExecuted]: compensationExecutedEventSchema,
  [T.proofStored]: proofStoredEventSchema,
} as const satisfies Record<EventType, z.ZodType>;

export type EventOf<TType extends EventType> = z.infer<(typeof eventSchemasByType)[TType]>;
export type EventData<TType extends EventType> = EventOf<TType>['data'];
export type ParcelwatchEvent = { [TType in EventType]: EventOf<TType> }[EventType];
export type EventOnTopic<N extends TopicName> = EventOf<EventTypeOnTopic<N>>;

export type ParseResult<TEvent> = { ok: true; event: TEvent } | { ok: false; reason: string };

const MAX_ISSUES_IN_REASON = 10;
const MAX_REASON_LENGTH = 2000;

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/** "data.checkpoints[0].reason: Invalid option ...; subject: ..." — short enough for a Kafka header. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, MAX_ISSUES_IN_REASON).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const more = issues.length > MAX_ISSUES_IN_REASON ? ` (and ${issues.length - MAX_ISSUES_IN_REASON} more)` : '';
  const text = `${shown.join('; ')}${more}`;
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
}

/** Accepts the Kafka message value as bytes or text, or an already-decoded JSON value. */
function decode(raw: unknown): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (raw === null || raw === undefined) return { ok: false, reason: 'empty message: no value' };
  const text = raw instanceof Uint8Array ? new TextDecoder().decode(raw) : typeof raw === 'string' ? raw : undefined;
  if (text === undefined) return { ok: true, value: raw };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: `not valid JSON: ${(err as Error).message}` };
  }
}

function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventSchemasByType, type);
}

function parseTyped(value: unknown, allowed: readonly string[] | null, topic: string | null): ParseResult<ParcelwatchEvent> {
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
    return { ok: false, reason: 'not an event: expected a JSON object with a string "type"' };
  }
  const type = (value as { type: string }).type;
  if (!isEventType(type)) {
    const where = topic === null ? '' : ` on topic "${topic}"`;
    const expected = allowed === null ? '' : ` (expected ${allowed.join(', ')})`;
    return { ok: false, reason: `unknown event type "${type}"${where}${expected}` };
  }
  if (allowed !== null && !allowed.includes(type)) {
    return { ok: false, reason: `event type "${type}" belongs on topic "${topicOfEventType(type)}", not "${topic}"` };
  }
  const result = eventSchemasByType[type].safeParse(value);
  if (!result.success) return { ok: false, reason: `invalid ${type}: ${describeIssues(result.error.issues)}` };
  return { ok: true, event: result.data as ParcelwatchEvent };
}

/**
 * Parses a message consumed from `topic`. Never throws: a failure's `reason` is meant for the
 * DLQ header and the log. A type that is valid but belongs to another topic is refused, so a
 * producer bug cannot smuggle events past a consumer that does not expect them.
 */
export function parseEvent<N extends TopicName>(topic: N, raw: unknown): ParseResult<EventOnTopic<N>>;
export function parseEvent(topic: string, raw: unknown): ParseResult<ParcelwatchEvent>;
export function parseEvent(topic: string, raw: unknown): ParseResult<ParcelwatchEvent> {
  if (!isTopicName(topic)) return { ok: false, reason: `unknown topic "${topic}"` };
  const decoded = decode(raw);
  if (!decoded.ok) return decoded;
  const spec = TOPICS.find((candidate) => candidate.name === topic);
  return parseTyped(decoded.value, spec?.eventTypes ?? [], topic);
}

/** Parses any known event, whatever topic it came from (tests, replays, the embedded bus). */
export function parseAnyEvent(raw: unknown): ParseResult<ParcelwatchEvent> {
  const decoded = decode(raw);
  if (!decoded.ok) return decoded;
  return parseTyped(decoded.value, null, null);
}

export interface NewEvent<TType extends EventType> {
  data: EventData<TType>;
  merchantid: MerchantId;
  /** The producing service, e.g. "parcelwatch/normalizer". */
  source: string;
  /** Pass a deterministic id (idFromName) when a replay must produce the same event. */
  id?: string;
  /** The Clock's time, ISO-8601. */
  time?: string;
  traceparent?: string;
}

/** Builds a typed event; `subject` is taken from `data.shipmentId`. Not validated: parse in tests. */
export function createEvent<TType extends EventType>(type: TType, input: NewEvent<TType>): EventOf<TType> {
  const data = input.data as { shipmentId: string };
  return createEnvelope({ ...input, type, subject: data.shipmentId }) as unknown as EventOf<TType>;
}
