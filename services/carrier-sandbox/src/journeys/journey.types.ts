import type { MilestoneStatus } from '@parcelwatch/contracts';
import type { CarrierEstimate } from './carrier-estimate.js';

export type Lane = 'CN-US' | 'CN-EU';

/** What happened to a parcel at one scan, independent of any provider's codes. */
export type JourneyEventKind =
  | 'label_created'
  | 'picked_up'
  | 'origin_hub_arrival'
  | 'export_customs'
  | 'departed_origin'
  | 'arrived_destination'
  | 'import_customs'
  | 'customs_hold_documents'
  | 'customs_released'
  | 'destination_hub_arrival'
  | 'departed_hub'
  | 'out_for_delivery'
  | 'failed_attempt'
  | 'available_for_pickup'
  | 'delivered'
  | 'damaged'
  /** The carrier sorted the parcel to the wrong place (USPS 08 "Missent"): its own fault. */
  | 'missorted'
  | 'returning'
  | 'returned'
  | 'lost';

export interface Place {
  city: string;
  /** State or province code where the carrier gives one (US states). */
  state: string | null;
  country: string;
  postalCode: string | null;
  /** IANA zone of the place (the truth, even when the carrier does not tell it). */
  zone: string;
}

export type JourneyEvent = MilestoneStatus & {
  /** 0-based position in the true timeline. */
  seq: number;
  kind: JourneyEventKind;
  /** The true instant, UTC ISO with milliseconds. */
  occurredAt: string;
  /** Local wall time at the place, `YYYY-MM-DDTHH:mm:ss`. */
  localTime: string;
  /** `+08:00`; always the true offset (formatters drop it when `zoneKnown` is false). */
  utcOffset: string;
  /** Whether the carrier reports the zone for this scan. */
  zoneKnown: boolean;
  place: Place;
  /** Index into the wording variants of this kind; the default text is variant 0. */
  wording: number;
};

export type JourneyOutcome = 'delivered' | 'returned' | 'lost';
/**
 * `missorted`: with outcome `returned`, the carrier missorts the parcel at the destination hub and
 * sends it back without a delivery attempt, a return by the carrier's fault (tier 3). Only when
 * forced, so the seeded journeys of every other request stay as they were.
 * `silent_until_delivery`: with outcome `delivered`, no scan after the parcel leaves the origin
 * country for 32 to 35 days, then a delivery scan (postal consolidators often go dark in the
 * destination network): long enough to be reported lost, then found. Only when forced.
 * `out_for_delivery_overnight`: the last out-for-delivery scan stands two days (48 to 56 hours)
 * before the delivery scan (a driver who did not scan the failed rounds). Only when forced.
 */
export type JourneyIncident = 'stall' | 'customs_documents' | 'failed_attempts' | 'damaged' | 'silent_loss' | 'missorted' | 'silent_until_delivery' | 'out_for_delivery_overnight';

export interface Journey {
  trackingNumber: string;
  /** TikTok Shop order id this parcel ships, for the order-tracking endpoint. */
  orderId: string;
  lane: Lane;
  /** The first-mile carrier (CN consolidator), as a slug: yunexpress, yanwen, 4px, cainiao. */
  originCarrier: string;
  /** The last-mile carrier slug: usps, ups, fedex, dhl, postnl, laposte. */
  lastMileCarrier: string;
  origin: Place;
  destination: Place;
  shippedAt: string;
  /** Promised delivery date (YYYY-MM-DD, buyer's zone). */
  promisedDeliveryDate: string;
  outcome: JourneyOutcome;
  incidents: JourneyIncident[];
  failedAttempts: number;
  /** The complete true timeline, oldest first; clients see a prefix of it gated by the clock. */
  events: JourneyEvent[];
  /** The carrier's delivery estimate (shown once the parcel is scanned), or null for a carrier that publishes none. */
  carrierEstimate: CarrierEstimate | null;
  /** The true final status: the last event's, or exception/lost for a parcel lost silently. */
  finalStatus: MilestoneStatus;
}

/** Probabilities of each incident for one generated journey, in [0, 1]. */
export interface JourneyRates {
  stall: number;
  customsDocuments: number;
  failedAttempt: number;
  returned: number;
  lost: number;
  damaged: number;
  /** Probability that a segment's carrier (first mile, last mile) reports times without a zone. */
  noZone: number;
}

export const DEFAULT_JOURNEY_RATES: JourneyRates = {
  stall: 0.1,
  customsDocuments: 0.08,
  failedAttempt: 0.12,
  returned: 0.04,
  lost: 0.03,
  damaged: 0.02,
  noZone: 0.15,
};
