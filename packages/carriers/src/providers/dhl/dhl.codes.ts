import type { Milestone } from '@parcelwatch/contracts';
import type { CodeTable } from '../../mapping/status-resolver.js';

/**
 * DHL unified `statusCode`, the only normalized status (dhl.md section 3.2). It is coarse:
 * `transit` covers out for delivery and customs, `failure` covers failed attempts and
 * exceptions, so the mapper refines it from the event's wording (see DHL_REFINABLE).
 */
export const DHL_STATUS_CODES = {
  'pre-transit': { milestone: 'info_received', reason: 'label_created' },
  transit: { milestone: 'in_transit', reason: 'in_transit_other' },
  delivered: { milestone: 'delivered', reason: 'other' },
  failure: { milestone: 'exception', reason: 'other' },
  unknown: { milestone: 'in_transit', reason: 'in_transit_other' },
} as const satisfies CodeTable;

/**
 * Which milestones the wording may turn a DHL code into. The code is DHL's own judgement and
 * wins on the big question: a `transit` event never becomes delivered because its text says
 * "will be delivered today", and a `delivered` event stays delivered.
 */
export const DHL_REFINABLE: Readonly<Record<string, readonly Milestone[]>> = {
  'pre-transit': ['info_received'],
  transit: ['in_transit', 'out_for_delivery', 'available_for_pickup', 'failed_attempt', 'exception'],
  delivered: ['delivered'],
  failure: ['failed_attempt', 'exception'],
  unknown: ['info_received', 'in_transit', 'out_for_delivery', 'available_for_pickup', 'failed_attempt', 'delivered', 'exception'],
};
