import type { MilestoneStatus } from '@parcelwatch/contracts';
import { assembleTracking, notFoundTracking } from '../../mapping/assemble-tracking.js';
import { deliveryEstimate, type DeliveryEstimate } from '../../mapping/delivery-estimate.js';
import { buildCheckpoint, requireTime, sameTrackingNumber } from '../../mapping/build-checkpoint.js';
import { resolveCarrierTime } from '../../mapping/carrier-time.js';
import { hasKeywordMatch, statusFromKeywords } from '../../mapping/keyword-fallback.js';
import { makeLocation, toCountryCode } from '../../mapping/location.js';
import type { MapOptions, MappedTracking, NormalizedCheckpoint } from '../../mapping/mapped-tracking.js';
import { parseWith, PayloadError } from '../../mapping/payload-error.js';
import { createStatusResolver, type StatusResolver } from '../../mapping/status-resolver.js';
import { DHL_REFINABLE, DHL_STATUS_CODES } from './dhl.codes.js';
import { problemSchema, responseSchema, type DhlEvent, type DhlShipment } from './dhl.schemas.js';

const PROVIDER = 'dhl';

function eventText(event: Pick<DhlEvent, 'status' | 'description'>): string {
  const { status, description } = event;
  if (description && status && !description.includes(status)) return `${status}. ${description}`;
  return description ?? status ?? '';
}

function statusOf(resolver: StatusResolver, code: string | null | undefined, text: string): MilestoneStatus {
  const coded = resolver.resolve(code, text);
  const allowed = code ? DHL_REFINABLE[code.trim().toLowerCase()] : undefined;
  if (!allowed || !hasKeywordMatch(text)) return coded;
  const worded = statusFromKeywords(text);
  return allowed.includes(worded.milestone) ? worded : coded;
}

function countryOf(place: DhlShipment['origin']): string | null {
  const address = place?.address;
  return toCountryCode(address?.countryCode) ?? toCountryCode(address?.addressLocality);
}

function mapShipment(shipment: DhlShipment, path: string): MappedTracking {
  const resolver = createStatusResolver(DHL_STATUS_CODES, (code) => code.trim().toLowerCase());
  // A domestic shipment (origin country = destination country) gives zone-less scans a country.
  const origin = countryOf(shipment.origin);
  const domestic = origin && origin === countryOf(shipment.destination) ? origin : null;
  const events = shipment.events ?? [];
  const checkpoints: NormalizedCheckpoint[] = [];
  // Newest first in every capture (the spec says nothing); the sort orders them anyway.
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index];
    if (!event) continue;
    const address = event.location?.address;
    const country = countryOf(event.location) ?? domestic;
    const text = eventText(event);
    const time = requireTime(PROVIDER, `${path}.events[${index}].timestamp`, resolveCarrierTime(event.timestamp, country), event.timestamp);
    const location = makeLocation({
      text: address?.addressLocality,
      city: toCountryCode(address?.addressLocality) ? null : address?.addressLocality,
      postalCode: address?.postalCode,
      country: address?.countryCode ?? address?.addressLocality,
    });
    checkpoints.push(buildCheckpoint(statusOf(resolver, event.statusCode, text), time, location, event.statusCode ?? null, text));
  }
  const summaryResolver = createStatusResolver(DHL_STATUS_CODES, (code) => code.trim().toLowerCase());
  const summary = shipment.status ? statusOf(summaryResolver, shipment.status.statusCode, eventText(shipment.status)) : null;
  return assembleTracking({
    provider: PROVIDER,
    trackingNumber: shipment.id,
    carrier: 'dhl',
    checkpoints,
    summary,
    notFound: false,
    unknownCodes: [...resolver.unknownCodes, ...(checkpoints.length === 0 ? summaryResolver.unknownCodes : [])],
    estimatedDelivery: estimateOf(shipment),
  });
}

/** `estimatedTimeOfDelivery`, with the time frame's end as the latest date; the frame alone otherwise. */
function estimateOf(shipment: DhlShipment): DeliveryEstimate | null {
  const frame = shipment.estimatedDeliveryTimeFrame;
  return deliveryEstimate(shipment.estimatedTimeOfDelivery, frame?.estimatedFrom, frame?.estimatedThrough);
}

function latestActivity(shipment: DhlShipment): string {
  const stamps = [...(shipment.events ?? []).map((e) => e.timestamp), shipment.status?.timestamp ?? ''];
  return stamps.map((stamp) => resolveCarrierTime(stamp)?.occurredAt ?? '').sort().at(-1) ?? '';
}

/**
 * A `GET /track/shipments` response or its problem-detail error. 404 "No result found" is
 * `notFound`; other problems (401, 429, 400) throw. `shipments` can hold several entries
 * (divisions sharing a number): those matching the number (id or piece id) are candidates,
 * and the one with the most recent event is the current shipment.
 */
export function mapDhl(payload: unknown, options: MapOptions = {}): MappedTracking {
  if (typeof payload === 'object' && payload !== null && !('shipments' in payload) && 'status' in payload) {
    const problem = parseWith(PROVIDER, problemSchema, payload, 'DHL problem detail');
    if (problem.status === 404) {
      const number = options.trackingNumber ?? /\/shipment\/(.+)$/.exec(problem.instance ?? '')?.[1] ?? '';
      return notFoundTracking(PROVIDER, number, 'dhl', { code: '404', message: problem.detail ?? problem.title ?? '' });
    }
    throw new PayloadError(PROVIDER, `problem ${problem.status} ${problem.title ?? ''}: ${problem.detail ?? 'no detail'} (not a tracking answer)`);
  }
  const { shipments } = parseWith(PROVIDER, responseSchema, payload, 'shipments response');
  const wanted = options.trackingNumber;
  const matches = wanted
    ? shipments.filter((s) => sameTrackingNumber(s.id, wanted) || (s.details?.pieceIds ?? []).some((piece) => sameTrackingNumber(piece, wanted)))
    : shipments;
  const pool = matches.length > 0 ? matches : shipments;
  const ranked = pool.map((shipment) => ({ shipment, index: shipments.indexOf(shipment) }));
  const current = ranked.sort((a, b) => latestActivity(b.shipment).localeCompare(latestActivity(a.shipment)))[0];
  if (!current) return notFoundTracking(PROVIDER, wanted ?? '', 'dhl', { code: 'EMPTY', message: 'no shipments in the response' });
  return mapShipment(current.shipment, `shipments[${current.index}]`);
}
