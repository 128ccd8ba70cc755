import { z } from 'zod';
import { envelopeSchema } from '../envelope.js';
import { checkpointIdSchema, countryCodeSchema, merchantIdSchema, providerSchema, shipmentIdSchema, snapshotIdSchema } from '../ids.js';
import type { ShipmentId } from '../ids.js';
import { withStatus } from '../taxonomy.js';
import type { EventType } from '../topics.js';

/** An instant in UTC ("2025-03-01T08:15:00Z", fractions allowed). Offsets are refused so instants compare as text. */
export const utcInstantSchema = z.iso.datetime().meta({ id: 'UtcInstant' });
/** A calendar date without a zone ("2025-03-14"), e.g. a promised delivery date in the buyer's zone. */
export const localDateSchema = z.iso.date().meta({ id: 'LocalDate' });
/** Wall-clock time where something happened, without an offset ("2025-03-01T16:15:00"). */
export const localDateTimeSchema = z.iso
  .datetime({ local: true })
  .refine((value) => !value.endsWith('Z'), 'must be a wall-clock time without Z or offset')
  .meta({ id: 'LocalDateTime' });
/** Lowercase hex SHA-256. */
export const sha256Schema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256')
  .meta({ id: 'Sha256' });
/** BCP 47 language tag as used for templates: "en", "en-US", "zh-Hans-CN". */
export const localeSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 tag like en-US')
  .meta({ id: 'Locale' });
/** IANA time zone name ("America/New_York", "UTC"). */
export const timeZoneSchema = z
  .string()
  .regex(/^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2})$/, 'must be an IANA time zone like Europe/Berlin')
  .meta({ id: 'TimeZone' });
export const trackingNumberSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{4,64}$/, 'must be 4 to 64 letters, digits or dashes')
  .meta({ id: 'TrackingNumber' });

/**
 * Compensation tiers (ARCHITECTURE.md "Compensation tiers"): 1 minor delay, 2 major delay or
 * light damage, 3 lost / destroyed / returned by carrier fault.
 */
export const compensationTierSchema = z.union([z.literal(1), z.literal(2), z.literal(3)]).meta({ id: 'CompensationTier' });
export type CompensationTier = z.infer<typeof compensationTierSchema>;

/** How a snapshot reached us: we polled the provider, or the provider pushed a webhook. */
export const snapshotSourceSchema = z.enum(['poll', 'webhook']).meta({ id: 'SnapshotSource' });
export type SnapshotSource = z.infer<typeof snapshotSourceSchema>;

/** A reference to the event that caused this one (for audit trails and appeal bundles). */
export const eventRefSchema = z.object({
  type: z.string().regex(/^parcelwatch\.[a-z0-9_.]+\.v\d+$/),
  id: z.string().min(1),
}).meta({ id: 'EventRef' });
export type EventRef = z.infer<typeof eventRefSchema>;

/** Who did something: the system (a rule, a sweep) or an ops user (an opaque user id, never a name). */
export const actorSchema = z.object({
  kind: z.enum(['system', 'user']),
  ref: z.string().min(1).nullable(),
}).meta({ id: 'Actor' });
export type Actor = z.infer<typeof actorSchema>;

/** A carrier facility or city. Parts the carrier did not give are null; `text` is its raw wording. */
export const locationSchema = z.object({
  city: z.string().nullable(),
  region: z.string().nullable(),
  postalCode: z.string().nullable(),
  countryCode: countryCodeSchema.nullable(),
  text: z.string().nullable(),
}).meta({ id: 'Location' });
export type Location = z.infer<typeof locationSchema>;

/**
 * A normalized checkpoint. `occurredAt` is the UTC instant. `localTime` is the wall-clock
 * time the carrier reported; `utcOffsetMinutes` its offset, or null with `zoneUnknown: true`
 * when the carrier gave no zone (then `occurredAt` is the normalizer's best guess from the
 * location, and ordering against other carriers' scans is approximate).
 */
export const checkpointSchema = withStatus({
  checkpointId: checkpointIdSchema,
  occurredAt: utcInstantSchema,
  localTime: localDateTimeSchema,
  utcOffsetMinutes: z.int().min(-720).max(840).nullable(),
  zoneUnknown: z.boolean(),
  location: locationSchema,
  rawCode: z.string().nullable(),
  rawText: z.string(),
  source: snapshotSourceSchema,
  provider: providerSchema,
  snapshotId: snapshotIdSchema,
}).superRefine((checkpoint, ctx) => {
  if (checkpoint.zoneUnknown !== (checkpoint.utcOffsetMinutes === null)) {
    ctx.addIssue({
      code: 'custom',
      path: ['zoneUnknown'],
      message: 'zoneUnknown must be true exactly when utcOffsetMinutes is null',
    });
  }
}).meta({ id: 'Checkpoint' });
export type Checkpoint = z.infer<typeof checkpointSchema>;

/**
 * An event schema: the envelope with its `type` fixed, `subject` and `merchantid` typed as ids,
 * and typed `data`. `subject` must equal `data.shipmentId` (it is also the Kafka key).
 */
export function defineEvent<const TType extends EventType, TData extends z.ZodType<{ shipmentId: ShipmentId }>>(
  type: TType,
  data: TData,
) {
  return envelopeSchema
    .extend({ type: z.literal(type), subject: shipmentIdSchema, merchantid: merchantIdSchema, data })
    .superRefine((event, ctx) => {
      // TypeScript cannot resolve `data` through the generic extend; TData guarantees it.
      const { data, subject } = event as unknown as { data: { shipmentId: ShipmentId }; subject: ShipmentId };
      if (subject !== data.shipmentId) {
        ctx.addIssue({ code: 'custom', path: ['subject'], message: 'subject must equal data.shipmentId' });
      }
    });
}
