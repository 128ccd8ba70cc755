import type { DeliveryEstimate } from '@parcelwatch/carriers';
import type { EstimatedDelivery } from '@parcelwatch/contracts';
import { DateTime } from 'luxon';
import type { ParcelState } from './parcel-state.js';

const DAY_MS = 86_400_000;

/** Transit days from the first carrier scan to delivery, measured on a carrier + lane. */
export interface LaneTransitFigures {
  samples: number;
  p50Days: number;
  p90Days: number;
}

export interface EstimatePolicy {
  /** Deliveries a lane needs before its p50/p90 become a buyer-facing estimate. */
  minHistorySamples: number;
}

/**
 * A carrier's estimate names a day in the recipient's calendar. It is kept as noon of that
 * day in the buyer's zone, so the buyer's message, the api and the dashboard show the day the
 * carrier named (midnight would slip to the day before anywhere west of the zone it was taken in).
 */
function noonOf(date: string, zone: string): string {
  const local = DateTime.fromISO(`${date}T12:00:00`, { zone });
  const placed = local.isValid ? local : DateTime.fromISO(`${date}T12:00:00`, { zone: 'utc' });
  return placed.toUTC().toISO({ suppressMilliseconds: true }) ?? `${date}T12:00:00Z`;
}

export function carrierEstimate(estimate: DeliveryEstimate, buyerTimezone: string): EstimatedDelivery {
  return {
    at: noonOf(estimate.date, buyerTimezone),
    latestAt: estimate.latestDate === null ? null : noonOf(estimate.latestDate, buyerTimezone),
    source: 'carrier',
  };
}

/** The first carrier scan plus the lane's median transit, with its p90 as the late bound. */
export function learnedEstimate(pickedUpAt: string, transit: LaneTransitFigures): EstimatedDelivery {
  const start = Date.parse(pickedUpAt);
  const iso = (days: number): string => new Date(start + Math.round(days * DAY_MS)).toISOString().replace('.000Z', 'Z');
  return { at: iso(transit.p50Days), latestAt: iso(Math.max(transit.p90Days, transit.p50Days)), source: 'learned' };
}

/** A shipment that can take a learned estimate once its lane has enough history. */
export function awaitsLearnedEstimate(state: ParcelState): boolean {
  return (
    state.estimatedDelivery === null &&
    state.milestones.picked_up_at !== null &&
    state.milestones.delivered_at === null &&
    state.originCountry !== null &&
    state.destinationCountry !== null
  );
}

const sameEstimate = (a: EstimatedDelivery | null, b: EstimatedDelivery): boolean =>
  a !== null && a.at === b.at && a.latestAt === b.latestAt && a.source === b.source;

/**
 * The shipment's estimate after a snapshot. The carrier's own estimate wins and follows its
 * revisions; without one, an estimate already held stays, and a shipment that has shipped
 * takes the learned p50/p90 when its lane has `minHistorySamples` deliveries. Returns the same
 * object when nothing changes.
 */
export function nextEstimate(
  state: ParcelState,
  carrier: DeliveryEstimate | null,
  lane: LaneTransitFigures | undefined,
  policy: EstimatePolicy,
): ParcelState {
  if (carrier !== null) {
    const estimate = carrierEstimate(carrier, state.buyerTimezone);
    return sameEstimate(state.estimatedDelivery, estimate) ? state : { ...state, estimatedDelivery: estimate };
  }
  if (!awaitsLearnedEstimate(state) || lane === undefined || lane.samples < policy.minHistorySamples) return state;
  return { ...state, estimatedDelivery: learnedEstimate(state.milestones.picked_up_at!, lane) };
}
