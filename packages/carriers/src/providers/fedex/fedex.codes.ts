import type { CodeTable } from '../../mapping/status-resolver.js';

/**
 * FedEx tracking status codes (fedex.md section 7, FedEx "Tracking Status Codes"), read from a
 * scan's `eventType` or `latestStatusDetail.code`. Where a code has two meanings in different
 * FedEx groups (EA: "enroute to airport" / "export approved"; CA: "cancelled" / possession
 * "carrier"; SP: split status) the movement meaning wins: scans carry movement codes.
 * Choices:
 * - DE "delivery exception" is a failed attempt; its exceptionDescription refines the reason
 *   ("customer not available", "refused", ...). SE "shipment exception" is an exception.
 * - CD "clearance delay" is a customs hold; HL/HP wait for the buyer at a location.
 * - EP "enroute to pickup" is still before pickup: info_received.
 * - Codes seen on the wire but absent from the table: AE (arriving early), IN (derived
 *   "label created"), RL (derived "running late").
 */
export const FEDEX_STATUS_CODES = {
  AA: { milestone: 'in_transit', reason: 'arrived_hub' },
  AC: { milestone: 'in_transit', reason: 'arrived_hub' },
  AD: { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  AE: { milestone: 'in_transit', reason: 'in_transit_other' },
  AF: { milestone: 'in_transit', reason: 'arrived_hub' },
  AO: { milestone: 'in_transit', reason: 'in_transit_other' },
  AP: { milestone: 'in_transit', reason: 'in_transit_other' },
  AR: { milestone: 'in_transit', reason: 'arrived_hub' },
  AX: { milestone: 'in_transit', reason: 'arrived_hub' },
  CA: { milestone: 'exception', reason: 'cancelled' },
  CC: { milestone: 'in_transit', reason: 'customs_released' },
  CD: { milestone: 'exception', reason: 'customs_hold' },
  CH: { milestone: 'in_transit', reason: 'forwarded' },
  CP: { milestone: 'in_transit', reason: 'customs_processing' },
  DD: { milestone: 'exception', reason: 'delayed_carrier' },
  DE: { milestone: 'failed_attempt', reason: 'other' },
  DL: { milestone: 'delivered', reason: 'other' },
  DP: { milestone: 'in_transit', reason: 'departed_hub' },
  DR: { milestone: 'in_transit', reason: 'in_transit_other' },
  DS: { milestone: 'in_transit', reason: 'in_transit_other' },
  DY: { milestone: 'exception', reason: 'delayed_carrier' },
  EA: { milestone: 'in_transit', reason: 'in_transit_other' },
  ED: { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  EO: { milestone: 'in_transit', reason: 'in_transit_other' },
  EP: { milestone: 'info_received', reason: 'label_created' },
  FD: { milestone: 'in_transit', reason: 'arrived_hub' },
  HL: { milestone: 'available_for_pickup', reason: 'at_pickup_point' },
  HP: { milestone: 'available_for_pickup', reason: 'at_pickup_point' },
  IN: { milestone: 'info_received', reason: 'label_created' },
  IT: { milestone: 'in_transit', reason: 'in_transit_other' },
  IX: { milestone: 'in_transit', reason: 'in_transit_other' },
  LO: { milestone: 'in_transit', reason: 'departed_origin' },
  LP: { milestone: 'in_transit', reason: 'in_transit_other' },
  OC: { milestone: 'info_received', reason: 'label_created' },
  OD: { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  OF: { milestone: 'in_transit', reason: 'arrived_hub' },
  OW: { milestone: 'in_transit', reason: 'in_transit_other' },
  OX: { milestone: 'in_transit', reason: 'forwarded' },
  PD: { milestone: 'exception', reason: 'delayed_carrier' },
  PF: { milestone: 'in_transit', reason: 'in_transit_other' },
  PL: { milestone: 'in_transit', reason: 'arrived_hub' },
  PM: { milestone: 'in_transit', reason: 'in_transit_other' },
  PU: { milestone: 'in_transit', reason: 'picked_up' },
  PX: { milestone: 'in_transit', reason: 'picked_up' },
  RC: { milestone: 'in_transit', reason: 'in_transit_other' },
  RD: { milestone: 'in_transit', reason: 'in_transit_other' },
  RG: { milestone: 'in_transit', reason: 'in_transit_other' },
  RL: { milestone: 'exception', reason: 'delayed_carrier' },
  RM: { milestone: 'in_transit', reason: 'in_transit_other' },
  RP: { milestone: 'in_transit', reason: 'in_transit_other' },
  RR: { milestone: 'in_transit', reason: 'in_transit_other' },
  RS: { milestone: 'exception', reason: 'returning' },
  SE: { milestone: 'exception', reason: 'other' },
  SF: { milestone: 'in_transit', reason: 'arrived_hub' },
  SP: { milestone: 'in_transit', reason: 'in_transit_other' },
  TR: { milestone: 'in_transit', reason: 'forwarded' },
} as const satisfies CodeTable;

/** Per-number and request errors that mean "no such number / no data". */
export const FEDEX_NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  'TRACKING.TRACKINGNUMBER.NOTFOUND',
  'TRACKING.DATA.NOTFOUND',
  'TRACKING.TRACKINGNUMBER.INVALID',
  'NOT.FOUND.ERROR',
]);
