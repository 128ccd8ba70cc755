import { z } from 'zod';

/** The most numbers one request may ask about; more is a 400 naming the limit. */
export const MAX_DETECT_BATCH = 1_000;
/** Longer than any carrier's number with its routing prefix (34 digits) plus what people type around it. */
const MAX_NUMBER_LENGTH = 80;

export const courierDetectRequest = z
  .object({
    trackingNumbers: z
      .array(z.string().trim().min(1, 'must not be empty').max(MAX_NUMBER_LENGTH, `at most ${MAX_NUMBER_LENGTH} characters`))
      .min(1, 'give at least one tracking number')
      .max(MAX_DETECT_BATCH, `at most ${MAX_DETECT_BATCH} tracking numbers per request`),
  })
  .strict();

export const detectionCandidate = z.object({
  carrier: z.string().describe('AfterShip-style carrier slug'),
  confidence: z.number().min(0).max(1).describe('Rank score, not a probability: checked formats above shape-only ones, failed checks lowest'),
  checkDigitValid: z.boolean().nullable().describe('null when the format has no check digit'),
  format: z.string(),
  normalized: z.string().describe('The number as that carrier tracks it'),
  reason: z.string().describe('Which format matched and what its check digit said'),
});

export const courierDetectResponse = z.object({
  results: z.array(
    z.object({
      trackingNumber: z.string(),
      candidates: z.array(detectionCandidate).describe('Best first; empty when no known format matches'),
      carrier: z.string().nullable().describe('What registration without `carrier` would take; null when it would ask (undetected, ambiguous or uncertain)'),
      problem: z.enum(['carrier_undetected', 'carrier_ambiguous']).nullable(),
    }),
  ),
});

export type CourierDetectResponse = z.infer<typeof courierDetectResponse>;
