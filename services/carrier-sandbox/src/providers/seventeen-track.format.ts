import type { DateTime } from 'luxon';
import type { Journey, JourneyEvent, JourneyEventKind, Place } from '../journeys/journey.types.js';
import { latestEvent, localTimeParts, newestFirst } from '../journeys/local-time.js';
import { wordingOf } from '../journeys/wording.js';
import { carrierInfo } from './carrier-directory.js';

type Status17 = { status: string; sub_status: string; stage: string | null };

const BY_KIND: Readonly<Record<Exclude<JourneyEventKind, 'failed_attempt'>, Status17>> = {
  label_created: { status: 'InfoReceived', sub_status: 'InfoReceived', stage: 'InfoReceived' },
  picked_up: { status: 'InTransit', sub_status: 'InTransit_PickedUp', stage: 'PickedUp' },
  origin_hub_arrival: { status: 'InTransit', sub_status: 'InTransit_Arrival', stage: null },
  export_customs: { status: 'InTransit', sub_status: 'InTransit_CustomsProcessing', stage: null },
  departed_origin: { status: 'InTransit', sub_status: 'InTransit_Departure', stage: 'Departure' },
  arrived_destination: { status: 'InTransit', sub_status: 'InTransit_Arrival', stage: 'Arrival' },
  import_customs: { status: 'InTransit', sub_status: 'InTransit_CustomsProcessing', stage: null },
  customs_hold_documents: { status: 'InTransit', sub_status: 'InTransit_CustomsRequiringInformation', stage: null },
  customs_released: { status: 'InTransit', sub_status: 'InTransit_CustomsReleased', stage: null },
  destination_hub_arrival: { status: 'InTransit', sub_status: 'InTransit_Arrival', stage: null },
  departed_hub: { status: 'InTransit', sub_status: 'InTransit_Departure', stage: null },
  out_for_delivery: { status: 'OutForDelivery', sub_status: 'OutForDelivery_Other', stage: 'OutForDelivery' },
  available_for_pickup: { status: 'AvailableForPickup', sub_status: 'AvailableForPickup_Other', stage: 'AvailableForPickup' },
  delivered: { status: 'Delivered', sub_status: 'Delivered_Other', stage: 'Delivered' },
  damaged: { status: 'Exception', sub_status: 'Exception_Damage', stage: null },
  missorted: { status: 'Exception', sub_status: 'Exception_Other', stage: null },
  returning: { status: 'Exception', sub_status: 'Exception_Returning', stage: 'Returning' },
  returned: { status: 'Exception', sub_status: 'Exception_Returned', stage: 'Returned' },
  lost: { status: 'Exception', sub_status: 'Exception_Lost', stage: null },
};

const FAILED_ATTEMPT: Readonly<Record<string, string>> = {
  recipient_unavailable: 'DeliveryFailure_NoBody',
  business_closed: 'DeliveryFailure_NoBody',
  refused: 'DeliveryFailure_Rejected',
  address_issue: 'DeliveryFailure_InvalidAddress',
  security: 'DeliveryFailure_Security',
};

function statusOf(event: JourneyEvent): Status17 {
  if (event.kind === 'failed_attempt') {
    return { status: 'DeliveryFailure', sub_status: FAILED_ATTEMPT[event.reason ?? ''] ?? 'DeliveryFailure_Other', stage: null };
  }
  return BY_KIND[event.kind];
}

function address(place: Place | null) {
  return {
    country: place?.country ?? null,
    state: place?.state ?? null,
    city: place?.city ?? null,
    street: null,
    postal_code: place?.postalCode ?? null,
    coordinates: { longitude: null, latitude: null },
  };
}

function locationText(place: Place): string {
  return [place.city, place.state, place.country].filter(Boolean).join(', ');
}

function formatEvent(event: JourneyEvent) {
  const time = localTimeParts(event);
  const status = statusOf(event);
  const description = wordingOf(event.kind, event.wording);
  return {
    time_iso: time.offset ? time.iso : null,
    time_utc: time.offset ? time.utc : null,
    time_raw: { date: time.date, time: time.time, timezone: time.offset },
    description,
    description_translation: { lang: 'en', description },
    location: locationText(event.place),
    stage: status.stage,
    sub_status: status.sub_status,
    address: address(event.place),
  };
}

/** A 32-bit hash of text, as 17TRACK's `*_hash` fields are opaque integers. */
function hash32(text: string): number {
  let hash = 7;
  for (let i = 0; i < text.length; i += 1) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/** A `gettrackinfo` accepted item (also the `data` of a TRACKING_UPDATED push). */
export function trackInfoItem(number: string, journey: Journey | undefined, events: readonly JourneyEvent[], now: DateTime, tag: string | null) {
  const latest = latestEvent(events);
  const carrier = journey ? carrierInfo(journey.originCarrier) : null;
  const formatted = newestFirst(events).map(formatEvent);
  const latestStatus = latest ? statusOf(latest) : { status: 'NotFound', sub_status: 'NotFound_Other' };
  const first = events[0];
  const daysSince = (iso: string | undefined): number => (iso ? Math.max(0, Math.floor((now.toMillis() - Date.parse(iso)) / 86_400_000)) : 0);
  const reached = new Map<string, JourneyEvent>();
  for (const event of events) {
    const stage = statusOf(event).stage;
    if (stage && !reached.has(stage)) reached.set(stage, event);
  }
  return {
    number,
    carrier: carrier?.key17track ?? 0,
    param: null,
    tag,
    lang: null,
    destination_postal_code: null,
    origin_country: journey?.origin.country ?? null,
    destination_country: journey?.destination.country ?? null,
    destination_city: null,
    ship_date: null,
    shipper: null,
    consignee: null,
    phone_number_last_4: null,
    phone_number: null,
    cpf_or_cnpj: null,
    special_tracking_info: null,
    track_info: {
      shipping_info: { shipper_address: address(journey?.origin ?? null), recipient_address: address(journey?.destination ?? null) },
      latest_status: { status: latestStatus.status, sub_status: latestStatus.sub_status, sub_status_descr: null },
      latest_event: latest ? formatEvent(latest) : null,
      time_metrics: {
        days_after_order: daysSince(journey?.shippedAt),
        days_of_transit: daysSince(first?.occurredAt),
        days_of_transit_done: latest?.milestone === 'delivered' ? daysSince(first?.occurredAt) - daysSince(latest.occurredAt) : 0,
        days_after_last_update: daysSince(latest?.occurredAt),
        estimated_delivery_date: journey
          ? { source: '17TRACK', from: `${journey.promisedDeliveryDate}T00:00:00Z`, to: `${journey.promisedDeliveryDate}T23:59:59Z` }
          : { source: null, from: null, to: null },
      },
      milestone: ['InfoReceived', 'PickedUp', 'Departure', 'Arrival', 'AvailableForPickup', 'OutForDelivery', 'Delivered', 'Returning', 'Returned'].map(
        (keyStage) => {
          const event = reached.get(keyStage);
          const time = event ? localTimeParts(event) : null;
          return {
            key_stage: keyStage,
            time_iso: time?.offset ? time.iso : null,
            time_utc: time?.offset ? time.utc : null,
            time_raw: { date: time?.date ?? null, time: time?.time ?? null, timezone: time?.offset ?? null },
          };
        },
      ),
      misc_info: {
        risk_factor: 0,
        service_type: null,
        weight_raw: null,
        weight_kg: null,
        pieces: null,
        dimensions: null,
        customer_number: null,
        reference_number: null,
        local_number: null,
        local_provider: null,
        local_key: 0,
      },
      tracking: {
        providers_hash: hash32(number),
        providers: carrier
          ? [
              {
                provider: { key: carrier.key17track, name: carrier.name, alias: carrier.alias, tel: null, homepage: carrier.homepage, country: carrier.country },
                service_type: null,
                latest_sync_status: 'Success',
                latest_sync_time: `${now.toUTC().toISO({ suppressMilliseconds: true })}`,
                provider_lang: null,
                provider_tips: null,
                events_hash: hash32(JSON.stringify(formatted)),
                events: formatted,
              },
            ]
          : [],
      },
    },
  };
}
