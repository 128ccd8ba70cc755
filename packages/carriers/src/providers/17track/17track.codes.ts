import type { CodeTable } from '../../mapping/status-resolver.js';

/**
 * 17TRACK v2.4 sub-statuses (carrier-samples/taxonomies/17track_status_substatus.json, from
 * the official help article). Choices worth knowing:
 * - InTransit_Departure is "left the port of the originating country" -> departed_origin;
 *   InTransit_Arrival is "arrived at the port of the destination country".
 * - InTransit_CustomsRequiringInformation is an exception: someone must send documents.
 * - Exception_Security ("security, customs clearance or fee issue before delivery") ->
 *   customs_hold; Exception_NoBody (bad recipient info before delivery) -> exception/other.
 * - Exception_Rejected (recipient refused before delivery) -> failed_attempt/refused, so the
 *   refusal rules fire the same way as for a refusal at the door.
 */
export const SEVENTEEN_TRACK_SUB_STATUSES = {
  NotFound_Other: { milestone: 'not_found', reason: null },
  NotFound_InvalidCode: { milestone: 'not_found', reason: null },
  InfoReceived: { milestone: 'info_received', reason: 'label_created' },
  InTransit_PickedUp: { milestone: 'in_transit', reason: 'picked_up' },
  InTransit_Other: { milestone: 'in_transit', reason: 'in_transit_other' },
  InTransit_Departure: { milestone: 'in_transit', reason: 'departed_origin' },
  InTransit_Arrival: { milestone: 'in_transit', reason: 'arrived_destination_country' },
  InTransit_CustomsProcessing: { milestone: 'in_transit', reason: 'customs_processing' },
  InTransit_CustomsReleased: { milestone: 'in_transit', reason: 'customs_released' },
  InTransit_CustomsRequiringInformation: { milestone: 'exception', reason: 'customs_documents_required' },
  Expired_Other: { milestone: 'expired', reason: null },
  AvailableForPickup_Other: { milestone: 'available_for_pickup', reason: 'at_pickup_point' },
  OutForDelivery_Other: { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  DeliveryFailure_Other: { milestone: 'failed_attempt', reason: 'other' },
  DeliveryFailure_NoBody: { milestone: 'failed_attempt', reason: 'recipient_unavailable' },
  DeliveryFailure_Security: { milestone: 'failed_attempt', reason: 'security' },
  DeliveryFailure_Rejected: { milestone: 'failed_attempt', reason: 'refused' },
  DeliveryFailure_InvalidAddress: { milestone: 'failed_attempt', reason: 'address_issue' },
  Delivered_Other: { milestone: 'delivered', reason: 'other' },
  Exception_Other: { milestone: 'exception', reason: 'other' },
  Exception_Returning: { milestone: 'exception', reason: 'returning' },
  Exception_Returned: { milestone: 'exception', reason: 'returned' },
  Exception_NoBody: { milestone: 'exception', reason: 'other' },
  Exception_Security: { milestone: 'exception', reason: 'customs_hold' },
  Exception_Damage: { milestone: 'exception', reason: 'damaged' },
  Exception_Rejected: { milestone: 'failed_attempt', reason: 'refused' },
  Exception_Delayed: { milestone: 'exception', reason: 'delayed_carrier' },
  Exception_Lost: { milestone: 'exception', reason: 'lost' },
  Exception_Destroyed: { milestone: 'exception', reason: 'destroyed' },
  Exception_Cancel: { milestone: 'exception', reason: 'cancelled' },
} as const satisfies CodeTable;

/** Main statuses: the summary, and the fallback for a sub-status added after this table. */
export const SEVENTEEN_TRACK_MAIN_STATUSES = {
  NotFound: { milestone: 'not_found', reason: null },
  InfoReceived: { milestone: 'info_received', reason: 'label_created' },
  InTransit: { milestone: 'in_transit', reason: 'in_transit_other' },
  Expired: { milestone: 'expired', reason: null },
  AvailableForPickup: { milestone: 'available_for_pickup', reason: 'at_pickup_point' },
  OutForDelivery: { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  DeliveryFailure: { milestone: 'failed_attempt', reason: 'other' },
  Delivered: { milestone: 'delivered', reason: 'other' },
  Exception: { milestone: 'exception', reason: 'other' },
} as const satisfies CodeTable;

/**
 * 17TRACK numeric carrier keys (17track.md section 7) -> our carrier slugs: AfterShip's where
 * its recorded couriers list has the carrier (dhl-germany, dhl-global-mail, la-poste-colissimo),
 * so the same carrier gets one slug whichever provider named it.
 */
export const SEVENTEEN_TRACK_CARRIERS: Readonly<Record<string, string>> = {
  '21051': 'usps',
  '100002': 'ups',
  '100003': 'fedex',
  '100001': 'dhl',
  '7041': 'dhl-germany',
  '7047': 'dhl-global-mail',
  '11031': 'royal-mail',
  '3041': 'canada-post',
  '1151': 'australia-post',
  '100331': 'evri',
  '100308': 'amazon-shipping',
  '3011': 'china-post',
  '3013': 'china-ems',
  '190008': 'yunexpress',
  '190012': 'yanwen',
  '190094': '4px',
  '190271': 'cainiao',
  '100012': 'sf-express',
  '2151': 'brazil-correios',
  '6051': 'la-poste-colissimo',
  '100468': 'tiktok-shipping',
  '100295': 'jtexpress',
};
