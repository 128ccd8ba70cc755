import { z } from 'zod';
import { codeText } from '../../mapping/lenient-schemas.js';

const text = z.string().nullish();

export const eventSchema = z.object({
  eventType: text,
  eventTimestamp: z.string().min(1),
  GMTTimestamp: text,
  GMTOffset: text,
  eventCode: text,
  eventCity: text,
  eventState: text,
  eventZIP: text,
  eventZIPCode: text,
  eventCountry: text,
});
export type UspsEvent = z.infer<typeof eventSchema>;

export const detailSchema = z.object({
  trackingNumber: z.string().min(1),
  status: text,
  statusCategory: text,
  statusSummary: text,
  trackingEvents: z.array(eventSchema).nullish(),
  /** Tracking 3.0 estimate fields (`expectedDeliveryTimeStamp` is a zone-less local midnight). */
  expectedDeliveryTimeStamp: text,
  expectedDeliveryDate: text,
  predictedDeliveryDate: text,
  guaranteedDeliveryTimeStamp: text,
  /** v3r2: the same estimates grouped; `guaranteedDeliveryDate` may read "# Business Days". */
  deliveryDateExpectation: z
    .object({ expectedDeliveryDate: text, predictedDeliveryDate: text, guaranteedDeliveryDate: text })
    .partial()
    .nullish(),
});
export type UspsDetail = z.infer<typeof detailSchema>;

const errorDetailSchema = z.object({ code: codeText.nullish(), title: text, detail: text, status: codeText.nullish() });

/** Tracking 3.0 error body; also the `error` of a v3r2 404 item. */
export const errorSchema = z.object({
  code: codeText.nullish(),
  message: text,
  errors: z.array(errorDetailSchema).nullish(),
});

export const errorBodySchema = z.object({ apiVersion: text, error: errorSchema });

/** v3r2 207 item: `{statusCode:"404", trackingNumber, error}` mixed with details. */
export const batchErrorItemSchema = z.object({
  statusCode: codeText,
  trackingNumber: z.string().min(1),
  error: errorSchema.nullish(),
});
