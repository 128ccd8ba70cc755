import { z } from 'zod';
import { codeText } from '../../mapping/lenient-schemas.js';

const text = z.string().nullish();

export const activitySchema = z.object({
  location: z
    .object({
      address: z
        .object({ city: text, stateProvince: text, postalCode: text, countryCode: text, country: text })
        .nullish(),
      slic: text,
    })
    .nullish(),
  status: z.object({ type: text, description: text, code: text, statusCode: text }),
  date: z.string().regex(/^\d{8}$/, 'expected YYYYMMDD'),
  time: z.string().regex(/^\d{1,6}$/, 'expected HHMMSS'),
  gmtDate: text,
  gmtTime: text,
  gmtOffset: text,
});
export type UpsActivity = z.infer<typeof activitySchema>;

export const packageSchema = z.object({
  trackingNumber: z.string().min(1),
  activity: z.array(activitySchema).nullish(),
  currentStatus: z.object({ description: text, code: text, type: text }).nullish(),
  /** `SDD` scheduled, `RDD` rescheduled, `DEL` delivered; may be `[]`. */
  deliveryDate: z.array(z.object({ type: text, date: text })).nullish(),
});
export type UpsPackage = z.infer<typeof packageSchema>;

const messageSchema = z.object({ code: codeText, message: text });

export const trackResponseSchema = z.object({
  trackResponse: z.object({
    shipment: z.array(
      z.object({
        inquiryNumber: text,
        package: z.array(packageSchema).nullish(),
        warnings: z.array(messageSchema).nullish(),
      }),
    ),
  }),
});

export const errorResponseSchema = z.object({
  response: z.object({ errors: z.array(messageSchema).min(1) }),
});
