import { z } from 'zod';
import { shipmentIdSchema } from '../ids.js';
import { milestoneStatusSchema } from '../taxonomy.js';
import { EVENT_TYPES } from '../topics.js';
import { defineEvent, localDateSchema, timeZoneSchema, utcInstantSchema } from './common.schemas.js';

/**
 * Topic `shipment.delays`. Emitted again as the delay grows (a new daysLate), so consumers see
 * a shipment cross from tier 1 to tier 2. `tier` is the delay tier by the compensation policy's
 * day thresholds (the detector reads the same policy), null while the delay is below tier 1.
 */
export const delayDetectedDataSchema = z.object({
  shipmentId: shipmentIdSchema,
  daysLate: z.int().min(1),
  /** Late against the date promised to the buyer, or (none promised) the carrier's estimate. */
  against: z.enum(['promised', 'estimated']),
  referenceDate: localDateSchema,
  /** The zone whose end of `referenceDate` was the deadline (the buyer's, else the destination's). */
  timeZone: timeZoneSchema,
  tier: z.union([z.literal(1), z.literal(2)]).nullable(),
  detectedAt: utcInstantSchema,
  status: milestoneStatusSchema,
  lastCheckpointAt: utcInstantSchema.nullable(),
});
export const delayDetectedEventSchema = defineEvent(EVENT_TYPES.delayDetected, delayDetectedDataSchema);
export type DelayDetectedEvent = z.infer<typeof delayDetectedEventSchema>;
