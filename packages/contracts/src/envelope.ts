import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * CloudEvents-shaped envelope (spec 1.0 attribute names) with two extensions:
 * `merchantid` (tenant) and `traceparent` (W3C trace context).
 * `subject` is always the shipment id, which is also the Kafka message key.
 */
export const envelopeSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  type: z.string().regex(/^parcelwatch\.[a-z0-9_.]+\.v\d+$/, 'type must look like parcelwatch.<name>.v<version>'),
  source: z.string().min(1),
  subject: z.string().min(1),
  time: z.string().datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
  merchantid: z.string().min(1),
  traceparent: z.string().optional(),
  data: z.unknown(),
});

export type Envelope<TData = unknown> = Omit<z.infer<typeof envelopeSchema>, 'data'> & { data: TData };

export interface NewEnvelope<TData> {
  type: string;
  source: string;
  subject: string;
  merchantid: string;
  data: TData;
  /** Defaults to a random UUID; pass a deterministic id when the event must dedupe on replay. */
  id?: string;
  /** ISO-8601 instant; defaults to now. Pass the Clock's time in services. */
  time?: string;
  traceparent?: string;
}

export function createEnvelope<TData>(input: NewEnvelope<TData>): Envelope<TData> {
  return {
    specversion: '1.0',
    id: input.id ?? randomUUID(),
    type: input.type,
    source: input.source,
    subject: input.subject,
    time: input.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    merchantid: input.merchantid,
    ...(input.traceparent ? { traceparent: input.traceparent } : {}),
    data: input.data,
  };
}
