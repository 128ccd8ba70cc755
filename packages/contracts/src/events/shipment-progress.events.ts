import { z } from 'zod';
import { carrierCodeSchema, checkpointIdSchema, shipmentIdSchema, snapshotIdSchema } from '../ids.js';
import { milestoneStatusSchema } from '../taxonomy.js';
import { EVENT_TYPES } from '../topics.js';
import { checkpointSchema, defineEvent, locationSchema, utcInstantSchema } from './common.schemas.js';

/** Topic `shipment.events`: the normalizer's view of a parcel's journey. */

/** New checkpoints merged into the timeline (deduped on normalized fields; ordered by occurredAt). */
export const checkpointsAddedDataSchema = z.object({
  shipmentId: shipmentIdSchema,
  carrier: carrierCodeSchema,
  snapshotId: snapshotIdSchema,
  checkpoints: z.array(checkpointSchema).min(1),
  /** Size of the timeline after the merge. */
  timelineSize: z.int().min(1),
});
export const checkpointsAddedEventSchema = defineEvent(EVENT_TYPES.checkpointsAdded, checkpointsAddedDataSchema);
export type CheckpointsAddedEvent = z.infer<typeof checkpointsAddedEventSchema>;

/**
 * The shipment's status moved (see `isForwardMove`). `cause: 'checkpoint'` names the newer
 * checkpoint that moved it; `cause: 'sweep'` is a time rule (e.g. expired) with no checkpoint.
 */
export const statusChangedDataSchema = z.object({
  shipmentId: shipmentIdSchema,
  /** Null for the first status a shipment gets. */
  from: milestoneStatusSchema.nullable(),
  to: milestoneStatusSchema,
  cause: z.enum(['checkpoint', 'sweep']),
  checkpointId: checkpointIdSchema.nullable(),
  /** When the move happened in the world: the checkpoint's instant, or the sweep's time. */
  occurredAt: utcInstantSchema,
});
export const statusChangedEventSchema = defineEvent(EVENT_TYPES.statusChanged, statusChangedDataSchema);
export type StatusChangedEvent = z.infer<typeof statusChangedEventSchema>;

/**
 * Buyer-facing journey milestones (what the notifier tells the buyer). Each is reached at most
 * once per shipment, except `failed_attempt`, numbered by `sequence`.
 */
export const JOURNEY_MILESTONES = [
  'shipped',
  'departed_origin_country',
  'customs_cleared',
  'out_for_delivery',
  'failed_attempt',
  'available_for_pickup',
  'delivered',
] as const;
export const journeyMilestoneSchema = z.enum(JOURNEY_MILESTONES);
export type JourneyMilestone = z.infer<typeof journeyMilestoneSchema>;

/**
 * A shipment's estimated delivery: the carrier's own estimate, or learned from the carrier +
 * lane's transit times (p50 after the first carrier scan; `latestAt` = p90). `latestAt` is
 * also the end of a carrier's window.
 */
export const ESTIMATED_DELIVERY_SOURCES = ['carrier', 'learned'] as const;
export const estimatedDeliverySchema = z.object({
  at: utcInstantSchema,
  latestAt: utcInstantSchema.nullable(),
  source: z.enum(ESTIMATED_DELIVERY_SOURCES),
});
export type EstimatedDelivery = z.infer<typeof estimatedDeliverySchema>;

export const milestoneReachedDataSchema = z.object({
  shipmentId: shipmentIdSchema,
  journeyMilestone: journeyMilestoneSchema,
  sequence: z.int().min(1),
  checkpointId: checkpointIdSchema,
  status: milestoneStatusSchema,
  occurredAt: utcInstantSchema,
  location: locationSchema.nullable(),
  /** The estimate as of this milestone (absent from events of older producers: null). */
  estimatedDelivery: estimatedDeliverySchema.nullable().default(null),
});
export const milestoneReachedEventSchema = defineEvent(EVENT_TYPES.milestoneReached, milestoneReachedDataSchema);
export type MilestoneReachedEvent = z.infer<typeof milestoneReachedEventSchema>;
