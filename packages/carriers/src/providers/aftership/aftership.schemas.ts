import { z } from 'zod';

const text = z.string().nullish();

export const checkpointSchema = z.object({
  checkpoint_time: z.string(),
  message: text,
  tag: text,
  subtag: text,
  raw_tag: text,
  location: text,
  city: text,
  state: text,
  zip: text,
  country_iso3: text,
  country_region: text,
  country_name: text,
  country_region_name: text,
});
export type AfterShipCheckpoint = z.infer<typeof checkpointSchema>;

/** The EDD objects of 2024-10 on; every field may be null. */
const eddSchema = z
  .object({
    estimated_delivery_date: text,
    estimated_delivery_date_min: text,
    estimated_delivery_date_max: text,
    datetime: text,
    datetime_min: text,
    datetime_max: text,
  })
  .partial()
  .nullish();

export const trackingSchema = z.object({
  tracking_number: z.string().min(1),
  slug: text,
  tag: text,
  subtag: text,
  subtag_message: text,
  updated_at: text,
  destination_country_iso3: text,
  destination_country_region: text,
  /** Up to 2024-07: the carrier's estimate as one date string. */
  expected_delivery: text,
  latest_estimated_delivery: eddSchema,
  courier_estimated_delivery_date: eddSchema,
  aftership_estimated_delivery_date: eddSchema,
  custom_estimated_delivery_date: eddSchema,
  // Missing on Pending trackings in some versions; null in others.
  checkpoints: z.array(checkpointSchema).nullish(),
});
export type AfterShipTracking = z.infer<typeof trackingSchema>;

export const metaSchema = z.object({
  code: z.coerce.number(),
  message: text,
  type: text,
});

/** `data` of a response: `{tracking}` (v4, 2024-04), a flat tracking (2024-07+), or a list. */
export const envelopeSchema = z.object({
  meta: metaSchema,
  data: z.unknown(),
});

export const webhookSchema = z.object({
  event: z.string(),
  msg: z.unknown(),
});
