import type { DateTime } from 'luxon';
import type { Journey, JourneyEvent, JourneyEventKind } from '../journeys/journey.types.js';
import { latestEvent, localTimeParts } from '../journeys/local-time.js';
import { wordingOf } from '../journeys/wording.js';
import type { Subscription } from '../sandbox.context.js';
import { countryName, iso3 } from './country-codes.js';

const SUBTAG_MESSAGES: Readonly<Record<string, string>> = {
  Pending_001: 'Pending',
  InfoReceived_001: 'Info Received',
  InTransit_001: 'In Transit',
  InTransit_002: 'Acceptance scan',
  InTransit_003: 'Arrival scan',
  InTransit_004: 'Arrived at destination country',
  InTransit_005: 'Customs clearance completed',
  InTransit_006: 'Customs clearance started',
  InTransit_007: 'Departure Scan',
  OutForDelivery_001: 'Out for Delivery',
  AttemptFail_001: 'Failed Attempt',
  AttemptFail_002: 'Addressee not available',
  AttemptFail_003: 'Business Closed',
  AvailableForPickup_001: 'Available for Pickup',
  Delivered_001: 'Delivered',
  Delivered_002: 'Picked up by the customer',
  Delivered_003: 'Sign by customer',
  Exception_003: 'Customer refused delivery',
  Exception_004: 'Delayed (Customs clearance)',
  Exception_010: 'Returning to sender',
  Exception_011: 'Returned to sender',
  Exception_012: 'Shipment damage',
  Exception_013: 'Shipment lost',
  Exception_016: 'Delayed (Processing issue)',
};

const SUBTAG_BY_KIND: Readonly<Record<Exclude<JourneyEventKind, 'failed_attempt' | 'delivered'>, string>> = {
  label_created: 'InfoReceived_001',
  picked_up: 'InTransit_002',
  origin_hub_arrival: 'InTransit_003',
  export_customs: 'InTransit_001',
  departed_origin: 'InTransit_007',
  arrived_destination: 'InTransit_004',
  import_customs: 'InTransit_006',
  customs_hold_documents: 'Exception_004',
  customs_released: 'InTransit_005',
  destination_hub_arrival: 'InTransit_003',
  departed_hub: 'InTransit_007',
  out_for_delivery: 'OutForDelivery_001',
  available_for_pickup: 'AvailableForPickup_001',
  damaged: 'Exception_012',
  missorted: 'Exception_016',
  returning: 'Exception_010',
  returned: 'Exception_011',
  lost: 'Exception_013',
};

export function aftershipSubtag(event: JourneyEvent): string {
  if (event.kind === 'failed_attempt') {
    if (event.reason === 'refused') return 'Exception_003';
    if (event.reason === 'recipient_unavailable') return 'AttemptFail_002';
    if (event.reason === 'business_closed') return 'AttemptFail_003';
    return 'AttemptFail_001';
  }
  if (event.kind === 'delivered') return event.reason === 'pickup_point' ? 'Delivered_002' : event.reason === 'signed' ? 'Delivered_003' : 'Delivered_001';
  return SUBTAG_BY_KIND[event.kind];
}

function formatCheckpoint(slug: string, event: JourneyEvent) {
  const subtag = aftershipSubtag(event);
  const place = event.place;
  return {
    checkpoint_time: localTimeParts(event).iso,
    created_at: `${event.occurredAt.slice(0, 19)}Z`,
    slug,
    message: wordingOf(event.kind, event.wording),
    location: [place.city, place.state, iso3(place.country)].filter(Boolean).join(', '),
    city: place.city,
    state: place.state,
    zip: place.postalCode,
    country_region: iso3(place.country),
    country_region_name: countryName(place.country),
    coordinate: { latitude: null, longitude: null },
    tag: subtag.split('_')[0],
    subtag,
    subtag_message: SUBTAG_MESSAGES[subtag] ?? subtag,
    raw_tag: `${event.kind.toUpperCase()}`,
    events: [],
    source: 'carrier',
  };
}

/** An AfterShip 2025-01 tracking object (API answer and webhook `msg`). Checkpoints oldest first. */
export function aftershipTracking(subscription: Subscription, journey: Journey | undefined, events: readonly JourneyEvent[], now: DateTime) {
  const slug = journey?.originCarrier ?? 'unknown';
  const latest = latestEvent(events);
  const subtag = latest ? aftershipSubtag(latest) : 'Pending_001';
  const delivered = events.find((event) => event.milestone === 'delivered');
  const failed = events.filter((event) => event.kind === 'failed_attempt');
  const pickedUp = events.find((event) => event.kind === 'picked_up');
  const nowIso = now.toUTC().toISO({ suppressMilliseconds: true });
  return {
    id: subscription.id,
    legacy_id: subscription.id.slice(0, 24),
    created_at: subscription.createdAt,
    updated_at: nowIso,
    tracking_number: subscription.trackingNumber,
    slug,
    active: !delivered && subtag !== 'Exception_011',
    tag: subtag.split('_')[0],
    subtag,
    subtag_message: SUBTAG_MESSAGES[subtag] ?? subtag,
    title: subscription.trackingNumber,
    order_id: journey?.orderId ?? null,
    order_number: null,
    custom_fields: null,
    transit_time: delivered && pickedUp ? Math.ceil((Date.parse(delivered.occurredAt) - Date.parse(pickedUp.occurredAt)) / 86_400_000) : null,
    origin_country_region: journey ? iso3(journey.origin.country) : null,
    origin_state: journey?.origin.state ?? null,
    origin_city: journey?.origin.city ?? null,
    origin_postal_code: journey?.origin.postalCode ?? null,
    origin_raw_location: null,
    destination_country_region: journey ? iso3(journey.destination.country) : null,
    destination_state: journey?.destination.state ?? null,
    destination_city: journey?.destination.city ?? null,
    destination_postal_code: journey?.destination.postalCode ?? null,
    destination_raw_location: null,
    courier_destination_country_region: journey ? iso3(journey.destination.country) : null,
    courier_estimated_delivery_date: null,
    note: null,
    shipment_package_count: 1,
    shipment_pickup_date: pickedUp ? localTimeParts(pickedUp).iso : null,
    shipment_delivery_date: delivered ? localTimeParts(delivered).iso : null,
    shipment_type: null,
    signed_by: null,
    source: 'api',
    tracked_count: events.length,
    language: null,
    return_to_sender: events.some((event) => event.kind === 'returning' || event.kind === 'returned'),
    order_promised_delivery_date: journey?.promisedDeliveryDate ?? null,
    first_attempted_at: failed[0] ? localTimeParts(failed[0]).iso : (delivered ? localTimeParts(delivered).iso : null),
    failed_delivery_attempts: failed.length,
    aftership_estimated_delivery_date: null,
    customers: [],
    checkpoints: events.map((event) => formatCheckpoint(slug, event)),
  };
}
