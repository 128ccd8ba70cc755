import { z } from 'zod';
import { buyerIdSchema, carrierCodeSchema, contactIdSchema, countryCodeSchema, providerSchema, shipmentIdSchema } from '../ids.js';
import { moneySchema, nonNegativeMoneySchema } from '../money.js';
import { EVENT_TYPES } from '../topics.js';
import {
  defineEvent,
  localDateSchema,
  localeSchema,
  timeZoneSchema,
  trackingNumberSchema,
  utcInstantSchema,
} from './common.schemas.js';

/** Topic `shipments`: a merchant registered a shipment, or corrected it. */

export const marketplaceSchema = z.enum(['tiktok_shop', 'amazon', 'shopify', 'ebay', 'other']);
export const registrationSourceSchema = z.enum(['api', 'csv', 'cli', 'marketplace']);

/**
 * What we know of the buyer, without PII: email, phone, name and address stay in the
 * database's contact record, referenced by `contactId`. Locale and zone drive templates and
 * quiet hours; lifetime spend drives the green channel in compensation (which reads the
 * buyer's current spend when it decides, not this snapshot).
 */
export const buyerProfileSchema = z.object({
  contactId: contactIdSchema.nullable(),
  /** The buyer across this merchant's orders; null (or absent, before buyers existed) without an email or E.164 phone. */
  buyerId: buyerIdSchema.nullable().optional(),
  locale: localeSchema.nullable(),
  timeZone: timeZoneSchema.nullable(),
  /**
   * The buyer's lifetime spend with the merchant once this order is counted (the seller's
   * history included), when it was all paid in one currency, as it nearly always is. Null
   * without an identified buyer, without any known amount, or with spend in several currencies
   * (then see `lifetimeSpendByCurrency`).
   */
  lifetimeSpend: nonNegativeMoneySchema.nullable(),
  /** Every currency's amount of the same total, currencies in code order; empty without a known amount. */
  lifetimeSpendByCurrency: z.array(nonNegativeMoneySchema).optional(),
  /** The buyer's orders with the merchant, this one and the seller's history included. */
  orderCount: z.int().min(0).nullable().optional(),
}).meta({ id: 'BuyerProfile' });

export const shipmentRegisteredDataSchema = z.object({
  shipmentId: shipmentIdSchema,
  /** The merchant's (or marketplace's) order number. */
  orderRef: z.string().min(1).max(128),
  marketplace: marketplaceSchema.nullable(),
  trackingNumber: trackingNumberSchema,
  /** Null when the merchant did not say; the poller detects it from the tracking number. */
  carrier: carrierCodeSchema.nullable(),
  /** Null lets the poller choose the provider for the carrier. */
  provider: providerSchema.nullable(),
  originCountry: countryCodeSchema.nullable(),
  destinationCountry: countryCodeSchema,
  buyer: buyerProfileSchema,
  orderValue: nonNegativeMoneySchema.nullable(),
  /** Promised to the buyer at checkout; late = past the end of this day in the buyer's zone. */
  promisedDeliveryDate: localDateSchema.nullable(),
  shippedAt: utcInstantSchema.nullable(),
  registeredAt: utcInstantSchema,
  registrationSource: registrationSourceSchema,
});
export const shipmentRegisteredEventSchema = defineEvent(EVENT_TYPES.shipmentRegistered, shipmentRegisteredDataSchema);
export type ShipmentRegisteredEvent = z.infer<typeof shipmentRegisteredEventSchema>;

/** Only the fields that changed are present; `trackingActive: false` stops tracking (order cancelled). */
export const shipmentUpdatedDataSchema = z
  .object({
    shipmentId: shipmentIdSchema,
    updatedAt: utcInstantSchema,
    changes: z.object({
      trackingNumber: trackingNumberSchema.optional(),
      carrier: carrierCodeSchema.nullable().optional(),
      provider: providerSchema.nullable().optional(),
      promisedDeliveryDate: localDateSchema.nullable().optional(),
      orderValue: moneySchema.nullable().optional(),
      buyer: buyerProfileSchema.partial().optional(),
      trackingActive: z.boolean().optional(),
    }),
  })
  .refine((data) => Object.values(data.changes).some((value) => value !== undefined), {
    path: ['changes'],
    message: 'changes must contain at least one field',
  });
export const shipmentUpdatedEventSchema = defineEvent(EVENT_TYPES.shipmentUpdated, shipmentUpdatedDataSchema);
export type ShipmentUpdatedEvent = z.infer<typeof shipmentUpdatedEventSchema>;
