import type { MilestoneStatus } from '@parcelwatch/contracts';
import { customsStatusFromText } from './customs-wording.js';

type Rule = readonly [RegExp, MilestoneStatus];

const RETURNING: MilestoneStatus = { milestone: 'exception', reason: 'returning' };
const IN_TRANSIT_OTHER: MilestoneStatus = { milestone: 'in_transit', reason: 'in_transit_other' };

/**
 * Status from a carrier's wording, for codes missing from a provider's table. Order matters:
 * the first rule that matches wins, so specific phrases ("returned to sender", "delivery
 * attempted", "ready for pickup") come before the words they contain ("delivered", "picked up").
 *
 * Final statuses are guessed conservatively, because the timeline never leaves them
 * (contracts `isForwardMove`): only a finished return ("returned to sender") is `returned`,
 * while "being returned", "return to sender" or a bare "returned" are `returning`; and
 * "delivered" counts only when it is not negated ("not delivered", "could not be delivered")
 * or in the future ("will be delivered today", "expected to be delivered").
 */
const BEFORE_CUSTOMS: readonly Rule[] = [
  // Amazon-style "returned to the delivery station" is a failed delivery, not a return to sender.
  [/returned to (the )?(delivery station|station|depot|facility|hub|post office|branch|local office)/i, { milestone: 'failed_attempt', reason: 'other' }],
  [/\b(being|be|been scheduled to be) returned\b|\breturning\b|\breturn (to (sender|shipper)|in progress|initiated|requested)/i, RETURNING],
  [/\b(returned|delivered) (back )?to (the )?(sender|shipper|merchant|seller)\b|sender received the return|\breturn (is )?(completed?|finished|received by (the )?(sender|shipper))/i, { milestone: 'exception', reason: 'returned' }],
  [/\breturn(ed|s)?\b(?!\s+(label|receipt))/i, RETURNING],
  [/\b(destroyed|disposed)\b/i, { milestone: 'exception', reason: 'destroyed' }],
  [/\bdamage(d)?\b/i, { milestone: 'exception', reason: 'damaged' }],
  [/\bcancel(l)?ed\b/i, { milestone: 'exception', reason: 'cancelled' }],
];

// After the customs wording: "missing documents" is a customs problem, not a lost parcel.
const AFTER_CUSTOMS: readonly Rule[] = [
  [/\blost\b|\b(package|parcel|item|shipment) (is |was |reported )?missing|missing (package|parcel|item|shipment)|(cannot|can't|could not|unable to) (be )?locate/i, { milestone: 'exception', reason: 'lost' }],
  [/\brefused\b|\brejected by (the )?(recipient|consignee|addressee)/i, { milestone: 'failed_attempt', reason: 'refused' }],
  [/business (was |is )?closed|closed (on|for) (arrival|delivery)/i, { milestone: 'failed_attempt', reason: 'business_closed' }],
  [/(customer|recipient|consignee|addressee) (was )?(not available|unavailable|not (at )?home|absent)|not at home/i, { milestone: 'failed_attempt', reason: 'recipient_unavailable' }],
  [/(attempt|notice left|unable to deliver|no one (home|available)|recipient not available)/i, { milestone: 'failed_attempt', reason: 'recipient_unavailable' }],
  [/\b(insufficient|incorrect|incomplete|wrong|invalid|bad) address|address(ee)? (issue|problem|information required|unknown|incomplete|incorrect|insufficient)|undeliverable as addressed|moved,? left no (forwarding )?address|no such (street|number|address)/i, { milestone: 'failed_attempt', reason: 'address_issue' }],
  [/not yet delivered/i, IN_TRANSIT_OTHER],
  [/\b(not|never) (been )?delivered\b|\bundeliver(ed|able)\b|(could not|couldn't|cannot|can't|unable to) be delivered|delivery (failed|unsuccessful|exception)|(failed|unsuccessful) delivery/i, { milestone: 'failed_attempt', reason: 'other' }],
  [/out for delivery|on (fedex )?vehicle for delivery|with (the )?(courier|driver) for delivery|with (the )?delivery (courier|driver)|loaded on delivery vehicle/i, { milestone: 'out_for_delivery', reason: 'out_for_delivery' }],
  [/(ready|available|awaiting) (for )?(customer )?(pick ?up|collection)|held for (customer )?pick ?up|at (the )?(pickup|collection|parcel) (point|location|locker)/i, { milestone: 'available_for_pickup', reason: 'at_pickup_point' }],
  // A promise is not a delivery: "will be delivered today", "expected to be delivered Friday".
  [/\b(will|to|should|may) be delivered\b|\b(expected|estimated|scheduled|planned|anticipated) (for |to be )?deliver/i, IN_TRANSIT_OTHER],
  [/delivered.*(neighbo(u)?r)/i, { milestone: 'delivered', reason: 'neighbour' }],
  [/delivered.*(front door|porch|mailbox|mail box|parcel locker|doorstep|garage)|left at (the )?(front |back |side )?(door|porch|doorstep|mailbox|garage|reception)/i, { milestone: 'delivered', reason: 'left_at_door' }],
  [/delivered.*(pick ?up point|access point|post office)|(picked up|collected) by (the )?(customer|recipient|addressee|consignee)/i, { milestone: 'delivered', reason: 'pickup_point' }],
  [/signed (for )?by|delivered.*sign/i, { milestone: 'delivered', reason: 'signed' }],
  [/\bdelivered\b/i, { milestone: 'delivered', reason: 'other' }],
  [/weather|storm|typhoon|snow/i, { milestone: 'exception', reason: 'delayed_weather' }],
  [/\bdelay(ed)?\b|running late/i, { milestone: 'exception', reason: 'delayed_carrier' }],
  [/\bheld\b|\bon hold\b/i, { milestone: 'exception', reason: 'other' }],
  [/label (has been )?(created|printed)|created (a |the )?(shipping )?label|shipping (label|information) (created|received|sent)|pre-?shipment|electronic (shipping )?info|order (created|received|information)|shipment information|awaiting item|billing information/i, { milestone: 'info_received', reason: 'label_created' }],
  [/\bexception\b/i, { milestone: 'exception', reason: 'other' }],
  [/picked up|pick-?up scan|collected|accepted|acceptance|received by (the )?carrier|in possession|drop(ped)? off/i, { milestone: 'in_transit', reason: 'picked_up' }],
  [/arrived (at|in) (the )?destination (country|airport|port)|arrival (at|in) (the )?destination (country|airport|port)|import (scan|processing)/i, { milestone: 'in_transit', reason: 'arrived_destination_country' }],
  // departed_origin means leaving the origin COUNTRY (its airport or port, as 17TRACK defines
  // it); "left FedEx origin facility" is a hub scan. Likewise arriving at the destination airport.
  [/(departed|left) (from )?(the )?(origin country|country of origin)|export(ed)?\b|(departed|left) .*origin (country|airport|port)/i, { milestone: 'in_transit', reason: 'departed_origin' }],
  [/forwarded|redirected|transferred to/i, { milestone: 'in_transit', reason: 'forwarded' }],
  [/depart|left|dispatched|despatched/i, { milestone: 'in_transit', reason: 'departed_hub' }],
  [/arriv|received at|processed at|sort(ing)? (center|centre|facility)|hub/i, { milestone: 'in_transit', reason: 'arrived_hub' }],
  ...chineseRules(),
];

/**
 * Chinese wording of CN domestic and cross-border carriers (some feeds and 17TRACK's
 * untranslated events). Failures before successes: 投递失败 contains 投递, 未妥投 contains 妥投.
 */
function chineseRules(): Rule[] {
  return [
    [/退回|退件|退运|退还/, RETURNING],
    [/丢失|遗失/, { milestone: 'exception', reason: 'lost' }],
    [/破损/, { milestone: 'exception', reason: 'damaged' }],
    [/扣留|扣押|查验/, { milestone: 'exception', reason: 'customs_hold' }],
    [/拒收/, { milestone: 'failed_attempt', reason: 'refused' }],
    [/(投递|派送|签收)失败|未妥投|无法投递/, { milestone: 'failed_attempt', reason: 'other' }],
    [/签收|妥投|已投递/, { milestone: 'delivered', reason: 'other' }],
    [/派送|派件|投递中/, { milestone: 'out_for_delivery', reason: 'out_for_delivery' }],
    [/待取|自提|驿站|快递柜/, { milestone: 'available_for_pickup', reason: 'at_pickup_point' }],
    [/揽收|揽件|收寄|已收件/, { milestone: 'in_transit', reason: 'picked_up' }],
    [/离开|发往|已发出|起飞/, { milestone: 'in_transit', reason: 'departed_hub' }],
    [/到达|已到|抵达/, { milestone: 'in_transit', reason: 'arrived_hub' }],
  ];
}

/**
 * Best status for `text`. A scan we cannot read is most likely the parcel moving, hence
 * in_transit/in_transit_other; it is never dropped.
 */
export function statusFromKeywords(text: string | null | undefined): MilestoneStatus {
  return text ? (keywordStatus(text) ?? IN_TRANSIT_OTHER) : IN_TRANSIT_OTHER;
}

function keywordStatus(text: string): MilestoneStatus | null {
  for (const [pattern, status] of BEFORE_CUSTOMS) if (pattern.test(text)) return status;
  const customs = customsStatusFromText(text);
  if (customs) return customs;
  for (const [pattern, status] of AFTER_CUSTOMS) if (pattern.test(text)) return status;
  return null;
}

/** Whether any keyword rule matched (for tests and diagnostics). */
export function hasKeywordMatch(text: string): boolean {
  return keywordStatus(text) !== null;
}
