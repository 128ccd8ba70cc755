import type { MilestoneStatus } from '@parcelwatch/contracts';
import { DateTime } from 'luxon';
import { drawCarrierEstimate } from './carrier-estimate.js';
import { destinationHub, EXPORT_GATEWAYS, LANES, ORIGIN_CITIES } from './lanes.js';
import { hashText, seededRandom, type Random } from './seeded-random.js';
import {
  DEFAULT_JOURNEY_RATES,
  type Journey,
  type JourneyEvent,
  type JourneyEventKind,
  type JourneyIncident,
  type JourneyOutcome,
  type JourneyRates,
  type Lane,
  type Place,
} from './journey.types.js';

export interface JourneyRequest {
  trackingNumber: string;
  /** Instant the label is created; the journey unfolds from here. */
  shippedAt: DateTime;
  lane?: Lane;
  /** Forces an outcome instead of drawing it from the rates. */
  outcome?: JourneyOutcome;
  /** Forces incidents in addition to the ones drawn from the rates. */
  incidents?: readonly JourneyIncident[];
  orderId?: string;
  /** Forces whether the carrier publishes a delivery estimate (drawn otherwise). */
  carrierEstimate?: boolean;
}

/**
 * One realistic CN cross-border journey. Everything random is drawn from a generator seeded
 * by (seed, tracking number), so the same inputs always give the same journey.
 */
export function generateJourney(seed: number, request: JourneyRequest, rates: JourneyRates = DEFAULT_JOURNEY_RATES): Journey {
  const rng = seededRandom(hashText(`${seed}:${request.trackingNumber}`));
  const lane: Lane = request.lane ?? (rng.chance(0.6) ? 'CN-US' : 'CN-EU');
  const spec = LANES[lane];
  const origin = rng.pick(ORIGIN_CITIES);
  const exportGateway = rng.pick(EXPORT_GATEWAYS);
  const importGateway = rng.pick(spec.gateways);
  const destination = rng.pick(spec.destinations);
  const hub = destinationHub(destination);

  const forced = new Set(request.incidents ?? []);
  const outcome: JourneyOutcome = request.outcome ?? drawOutcome(rng, rates);
  const stall = rng.chance(rates.stall) || forced.has('stall');
  const customsHold = rng.chance(rates.customsDocuments) || forced.has('customs_documents');
  const damaged = rng.chance(rates.damaged) || forced.has('damaged');
  let failures = rng.chance(rates.failedAttempt) || forced.has('failed_attempts') ? rng.int(1, 3) : 0;
  if (outcome === 'returned' && failures === 0) failures = rng.int(1, 3);
  const originZoneKnown = !rng.chance(rates.noZone);
  const destinationZoneKnown = !rng.chance(rates.noZone);
  const lostAtHub = rng.chance(0.5);
  const silentLoss = outcome === 'lost' && (rng.chance(0.5) || forced.has('silent_loss'));
  // Drawn from nothing: forcing it leaves every other draw, and so every other journey, unchanged.
  const missorted = outcome === 'returned' && forced.has('missorted');
  const silentUntilDelivery = outcome === 'delivered' && forced.has('silent_until_delivery');
  const overnightOutForDelivery = outcome === 'delivered' && forced.has('out_for_delivery_overnight');

  const events: JourneyEvent[] = [];
  // The cursor, epoch ms: plain arithmetic keeps generation cheap for large demo batches.
  let t = request.shippedAt.toMillis();
  const push = (kind: JourneyEventKind, at: Place, status: MilestoneStatus, zoneKnown: boolean): void => {
    const ms = t;
    const offset = zoneOffsetMinutes(at.zone, ms);
    events.push({
      ...status,
      seq: events.length,
      kind,
      occurredAt: new Date(ms).toISOString(),
      localTime: new Date(ms + offset * 60_000).toISOString().slice(0, 19),
      utcOffset: offsetText(offset),
      zoneKnown,
      place: at,
      wording: 0,
    });
  };
  const after = (minHours: number, maxHours: number): void => {
    // Whole minutes: carriers report minute precision.
    t += Math.round(rng.between(minHours, maxHours) * 60) * 60_000;
  };
  const nextWorkingTime = (zone: string, fromHour: number, toHour: number): void => {
    const hour = new Date(t + zoneOffsetMinutes(zone, t) * 60_000).getUTCHours();
    if (hour >= toHour) setLocalTime(zone, 1, fromHour, rng.int(0, 59));
    else if (hour < fromHour) setLocalTime(zone, 0, fromHour, rng.int(0, 59));
  };
  /** Moves the cursor to hour:minute local time, `days` after the cursor's local date. */
  const setLocalTime = (zone: string, days: number, hour: number, minute: number): void => {
    const local = new Date(t + zoneOffsetMinutes(zone, t) * 60_000);
    const wall = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days, hour, minute);
    // Wall time back to UTC with the offset in force then (DST may differ from the cursor's).
    t = wall - zoneOffsetMinutes(zone, wall - zoneOffsetMinutes(zone, wall) * 60_000) * 60_000;
  };

  push('label_created', origin, { milestone: 'info_received', reason: 'label_created' }, originZoneKnown);
  after(4, 30);
  push('picked_up', origin, { milestone: 'in_transit', reason: 'picked_up' }, originZoneKnown);
  after(3, 10);
  push('origin_hub_arrival', origin, { milestone: 'in_transit', reason: 'arrived_hub' }, originZoneKnown);
  after(12, 36);
  push('export_customs', exportGateway, { milestone: 'in_transit', reason: 'customs_processing' }, originZoneKnown);
  after(4, 20);
  push('departed_origin', exportGateway, { milestone: 'in_transit', reason: 'departed_origin' }, originZoneKnown);

  const incidents: JourneyIncident[] = [];
  const finishLost = (at: Place, zoneKnown: boolean): Journey => {
    if (silentLoss) incidents.push('silent_loss');
    else {
      after(15 * 24, 25 * 24);
      push('lost', at, { milestone: 'exception', reason: 'lost' }, zoneKnown);
    }
    return build();
  };
  const build = (): Journey => ({
    trackingNumber: request.trackingNumber,
    orderId: request.orderId ?? orderIdFor(request.trackingNumber),
    lane,
    originCarrier: rng.pick(spec.originCarriers),
    lastMileCarrier: rng.pick(spec.lastMileCarriers),
    origin,
    destination,
    shippedAt: request.shippedAt.toUTC().toISO()!,
    promisedDeliveryDate: request.shippedAt.setZone(destination.zone).plus({ days: spec.promisedDays }).toISODate()!,
    outcome,
    incidents,
    failedAttempts: events.filter((event) => event.kind === 'failed_attempt').length,
    events,
    carrierEstimate: drawCarrierEstimate(seed, request.trackingNumber, events, destination.zone, spec.promisedDays, request.carrierEstimate),
    finalStatus: silentLoss ? { milestone: 'exception', reason: 'lost' } : statusOf(events[events.length - 1]!),
  });

  if (stall) {
    incidents.push('stall');
    after(6 * 24, 12 * 24);
  }
  if (silentUntilDelivery) {
    incidents.push('silent_until_delivery');
    after(32 * 24, 35 * 24);
    nextWorkingTime(destination.zone, 9, 19);
    push('delivered', destination, { milestone: 'delivered', reason: 'left_at_door' }, destinationZoneKnown);
    return build();
  }
  if (outcome === 'lost' && !lostAtHub) return finishLost(exportGateway, originZoneKnown);

  after(14, 60);
  push('arrived_destination', importGateway, { milestone: 'in_transit', reason: 'arrived_destination_country' }, destinationZoneKnown);
  after(2, 10);
  push('import_customs', importGateway, { milestone: 'in_transit', reason: 'customs_processing' }, destinationZoneKnown);
  after(6, 30);
  if (customsHold) {
    incidents.push('customs_documents');
    push('customs_hold_documents', importGateway, { milestone: 'exception', reason: 'customs_documents_required' }, destinationZoneKnown);
    after(2 * 24, 6 * 24);
  }
  push('customs_released', importGateway, { milestone: 'in_transit', reason: 'customs_released' }, destinationZoneKnown);
  after(8, 40);
  push('destination_hub_arrival', hub, { milestone: 'in_transit', reason: 'arrived_hub' }, destinationZoneKnown);
  if (damaged) {
    incidents.push('damaged');
    after(1, 6);
    push('damaged', hub, { milestone: 'exception', reason: 'damaged' }, destinationZoneKnown);
  }
  if (outcome === 'lost') return finishLost(hub, destinationZoneKnown);
  if (missorted) {
    incidents.push('missorted');
    after(3, 12);
    push('missorted', hub, { milestone: 'exception', reason: 'delayed_carrier' }, destinationZoneKnown);
    after(24, 3 * 24);
    push('returning', hub, { milestone: 'exception', reason: 'returning' }, destinationZoneKnown);
    after(4 * 24, 10 * 24);
    push('returned', hub, { milestone: 'exception', reason: 'returned' }, destinationZoneKnown);
    return build();
  }
  after(3, 12);
  push('departed_hub', hub, { milestone: 'in_transit', reason: 'departed_hub' }, destinationZoneKnown);
  after(6, 20);

  const zone = destination.zone;
  for (let attempt = 1; attempt <= Math.max(1, failures); attempt += 1) {
    nextWorkingTime(zone, 7, 10);
    push('out_for_delivery', destination, { milestone: 'out_for_delivery', reason: 'out_for_delivery' }, destinationZoneKnown);
    if (attempt > failures) break;
    after(2, 9);
    const refused = outcome === 'returned' && attempt === failures && failures < 3;
    const reason = refused ? 'refused' : rng.pick(['recipient_unavailable', 'recipient_unavailable', 'business_closed', 'address_issue'] as const);
    push('failed_attempt', destination, { milestone: 'failed_attempt', reason }, destinationZoneKnown);
    after(14, 24);
  }
  if (failures > 0) incidents.push('failed_attempts');

  if (failures >= 3) {
    nextWorkingTime(zone, 8, 18);
    push('available_for_pickup', destination, { milestone: 'available_for_pickup', reason: 'at_pickup_point' }, destinationZoneKnown);
  }
  if (outcome === 'returned') {
    after(failures >= 3 ? 5 * 24 : 4, failures >= 3 ? 7 * 24 : 30);
    push('returning', hub, { milestone: 'exception', reason: 'returning' }, destinationZoneKnown);
    after(4 * 24, 10 * 24);
    push('returned', hub, { milestone: 'exception', reason: 'returned' }, destinationZoneKnown);
    return build();
  }
  if (failures >= 3) {
    after(24, 4 * 24);
    nextWorkingTime(zone, 9, 19);
    push('delivered', destination, { milestone: 'delivered', reason: 'pickup_point' }, destinationZoneKnown);
  } else if (overnightOutForDelivery && failures === 0) {
    incidents.push('out_for_delivery_overnight');
    after(48, 56);
    nextWorkingTime(zone, 9, 20);
    push('delivered', destination, { milestone: 'delivered', reason: 'signed' }, destinationZoneKnown);
  } else {
    if (failures === 0) after(1, 6);
    nextWorkingTime(zone, 9, 20);
    push('delivered', destination, { milestone: 'delivered', reason: rng.chance(0.6) ? 'left_at_door' : 'signed' }, destinationZoneKnown);
  }
  return build();
}

const pad = (value: number): string => String(value).padStart(2, '0');
const HOUR_MS = 3_600_000;
const offsetCache = new Map<string, number>();

/**
 * A zone's UTC offset at an instant, cached per zone and UTC hour: the lanes' zones change
 * offset only on whole UTC hours, and luxon's Intl lookup dominates generation time otherwise.
 */
function zoneOffsetMinutes(zone: string, ms: number): number {
  const hour = Math.floor(ms / HOUR_MS);
  const key = `${zone}:${hour}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    offset = DateTime.fromMillis(hour * HOUR_MS, { zone }).offset;
    if (offsetCache.size > 200_000) offsetCache.clear();
    offsetCache.set(key, offset);
  }
  return offset;
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function drawOutcome(rng: Random, rates: JourneyRates): JourneyOutcome {
  const draw = rng.next();
  if (draw < rates.lost) return 'lost';
  if (draw < rates.lost + rates.returned) return 'returned';
  return 'delivered';
}

function statusOf(event: JourneyEvent): MilestoneStatus {
  return { milestone: event.milestone, reason: event.reason } as MilestoneStatus;
}

/** A TikTok Shop style 18-digit order id derived from the tracking number. */
export function orderIdFor(trackingNumber: string): string {
  const rng = seededRandom(hashText(`order:${trackingNumber}`));
  let digits = '57';
  while (digits.length < 18) digits += String(rng.int(0, 9));
  return digits;
}
