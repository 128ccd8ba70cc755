import type { Envelope } from '@parcelwatch/contracts';
import type { OutgoingRecord } from './event-bus.js';

/**
 * Messages are CloudEvents in structured mode (the whole envelope is the JSON value). The
 * `ce_*` headers repeat the routing attributes so tools and consumers can filter without
 * parsing the value.
 */
export const EVENT_HEADERS = {
  contentType: 'content-type',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  subject: 'ce_subject',
  traceparent: 'traceparent',
} as const;

export const CLOUDEVENTS_JSON = 'application/cloudevents+json; charset=utf-8';

export function envelopeHeaders(event: Envelope): Record<string, string> {
  return {
    [EVENT_HEADERS.contentType]: CLOUDEVENTS_JSON,
    [EVENT_HEADERS.id]: event.id,
    [EVENT_HEADERS.type]: event.type,
    [EVENT_HEADERS.source]: event.source,
    [EVENT_HEADERS.subject]: event.subject,
    ...(event.traceparent ? { [EVENT_HEADERS.traceparent]: event.traceparent } : {}),
  };
}

/** One record per envelope, keyed by `subject` (the shipment id) so a shipment's events stay in order. */
export function envelopeRecords(
  topic: string,
  events: readonly Envelope[],
  headers: Readonly<Record<string, string>> = {},
): OutgoingRecord[] {
  return events.map((event) => ({
    topic,
    key: event.subject,
    value: JSON.stringify(event),
    headers: { ...envelopeHeaders(event), ...headers },
  }));
}
