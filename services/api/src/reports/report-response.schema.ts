import { EXCEPTION_KINDS, MILESTONES } from '@parcelwatch/contracts';
import { z } from 'zod';

/*
 * Response shapes of the report routes, for the OpenAPI document (the routes build plain
 * objects; tests pin the values). Field meanings: services/api/docs/reports.md.
 */

const instant = z.iso.datetime();
const date = z.iso.date();
const share = z.number().min(0).max(1).nullable().meta({ description: 'part / whole to four decimals; null when the whole is 0' });
const money = z.object({ amountMinor: z.int(), currency: z.string().length(3) });
const countMoney = z.object({ count: z.int(), amountMinor: z.int() });

export const errorResponse = z.object({ error: z.string(), message: z.string() });

export const stuckItem = z.object({
  shipmentId: z.uuid(),
  merchantId: z.uuid(),
  orderId: z.string(),
  trackingNumber: z.string(),
  carrier: z.string(),
  originCountry: z.string().nullable(),
  destinationCountry: z.string().nullable(),
  milestone: z.enum(MILESTONES),
  reason: z.string().nullable(),
  lastCheckpointAt: instant.nullable(),
  daysWithoutScan: z.int().meta({ description: 'Whole days since the last scan (or since registration when never scanned)' }),
  promisedDeliveryDate: date.nullable(),
  promisedDatePassed: z.boolean(),
  openExceptions: z.array(z.enum(EXCEPTION_KINDS)),
});
export const stuckPage = z.object({ items: z.array(stuckItem), nextCursor: z.string().nullable() });

const timelineEntry = z.object({
  occurredAt: instant,
  localTime: z.string().nullable().meta({ description: "The carrier's local wall time as it sent it" }),
  utcOffsetMinutes: z.int().nullable(),
  zoneUnknown: z.boolean(),
  localIso: z.string().nullable().meta({ description: 'The instant at the carrier\'s offset; null when the zone is unknown' }),
  milestone: z.enum(MILESTONES),
  reason: z.string().nullable(),
  location: z.object({ text: z.string().nullable(), city: z.string().nullable(), state: z.string().nullable(), country: z.string().nullable(), postalCode: z.string().nullable() }),
  rawCode: z.string().nullable(),
  rawText: z.string().nullable(),
  source: z.enum(['poll', 'webhook']),
  provider: z.string(),
});
const proofObject = z.object({ key: z.string(), downloadUrl: z.string().nullable().meta({ description: 'Presigned, valid 300 s; null without a blob store' }) });
export const shipmentDetail = z.object({
  shipment: z.object({ id: z.uuid(), merchantId: z.uuid(), orderId: z.string(), trackingNumber: z.string(), carrier: z.string(), milestone: z.enum(MILESTONES), pollProblem: z.string().nullable() }).loose(),
  timeline: z.array(timelineEntry),
  exceptions: z.array(z.object({ id: z.uuid(), kind: z.enum(EXCEPTION_KINDS), status: z.string(), openedAt: instant, resolvedAt: instant.nullable() }).loose()),
  notifications: z.array(z.object({ id: z.uuid(), trigger: z.string(), channel: z.string(), status: z.string(), sentAt: instant.nullable() }).loose()),
  compensations: z.array(z.object({ id: z.uuid(), tier: z.int(), status: z.string(), action: z.string(), amount: money }).loose()),
  proofs: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(['shipment', 'delivery', 'appeal']),
      manifestSha256: z.string(),
      manifest: proofObject,
      parts: z.array(proofObject.extend({ name: z.string(), sha256: z.string(), size: z.int(), contentType: z.string() })),
      linksExpireAt: instant.nullable(),
    }).loose(),
  ),
});

export const performanceReport = z.object({
  from: instant,
  to: instant,
  groupBy: z.enum(['lane', 'carrier']),
  rows: z.array(
    z.object({
      carrier: z.string(),
      originCountry: z.string().nullable(),
      destinationCountry: z.string().nullable(),
      shipments: z.int().meta({ description: 'Registered in the range (the cohort)' }),
      delivered: z.int(),
      onTimeRate: share,
      deliveredWithPromise: z.int(),
      medianTransitDays: z.number().nullable(),
      p90TransitDays: z.number().nullable(),
      transitMeasured: z.int(),
      exceptionRate: share,
      customsHoldRate: share,
      lostRate: share,
    }),
  ),
});

export const causesReport = z.object({
  since: instant,
  until: instant,
  weeks: z.array(
    z.object({
      weekStart: date,
      isoWeek: z.string(),
      exceptions: z.int(),
      causes: z.array(z.object({ carrier: z.string(), originCountry: z.string().nullable(), destinationCountry: z.string().nullable(), kind: z.enum(EXCEPTION_KINDS), exceptions: z.int(), share })),
    }),
  ),
});

export const compensationQueue = z.object({
  items: z.array(
    z.object({
      compensationId: z.uuid(),
      shipmentId: z.uuid(),
      tier: z.int(),
      action: z.string(),
      amount: money,
      approvalLevel: z.string(),
      decidedAt: instant,
      waitingHours: z.int(),
      approve: z.string().meta({ description: 'POST here to approve (the compensation routes)' }),
      reject: z.string(),
    }).loose(),
  ),
});

export const compensationCostReport = z.object({
  from: instant,
  to: instant,
  rows: z.array(z.object({ weekStart: date, tier: z.int(), carrier: z.string(), currency: z.string(), committed: countMoney, executed: countMoney, pending: countMoney })),
});

const slaFigures = z.object({
  exceptions: z.int(),
  toldWithin15m: z.int(),
  toldWithin24h: z.int(),
  toldLater: z.int(),
  notTold: z.int(),
  shareWithin15m: share,
  shareWithin24h: share,
});
export const responseSlaReport = z.object({ from: instant, to: instant, overall: slaFigures, byKind: z.array(slaFigures.extend({ kind: z.enum(EXCEPTION_KINDS) })) });
