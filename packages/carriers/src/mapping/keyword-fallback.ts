import type { MilestoneStatus } from '@parcelwatch/contracts';

/**
 * Status from a carrier's wording, for codes missing from a provider's table. Order matters:
 * the first rule that matches wins, so specific phrases ("returned to sender", "delivery
 * attempted", "ready for pickup") come before the words they contain ("delivered", "picked up").
 */
const RULES: ReadonlyArray<readonly [RegExp, MilestoneStatus]> = [
  [/return(ed)? to (sender|shipper)|delivered to (the )?sender|\breturned\b/i, { milestone: 'exception', reason: 'returned' }],
  [/\breturn(ing)?\b/i, { milestone: 'exception', reason: 'returning' }],
  [/\b(destroyed|disposed)\b/i, { milestone: 'exception', reason: 'destroyed' }],
  [/\bdamage(d)?\b/i, { milestone: 'exception', reason: 'damaged' }],
  [/\bcancel(l)?ed\b/i, { milestone: 'exception', reason: 'cancelled' }],
  [/customs.*((documents?|information|invoices?|paperwork) (required|needed|missing)|(awaiting|missing|provide) (the )?(documents?|information|invoices?|paperwork))|(documents?|information) required.*customs/i, { milestone: 'exception', reason: 'customs_documents_required' }],
  [/\b(duties|duty|import tax|vat)\b.*\b(unpaid|due|payment|pay)\b|\b(unpaid|payment|pay)\b.*\b(duties|duty|import tax|vat)\b/i, { milestone: 'exception', reason: 'duties_unpaid' }],
  [/customs.*\b(held|hold|detained|seized)\b|\b(held|hold|detained)\b.*customs/i, { milestone: 'exception', reason: 'customs_hold' }],
  [/customs.*\b(released|cleared|clearance (completed|complete))\b|clearance (processing )?(completed?|finished)|(international|import) (shipment )?release/i, { milestone: 'in_transit', reason: 'customs_released' }],
  [/customs|clearance/i, { milestone: 'in_transit', reason: 'customs_processing' }],
  // After the customs rules: "missing documents" is a customs problem, not a lost parcel.
  [/\blost\b|\b(package|parcel|item|shipment) (is |was |reported )?missing|missing (package|parcel|item|shipment)/i, { milestone: 'exception', reason: 'lost' }],
  [/\brefused\b|\brejected by (the )?(recipient|consignee|addressee)/i, { milestone: 'failed_attempt', reason: 'refused' }],
  [/business (was |is )?closed|closed (on|for) (arrival|delivery)/i, { milestone: 'failed_attempt', reason: 'business_closed' }],
  [/(customer|recipient|consignee|addressee) (was )?(not available|unavailable|not (at )?home|absent)|not at home/i, { milestone: 'failed_attempt', reason: 'recipient_unavailable' }],
  [/(attempt|notice left|unable to deliver|no one (home|available)|recipient not available)/i, { milestone: 'failed_attempt', reason: 'recipient_unavailable' }],
  [/\b(insufficient|incorrect|wrong|invalid|bad) address|address (issue|problem|information required)/i, { milestone: 'failed_attempt', reason: 'address_issue' }],
  [/out for delivery|on (fedex )?vehicle for delivery|with (the )?(courier|driver) for delivery|with (the )?delivery (courier|driver)|loaded on delivery vehicle/i, { milestone: 'out_for_delivery', reason: 'out_for_delivery' }],
  [/(ready|available|awaiting) (for )?(customer )?(pick ?up|collection)|held for (customer )?pick ?up|at (the )?(pickup|collection|parcel) (point|location|locker)/i, { milestone: 'available_for_pickup', reason: 'at_pickup_point' }],
  [/delivered.*(neighbo(u)?r)/i, { milestone: 'delivered', reason: 'neighbour' }],
  [/delivered.*(front door|porch|mailbox|mail box|parcel locker|doorstep|garage)|left at (the )?(front |back |side )?(door|porch|doorstep|mailbox|garage|reception)/i, { milestone: 'delivered', reason: 'left_at_door' }],
  [/delivered.*(pick ?up point|access point|post office)|(picked up|collected) by (the )?(customer|recipient|addressee|consignee)/i, { milestone: 'delivered', reason: 'pickup_point' }],
  [/signed (for )?by|delivered.*sign/i, { milestone: 'delivered', reason: 'signed' }],
  [/\bdelivered\b/i, { milestone: 'delivered', reason: 'other' }],
  [/weather|storm|typhoon|snow/i, { milestone: 'exception', reason: 'delayed_weather' }],
  [/\bdelay(ed)?\b|running late/i, { milestone: 'exception', reason: 'delayed_carrier' }],
  [/\bheld\b|\bon hold\b/i, { milestone: 'exception', reason: 'other' }],
  [/label (created|printed)|shipping (label|information) (created|received|sent)|pre-?shipment|electronic (shipping )?info|order (created|received|information)|shipment information|awaiting item|billing information/i, { milestone: 'info_received', reason: 'label_created' }],
  [/picked up|pick-?up scan|collected|accepted|acceptance|received by (the )?carrier|in possession|drop(ped)? off/i, { milestone: 'in_transit', reason: 'picked_up' }],
  [/arrived (at|in) (the )?destination country|arrival (at|in) destination country|import (scan|processing)/i, { milestone: 'in_transit', reason: 'arrived_destination_country' }],
  // departed_origin means leaving the origin COUNTRY; "left FedEx origin facility" is a hub scan.
  [/(departed|left) (from )?(the )?(origin country|country of origin)|export(ed)?\b|(departed|left) .*origin country/i, { milestone: 'in_transit', reason: 'departed_origin' }],
  [/forwarded|redirected|transferred to/i, { milestone: 'in_transit', reason: 'forwarded' }],
  [/depart|left|dispatched|despatched/i, { milestone: 'in_transit', reason: 'departed_hub' }],
  [/arriv|received at|processed at|sort(ing)? (center|centre|facility)|hub/i, { milestone: 'in_transit', reason: 'arrived_hub' }],
];

const DEFAULT_STATUS: MilestoneStatus = { milestone: 'in_transit', reason: 'in_transit_other' };

/**
 * Best status for `text`. A scan we cannot read is most likely the parcel moving, hence
 * in_transit/in_transit_other; it is never dropped.
 */
export function statusFromKeywords(text: string | null | undefined): MilestoneStatus {
  if (!text) return DEFAULT_STATUS;
  for (const [pattern, status] of RULES) if (pattern.test(text)) return status;
  return DEFAULT_STATUS;
}

/** Whether any keyword rule matched (for tests and diagnostics). */
export function hasKeywordMatch(text: string): boolean {
  return RULES.some(([pattern]) => pattern.test(text));
}
