import type { CodeTable } from '../../mapping/status-resolver.js';

/**
 * AfterShip subtags (carrier-samples/taxonomies/aftership_tags_subtags.json). Choices:
 * - "customer moved" and "incorrect address" are failed attempts (address_issue), and a
 *   refusal is failed_attempt/refused: the taxonomy keeps address and refusal problems there.
 * - Exception_004 "Delayed (customs clearance)" is a customs hold: the detector's customs rule
 *   should fire on it.
 * - Exception_008 "pick up missed" (the carrier missed the pickup) is a carrier delay.
 * - Exception_021 "disposed" is destroyed.
 */
export const AFTERSHIP_SUBTAGS = {
  Pending_001: { milestone: 'pending', reason: null },
  Pending_002: { milestone: 'pending', reason: null },
  InfoReceived_001: { milestone: 'info_received', reason: 'label_created' },
  InTransit_001: { milestone: 'in_transit', reason: 'in_transit_other' },
  InTransit_002: { milestone: 'in_transit', reason: 'picked_up' },
  InTransit_003: { milestone: 'in_transit', reason: 'arrived_hub' },
  InTransit_004: { milestone: 'in_transit', reason: 'arrived_destination_country' },
  InTransit_005: { milestone: 'in_transit', reason: 'customs_released' },
  InTransit_006: { milestone: 'in_transit', reason: 'customs_processing' },
  InTransit_007: { milestone: 'in_transit', reason: 'departed_hub' },
  InTransit_008: { milestone: 'in_transit', reason: 'in_transit_other' },
  InTransit_009: { milestone: 'in_transit', reason: 'forwarded' },
  OutForDelivery_001: { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  OutForDelivery_003: { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  OutForDelivery_004: { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  AttemptFail_001: { milestone: 'failed_attempt', reason: 'other' },
  AttemptFail_002: { milestone: 'failed_attempt', reason: 'recipient_unavailable' },
  AttemptFail_003: { milestone: 'failed_attempt', reason: 'business_closed' },
  Delivered_001: { milestone: 'delivered', reason: 'other' },
  Delivered_002: { milestone: 'delivered', reason: 'pickup_point' },
  Delivered_003: { milestone: 'delivered', reason: 'signed' },
  Delivered_004: { milestone: 'delivered', reason: 'other' },
  Delivered_005: { milestone: 'delivered', reason: 'neighbour' },
  AvailableForPickup_001: { milestone: 'available_for_pickup', reason: 'at_pickup_point' },
  Exception_001: { milestone: 'exception', reason: 'other' },
  Exception_002: { milestone: 'failed_attempt', reason: 'address_issue' },
  Exception_003: { milestone: 'failed_attempt', reason: 'refused' },
  Exception_004: { milestone: 'exception', reason: 'customs_hold' },
  Exception_005: { milestone: 'exception', reason: 'delayed_carrier' },
  Exception_006: { milestone: 'exception', reason: 'held_for_payment' },
  Exception_007: { milestone: 'failed_attempt', reason: 'address_issue' },
  Exception_008: { milestone: 'exception', reason: 'delayed_carrier' },
  Exception_009: { milestone: 'exception', reason: 'other' },
  Exception_010: { milestone: 'exception', reason: 'returning' },
  Exception_011: { milestone: 'exception', reason: 'returned' },
  Exception_012: { milestone: 'exception', reason: 'damaged' },
  Exception_013: { milestone: 'exception', reason: 'lost' },
  Exception_016: { milestone: 'exception', reason: 'delayed_carrier' },
  Exception_017: { milestone: 'exception', reason: 'delayed_weather' },
  Exception_018: { milestone: 'exception', reason: 'customs_documents_required' },
  Exception_019: { milestone: 'exception', reason: 'delayed_carrier' },
  Exception_020: { milestone: 'exception', reason: 'cancelled' },
  Exception_021: { milestone: 'exception', reason: 'destroyed' },
  Expired_001: { milestone: 'expired', reason: null },
} as const satisfies CodeTable;

/** Tags: the summary, and the fallback for a subtag newer than the table above. */
export const AFTERSHIP_TAGS = {
  Pending: { milestone: 'pending', reason: null },
  InfoReceived: { milestone: 'info_received', reason: 'label_created' },
  InTransit: { milestone: 'in_transit', reason: 'in_transit_other' },
  OutForDelivery: { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  AttemptFail: { milestone: 'failed_attempt', reason: 'other' },
  Delivered: { milestone: 'delivered', reason: 'other' },
  AvailableForPickup: { milestone: 'available_for_pickup', reason: 'at_pickup_point' },
  Exception: { milestone: 'exception', reason: 'other' },
  Expired: { milestone: 'expired', reason: null },
} as const satisfies CodeTable;

/** meta.code values that answer "this number is unknown / unusable" rather than a request failure. */
export const AFTERSHIP_NOT_FOUND_CODES: ReadonlySet<number> = new Set([4004, 4005, 4012, 4017]);
