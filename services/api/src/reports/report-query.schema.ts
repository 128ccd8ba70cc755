import { EXCEPTION_KINDS, MILESTONES } from '@parcelwatch/contracts';
import { STUCK_SORTS } from '@parcelwatch/db';
import { z } from 'zod';

/*
 * Query strings of the report routes. Strict: an unknown parameter is a typo that would
 * silently widen a report, so it answers 400. These schemas also feed the OpenAPI document.
 */

const country = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 country code')
  .transform((code) => code.toUpperCase())
  .meta({ description: 'ISO 3166-1 alpha-2 country code (either case)', example: 'US' });

const booleanText = z.enum(['true', 'false']).transform((value) => value === 'true');

/** A date (UTC day) or an instant with an offset. */
export const instantOrDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).meta({
  description: 'A date YYYY-MM-DD (a UTC day) or an ISO 8601 instant with an offset',
  example: '2026-03-01',
});

export const STUCK_CSV_PAGE = 1_000;

export const stuckQuerySchema = z.strictObject({
  merchantId: z.uuid().optional(),
  carrier: z.string().min(1).max(64).optional().meta({ description: 'Carrier slug, e.g. yunexpress' }),
  origin: country.optional(),
  destination: country.optional(),
  milestone: z.enum(MILESTONES).optional().meta({ description: 'The shipment\'s current milestone' }),
  exceptionKind: z.enum(EXCEPTION_KINDS).optional().meta({ description: 'Only shipments with an open or escalated exception of this kind' }),
  minDays: z.coerce.number().int().min(0).max(3650).optional().meta({ description: 'Only shipments without a scan for at least this many days' }),
  promisedPassed: booleanText.optional().meta({ description: 'true: only shipments past their promised date; false: only those not past it' }),
  sort: z.enum(STUCK_SORTS).default('days_without_scan'),
  order: z.enum(['asc', 'desc']).optional().meta({ description: 'Default: desc for days_without_scan and last_checkpoint, asc for promised_date' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(512).optional().meta({ description: 'nextCursor of the previous page, with the same sort and order' }),
  format: z.enum(['json', 'csv']).default('json').meta({ description: 'csv streams every page as one text/csv download' }),
});
export type StuckQueryInput = z.output<typeof stuckQuerySchema>;

export const rangeQuerySchema = z.strictObject({
  from: instantOrDate.optional().meta({ description: 'Start, inclusive. Default: 90 days before `to`' }),
  to: instantOrDate.optional().meta({ description: 'End: a date includes that whole day, an instant is exclusive. Default: now' }),
  merchantId: z.uuid().optional(),
});

export const performanceQuerySchema = rangeQuerySchema.extend({
  carrier: z.string().min(1).max(64).optional(),
  origin: country.optional(),
  destination: country.optional(),
  groupBy: z.enum(['lane', 'carrier']).default('lane'),
});

export const causesQuerySchema = z.strictObject({
  weeks: z.coerce.number().int().min(1).max(52).default(4).meta({ description: 'ISO weeks up to and including the current one' }),
  top: z.coerce.number().int().min(1).max(100).default(10).meta({ description: 'Causes listed per week' }),
  merchantId: z.uuid().optional(),
});

export const queueQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  merchantId: z.uuid().optional(),
});

export const shipmentParamsSchema = z.strictObject({ id: z.uuid() });

/** One line per issue, as the shipment routes word their 400s. */
export function describeQueryIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(query)'}: ${issue.message}`).join('; ');
}
