import type { CodeTable } from '../../mapping/status-resolver.js';

/**
 * USPS event codes (usps.md section 7: a third-party copy of Pub 199 App. G, eHub's table and
 * codes seen in real responses; the authoritative list was not retrieved). Choices:
 * - 21-29 and 31 ("return to sender: no such number / unclaimed / ...") are returns in
 *   progress: exception/returning; the reason text stays in rawText.
 * - 05 "undeliverable as addressed" is an address problem at the door.
 * - 11 "dead letter" (neither deliverable nor returnable) is treated as lost.
 * - 14/16 (at a pickup point) wait for the buyer; 17 and 43 ("picked up") are delivered there.
 * - 08 missent, 15 mis-shipped and 71 rescheduled are carrier delays.
 */
export const USPS_EVENT_CODES = {
  '01': { milestone: 'delivered', reason: 'other' },
  '02': { milestone: 'failed_attempt', reason: 'recipient_unavailable' },
  '03': { milestone: 'in_transit', reason: 'picked_up' },
  '04': { milestone: 'failed_attempt', reason: 'refused' },
  '05': { milestone: 'failed_attempt', reason: 'address_issue' },
  '06': { milestone: 'in_transit', reason: 'forwarded' },
  '07': { milestone: 'in_transit', reason: 'arrived_hub' },
  '08': { milestone: 'exception', reason: 'delayed_carrier' },
  '09': { milestone: 'exception', reason: 'returning' },
  '10': { milestone: 'in_transit', reason: 'arrived_hub' },
  '11': { milestone: 'exception', reason: 'lost' },
  '14': { milestone: 'available_for_pickup', reason: 'at_pickup_point' },
  '15': { milestone: 'exception', reason: 'delayed_carrier' },
  '16': { milestone: 'available_for_pickup', reason: 'at_pickup_point' },
  '17': { milestone: 'delivered', reason: 'pickup_point' },
  '19': { milestone: 'in_transit', reason: 'arrived_hub' },
  '21': { milestone: 'exception', reason: 'returning' },
  '22': { milestone: 'exception', reason: 'returning' },
  '23': { milestone: 'exception', reason: 'returning' },
  '24': { milestone: 'exception', reason: 'returning' },
  '25': { milestone: 'exception', reason: 'returning' },
  '26': { milestone: 'exception', reason: 'returning' },
  '27': { milestone: 'exception', reason: 'returning' },
  '28': { milestone: 'exception', reason: 'returning' },
  '29': { milestone: 'exception', reason: 'returning' },
  '30': { milestone: 'failed_attempt', reason: 'other' },
  '31': { milestone: 'exception', reason: 'returning' },
  '41': { milestone: 'in_transit', reason: 'arrived_hub' },
  '42': { milestone: 'in_transit', reason: 'forwarded' },
  '43': { milestone: 'delivered', reason: 'pickup_point' },
  '44': { milestone: 'exception', reason: 'returning' },
  '51': { milestone: 'failed_attempt', reason: 'business_closed' },
  '52': { milestone: 'failed_attempt', reason: 'recipient_unavailable' },
  '53': { milestone: 'failed_attempt', reason: 'other' },
  '54': { milestone: 'failed_attempt', reason: 'other' },
  '55': { milestone: 'failed_attempt', reason: 'other' },
  '56': { milestone: 'failed_attempt', reason: 'recipient_unavailable' },
  '71': { milestone: 'exception', reason: 'delayed_carrier' },
  '80': { milestone: 'in_transit', reason: 'picked_up' },
  '81': { milestone: 'in_transit', reason: 'arrived_hub' },
  '82': { milestone: 'in_transit', reason: 'departed_hub' },
  '83': { milestone: 'in_transit', reason: 'picked_up' },
  '89': { milestone: 'info_received', reason: 'label_created' },
  A1: { milestone: 'in_transit', reason: 'arrived_hub' },
  AD: { milestone: 'in_transit', reason: 'picked_up' },
  GC: { milestone: 'in_transit', reason: 'in_transit_other' },
  DX: { milestone: 'in_transit', reason: 'in_transit_other' },
  EF: { milestone: 'in_transit', reason: 'departed_hub' },
  GX: { milestone: 'info_received', reason: 'label_created' },
  MA: { milestone: 'info_received', reason: 'label_created' },
  OA: { milestone: 'in_transit', reason: 'picked_up' },
  OF: { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  PA: { milestone: 'in_transit', reason: 'picked_up' },
  PC: { milestone: 'in_transit', reason: 'arrived_hub' },
  SF: { milestone: 'in_transit', reason: 'departed_hub' },
  T1: { milestone: 'in_transit', reason: 'departed_hub' },
  TL: { milestone: 'in_transit', reason: 'in_transit_other' },
  TM: { milestone: 'in_transit', reason: 'picked_up' },
  UA: { milestone: 'in_transit', reason: 'picked_up' },
} as const satisfies CodeTable;

/** `statusCategory` (summary only); seen: Accepted, Moving Through Network, Delivered; the rest from usps.com wording. */
export const USPS_STATUS_CATEGORIES = {
  'Pre-Shipment': { milestone: 'info_received', reason: 'label_created' },
  Accepted: { milestone: 'in_transit', reason: 'picked_up' },
  'Moving Through Network': { milestone: 'in_transit', reason: 'in_transit_other' },
  'In Transit': { milestone: 'in_transit', reason: 'in_transit_other' },
  'Out for Delivery': { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  'Available for Pickup': { milestone: 'available_for_pickup', reason: 'at_pickup_point' },
  'Delivery Attempt': { milestone: 'failed_attempt', reason: 'other' },
  Delivered: { milestone: 'delivered', reason: 'other' },
  Alert: { milestone: 'exception', reason: 'other' },
  'Return to Sender': { milestone: 'exception', reason: 'returning' },
} as const satisfies CodeTable;
