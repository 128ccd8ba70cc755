import type { CodeTable } from '../../mapping/status-resolver.js';

/**
 * UPS 3-digit status codes (ups.md section 7, UPS appendix "Status/Description Codes"),
 * zero-padded as on the wire. We normalize on this code, not the 2-letter activity code,
 * which means different things in different UPS tables. Choices:
 * - 019 "Held for Future Delivery" is usually the receiver's request: in transit, not an exception.
 * - 055 "Rescheduled Delivery" is a carrier delay.
 * - 071 "Preparing for Delivery" (seen as "Processing at UPS Facility") is a hub scan;
 *   072 "Loaded on Delivery Vehicle" is out for delivery.
 * - 144 "Delivered to Post Office for Pickup" and 161 "Delivered to UPS Access Point" wait for
 *   the buyer: available_for_pickup, not delivered.
 */
export const UPS_STATUS_CODES = {
  '003': { milestone: 'info_received', reason: 'label_created' },
  '005': { milestone: 'in_transit', reason: 'in_transit_other' },
  '006': { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  '007': { milestone: 'exception', reason: 'cancelled' },
  '010': { milestone: 'in_transit', reason: 'in_transit_other' },
  '011': { milestone: 'delivered', reason: 'other' },
  '012': { milestone: 'in_transit', reason: 'customs_processing' },
  '013': { milestone: 'exception', reason: 'other' },
  '014': { milestone: 'in_transit', reason: 'customs_released' },
  '016': { milestone: 'in_transit', reason: 'arrived_hub' },
  '017': { milestone: 'available_for_pickup', reason: 'at_pickup_point' },
  '019': { milestone: 'in_transit', reason: 'in_transit_other' },
  '021': { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  '022': { milestone: 'failed_attempt', reason: 'recipient_unavailable' },
  '023': { milestone: 'failed_attempt', reason: 'recipient_unavailable' },
  '024': { milestone: 'failed_attempt', reason: 'recipient_unavailable' },
  '026': { milestone: 'delivered', reason: 'other' },
  '029': { milestone: 'exception', reason: 'other' },
  '032': { milestone: 'exception', reason: 'delayed_weather' },
  '033': { milestone: 'exception', reason: 'returning' },
  '034': { milestone: 'exception', reason: 'returned' },
  '035': { milestone: 'exception', reason: 'returning' },
  '036': { milestone: 'exception', reason: 'returning' },
  '038': { milestone: 'in_transit', reason: 'picked_up' },
  '040': { milestone: 'available_for_pickup', reason: 'at_pickup_point' },
  '046': { milestone: 'exception', reason: 'delayed_carrier' },
  '048': { milestone: 'exception', reason: 'delayed_carrier' },
  '050': { milestone: 'failed_attempt', reason: 'address_issue' },
  '055': { milestone: 'exception', reason: 'delayed_carrier' },
  '058': { milestone: 'exception', reason: 'customs_documents_required' },
  '059': { milestone: 'exception', reason: 'damaged' },
  '060': { milestone: 'failed_attempt', reason: 'recipient_unavailable' },
  '064': { milestone: 'failed_attempt', reason: 'refused' },
  '068': { milestone: 'exception', reason: 'lost' },
  '069': { milestone: 'failed_attempt', reason: 'other' },
  '071': { milestone: 'in_transit', reason: 'arrived_hub' },
  '072': { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  '092': { milestone: 'in_transit', reason: 'customs_processing' },
  '143': { milestone: 'delivered', reason: 'other' },
  '144': { milestone: 'available_for_pickup', reason: 'at_pickup_point' },
  '160': { milestone: 'in_transit', reason: 'picked_up' },
  '161': { milestone: 'available_for_pickup', reason: 'at_pickup_point' },
} as const satisfies CodeTable;

/**
 * UPS activity types (appendix "Package Activity Types"): the fallback when a status code is
 * missing or new. Coarse on purpose: type I covers both in transit and out for delivery.
 */
export const UPS_ACTIVITY_TYPES = {
  D: { milestone: 'delivered', reason: 'other' },
  I: { milestone: 'in_transit', reason: 'in_transit_other' },
  M: { milestone: 'info_received', reason: 'label_created' },
  MV: { milestone: 'exception', reason: 'cancelled' },
  X: { milestone: 'exception', reason: 'other' },
  P: { milestone: 'in_transit', reason: 'picked_up' },
  DO: { milestone: 'in_transit', reason: 'in_transit_other' },
  DD: { milestone: 'in_transit', reason: 'in_transit_other' },
  W: { milestone: 'in_transit', reason: 'arrived_hub' },
  NA: { milestone: 'in_transit', reason: 'in_transit_other' },
  U: { milestone: 'in_transit', reason: 'in_transit_other' },
} as const satisfies CodeTable;

/**
 * The customs activities of UPS's exception table (ups.md section 8), keyed `type:code`, for
 * activities that come without a 3-digit status code. RZ ("pending or released by a government
 * agency") and BB ("clearance information requested or received") say two things: the wording
 * decides between them (status-resolver keepCustoms), these are the readings without one.
 */
export const UPS_CUSTOMS_ACTIVITIES: CodeTable = {
  'X:RZ': { milestone: 'in_transit', reason: 'customs_processing' },
  'X:BB': { milestone: 'exception', reason: 'customs_documents_required' },
  'X:DA': { milestone: 'in_transit', reason: 'customs_released' },
  'I:RZ': { milestone: 'in_transit', reason: 'customs_processing' },
  'I:DA': { milestone: 'in_transit', reason: 'customs_released' },
};

/** Error and warning codes that mean "no such number" rather than a failed request. */
export const UPS_NOT_FOUND_CODES: ReadonlySet<string> = new Set(['TW0001', 'TV1002', '151018', '151044']);
