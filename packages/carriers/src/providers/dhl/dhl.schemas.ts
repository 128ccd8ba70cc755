import { z } from 'zod';
import { codeText } from '../../mapping/lenient-schemas.js';

const text = z.string().nullish();

const placeSchema = z
  .object({
    address: z
      .object({ countryCode: text, postalCode: text, addressLocality: text, streetAddress: text })
      .nullish(),
  })
  .nullish();

export const eventSchema = z.object({
  timestamp: z.string().min(1),
  location: placeSchema,
  statusCode: text,
  status: text,
  description: text,
  remark: text,
});
export type DhlEvent = z.infer<typeof eventSchema>;

export const shipmentSchema = z.object({
  // A string on the wire; karrio's sample shows a number.
  id: codeText.refine((id) => id.length > 0, 'expected a non-empty id'),
  service: text,
  origin: placeSchema,
  destination: placeSchema,
  status: eventSchema.partial({ timestamp: true }).nullish(),
  details: z.object({ pieceIds: z.array(codeText).nullish() }).nullish(),
  events: z.array(eventSchema).nullish(),
  estimatedTimeOfDelivery: text,
  estimatedDeliveryTimeFrame: z.object({ estimatedFrom: text, estimatedThrough: text }).partial().nullish(),
});
export type DhlShipment = z.infer<typeof shipmentSchema>;

export const responseSchema = z.object({ shipments: z.array(shipmentSchema) });

/** RFC 7807 problem detail. */
export const problemSchema = z.object({
  title: text,
  status: z.coerce.number(),
  detail: text,
  instance: text,
});
