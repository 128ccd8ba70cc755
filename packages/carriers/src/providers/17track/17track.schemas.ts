import { z } from 'zod';

/** Lenient: 17TRACK fills most fields with null, and `carrier` arrives as int or string. */
const idSchema = z.union([z.number(), z.string()]);
const text = z.string().nullish();

export const addressSchema = z
  .object({ country: text, state: text, city: text, street: text, postal_code: text })
  .nullish();

export const eventSchema = z.object({
  time_iso: text,
  time_utc: text,
  time_raw: z.object({ date: text, time: text, timezone: text }).nullish(),
  description: text,
  location: text,
  stage: text,
  sub_status: text,
  address: addressSchema,
});
export type SeventeenTrackEvent = z.infer<typeof eventSchema>;

const trackInfoSchema = z.object({
  time_metrics: z
    .object({ estimated_delivery_date: z.object({ source: text, from: text, to: text }).nullish() })
    .nullish(),
  latest_status: z.object({ status: text, sub_status: text, sub_status_descr: text }).nullish(),
  tracking: z
    .object({
      providers: z
        .array(
          z.object({
            provider: z.object({ key: idSchema.nullish(), name: text, country: text }).nullish(),
            events: z.array(eventSchema).nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
});

export const acceptedItemSchema = z.object({
  number: z.string().min(1),
  carrier: idSchema.nullish(),
  track_info: trackInfoSchema.nullish(),
});
export type SeventeenTrackItem = z.infer<typeof acceptedItemSchema>;

export const rejectedItemSchema = z.object({
  number: z.string().min(1),
  carrier: idSchema.nullish(),
  error: z.object({ code: idSchema, message: text }),
});

export const gettrackinfoSchema = z.object({
  code: idSchema,
  data: z
    .object({
      accepted: z.array(acceptedItemSchema).nullish(),
      rejected: z.array(rejectedItemSchema).nullish(),
      errors: z.array(z.object({ code: idSchema, message: text })).nullish(),
    })
    .nullish(),
});

export const webhookSchema = z.object({
  event: z.string(),
  data: acceptedItemSchema,
});
