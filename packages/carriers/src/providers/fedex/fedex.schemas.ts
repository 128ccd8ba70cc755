import { z } from 'zod';

const text = z.string().nullish();

const addressSchema = z
  .object({ city: text, stateOrProvinceCode: text, postalCode: text, countryCode: text, countryName: text })
  .nullish();

/**
 * Why FedEx says a shipment is late (fedex.md: type WEATHER|OPERATIONAL|LOCAL|GENERAL|CLEARANCE,
 * status DELAYED|ON_TIME|EARLY). Optional and advisory: a malformed one is dropped, not refused.
 */
const delayDetailSchema = z.object({ type: text, subType: text, status: text }).nullish().catch(null);
export type FedexDelayDetail = z.infer<typeof delayDetailSchema>;

export const scanEventSchema = z.object({
  date: z.string().min(1),
  eventType: text,
  eventDescription: text,
  exceptionCode: text,
  exceptionDescription: text,
  scanLocation: addressSchema,
  derivedStatusCode: text,
  derivedStatus: text,
  delayDetail: delayDetailSchema,
});
export type FedexScanEvent = z.infer<typeof scanEventSchema>;

const errorSchema = z.object({ code: z.string(), message: text });

export const trackResultSchema = z.object({
  trackingNumberInfo: z.object({ trackingNumber: z.string(), trackingNumberUniqueId: text, carrierCode: text }).nullish(),
  latestStatusDetail: z
    .object({ code: text, derivedCode: text, statusByLocale: text, description: text, scanLocation: addressSchema, delayDetail: delayDetailSchema })
    .nullish(),
  dateAndTimes: z.array(z.object({ type: text, dateTime: text })).nullish(),
  estimatedDeliveryTimeWindow: z.object({ window: z.object({ begins: text, ends: text }).nullish() }).nullish(),
  scanEvents: z.array(scanEventSchema).nullish(),
  error: errorSchema.nullish(),
});
export type FedexTrackResult = z.infer<typeof trackResultSchema>;

export const trackResponseSchema = z.object({
  output: z.object({
    completeTrackResults: z.array(z.object({ trackingNumber: z.string(), trackResults: z.array(trackResultSchema) })).nullish(),
    // The spec types alerts as objects; its own example and real responses send a string.
    alerts: z.union([z.string(), z.array(z.object({ code: text, alertType: text, message: text }))]).nullish(),
  }),
});

export const requestErrorSchema = z.object({ errors: z.array(errorSchema).min(1) });
