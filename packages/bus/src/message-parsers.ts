import { envelopeSchema, type Envelope } from '@parcelwatch/contracts';
import type { RawMessage } from './event-bus.js';

export type ParseOutcome<T> = { ok: true; event: T } | { ok: false; reason: string };

/**
 * Turns a message's bytes into what the handler receives. It must not throw: a failure's
 * `reason` goes into the `dlq-reason` header and the message goes to `<topic>.dlq`, so one
 * malformed message never blocks its partition.
 */
export type MessageParser<T> = (value: Buffer | null, message: RawMessage) => ParseOutcome<T>;

/** The subset of a zod schema the parsers need (keeps zod out of this package's API). */
export interface SafeParseSchema<T> {
  safeParse(value: unknown):
    | { success: true; data: T }
    | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } };
}

const MAX_REASON_LENGTH = 1000;

function truncate(text: string): string {
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
}

export function decodeJson(value: Buffer | null): ParseOutcome<unknown> {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty message: no value' };
  try {
    return { ok: true, event: JSON.parse(value.toString('utf8')) as unknown };
  } catch (err) {
    return { ok: false, reason: `not valid JSON: ${(err as Error).message}` };
  }
}

function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.')}: ${issue.message}`)
    .join('; ');
}

/** JSON, then `schema`. */
export function schemaParser<T>(schema: SafeParseSchema<T>, label = 'message'): MessageParser<T> {
  return (value) => {
    const decoded = decodeJson(value);
    if (!decoded.ok) return decoded;
    const result = schema.safeParse(decoded.event);
    if (result.success) return { ok: true, event: result.data };
    return { ok: false, reason: truncate(`invalid ${label}: ${describeIssues(result.error.issues)}`) };
  };
}

/**
 * The default: any CloudEvents-shaped envelope. Services that know their topic should pass
 * `(value, m) => parseEvent(m.topic, value)` from @parcelwatch/contracts to validate `data` too.
 */
export function envelopeParser(): MessageParser<Envelope> {
  return schemaParser(envelopeSchema as SafeParseSchema<Envelope>, 'envelope');
}

/** No parsing at all: the handler gets the bytes (DLQ readers, tooling). */
export function rawParser(): MessageParser<Buffer | null> {
  return (value) => ({ ok: true, event: value });
}
