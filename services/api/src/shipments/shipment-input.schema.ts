import { IANAZone } from 'luxon';
import { z } from 'zod';
import {
  carrierCodeSchema,
  countryCodeSchema,
  localDateSchema,
  localeSchema,
  isE164,
  normalizePhone,
  marketplaceSchema,
  nonNegativeMoneySchema,
  providerSchema,
  storableStringSchema,
  timeZoneSchema,
  utcInstantSchema,
} from '@parcelwatch/contracts';
import { normalizeTrackingNumber } from '@parcelwatch/carriers';

/** One shipment as a merchant registers it (JSON body or one CSV row). */

const trimmed = (max: number) =>
  storableStringSchema()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

const countrySchema = z
  .string()
  .transform((value) => value.trim().toUpperCase())
  .pipe(countryCodeSchema.meta({}));

const ianaZoneSchema = timeZoneSchema.refine((zone) => IANAZone.isValidZone(zone), 'must be a known IANA time zone');

const addressSchema = z.strictObject({
  line1: trimmed(200).optional(),
  line2: trimmed(200).optional(),
  city: trimmed(100).optional(),
  region: trimmed(100).optional(),
  postalCode: trimmed(20).optional(),
  country: countrySchema.optional(),
});

/**
 * What the buyer bought from the seller before parcelwatch (a shop's export): it counts towards
 * lifetime spend (the green channel) and the order count. Given again, for any order of the
 * buyer, the greater of the known and the given value is kept, per field and currency: never
 * added, so a replay or a re-upload changes nothing. Orders registered here must not be in it.
 */
const historySchema = z
  .strictObject({
    orders: z.int('must be a whole number').min(0).max(1_000_000).optional(),
    spend: nonNegativeMoneySchema.optional(),
  })
  .refine((history) => history.orders !== undefined || history.spend !== undefined, 'must give orders, spend or both')
  .meta({
    description:
      "The buyer's orders and spend with this seller before parcelwatch (not counting orders registered here). Needs buyer.email or an E.164 buyer.phone. " +
      'Given again, the greater of the known and the given value is kept (per currency), never added.',
  });

/** Contact details stay in buyer_contacts; only locale, zone and the buyer's key and spend reach events. */
const buyerSchema = z
  .strictObject({
    name: trimmed(200).optional(),
    email: z.email('must be an email address').max(254).optional(),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()-]{5,20}$/, 'must be a phone number like +1 555 123 4567')
      // Stored as SMS providers take it: +15551234567.
      .transform(normalizePhone)
      // A number without a country code is kept as typed (the SMS channel reports it); one with a
      // "+" is meant as E.164 and must be one, or every SMS to it fails later, silently for the seller.
      .refine((phone) => !phone.startsWith('+') || isE164(phone), 'with a "+", must be E.164: + and 7 to 15 digits, the first not 0')
      .optional(),
    address: addressSchema.optional(),
    locale: localeSchema.optional(),
    timezone: ianaZoneSchema.optional(),
    history: historySchema.optional(),
  })
  // A history belongs to a buyer identity (email, or an E.164 phone); without one it would be dropped unseen.
  .refine((buyer) => buyer.history === undefined || buyer.email !== undefined || (buyer.phone !== undefined && isE164(buyer.phone)), {
    path: ['history'],
    message: 'needs buyer.email or an E.164 buyer.phone: the history belongs to the buyer they identify',
  });

export const shipmentInputSchema = z.strictObject({
  merchantId: z.uuid('must be a UUID').transform((id) => id.toLowerCase()),
  orderId: trimmed(128),
  trackingNumber: z
    .string()
    .transform(normalizeTrackingNumber)
    .pipe(z.string().regex(/^[A-Z0-9]{4,64}$/, 'must be 4 to 64 letters or digits (spaces, dashes and dots are ignored)')),
  carrier: z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .pipe(carrierCodeSchema)
    .optional(),
  provider: providerSchema.default('17track'),
  originCountry: countrySchema.optional(),
  destinationCountry: countrySchema,
  promisedDeliveryDate: localDateSchema.optional(),
  shippedAt: utcInstantSchema.optional(),
  marketplace: marketplaceSchema.optional(),
  orderValue: nonNegativeMoneySchema.optional(),
  buyer: buyerSchema.optional(),
});
export type ShipmentInput = z.output<typeof shipmentInputSchema>;

/** Most shipments one request may register; larger uploads go through CSV import. */
export const MAX_SHIPMENTS_PER_REQUEST = 1_000;

export const bulkInputSchema = z.strictObject({
  shipments: z
    .array(z.unknown())
    .min(1, 'must contain at least one shipment')
    .max(MAX_SHIPMENTS_PER_REQUEST, `must contain at most ${MAX_SHIPMENTS_PER_REQUEST} shipments; split the batch or use CSV import`),
});

export interface FieldIssue {
  /** Dotted path into the item, e.g. "buyer.email" ("" for the item itself). */
  path: string;
  message: string;
}

export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
}

export function describeFieldIssues(issues: readonly FieldIssue[]): string {
  return issues.map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`)).join('; ');
}
