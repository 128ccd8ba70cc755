import { DAY_MS, type TrackingState } from './detection.types.js';
import { addDays, daysBetween, localDateOf, safeZone, startOfLocalDay } from './local-calendar.js';
import { delayTier, type DelayTier, type PolicyFile } from '@parcelwatch/policy';
import type { Thresholds } from './thresholds.js';

export { safeZone };

export type DelayAgainst = 'promised' | 'estimated';
/** The policy's day thresholds of tiers 1 and 2. */
export type DelayTiers = Pick<PolicyFile['tiers'], 'tier1' | 'tier2'>;

/** A local calendar date whose end, in `timeZone`, is the delivery deadline. */
export interface DelayReference {
  against: DelayAgainst;
  date: string;
  timeZone: string;
}

export interface DelayAssessment {
  reference: DelayReference;
  /** End of the reference date in its zone (= start of the next local day), epoch ms. */
  deadline: number;
  /** Whole buyer-calendar days past the reference date; 0 before the deadline. */
  daysLate: number;
  tier: DelayTier | null;
  /** When daysLate next grows (the next local midnight); null once the journey is over. */
  nextCheckAt: number | null;
}

/** Transit days from pickup to delivery for a carrier + lane: measured, or the defaults. */
export interface TransitEstimate {
  p50Days: number;
  p90Days: number;
  samples: number;
  source: 'history' | 'default';
}

/** End of `date` in `zone`: the next local midnight, which luxon finds across DST changes. */
export function deadlineOf(date: string, zone: string): number {
  return startOfLocalDay(addDays(date, 1), zone);
}

/**
 * Days late as of `asOf`: counted in the zone's calendar days, not 24-hour periods, so a
 * 23- or 25-hour day at a DST change never shifts the count. One day late from the deadline
 * to the next local midnight, two days after that, and so on.
 */
export function assessDelay(
  reference: DelayReference,
  asOf: number,
  journeyOver: boolean,
  limits: Pick<Thresholds['late'], 'maxTrackedDays'>,
  tiers: DelayTiers,
): DelayAssessment {
  const deadline = deadlineOf(reference.date, reference.timeZone);
  if (asOf < deadline) return { reference, deadline, daysLate: 0, tier: null, nextCheckAt: journeyOver ? null : deadline };
  const today = localDateOf(asOf, reference.timeZone);
  const daysLate = daysBetween(reference.date, today);
  const nextCheckAt = journeyOver || daysLate >= limits.maxTrackedDays ? null : startOfLocalDay(addDays(today, 1), reference.timeZone);
  return { reference, deadline, daysLate, tier: delayTier(tiers, daysLate), nextCheckAt };
}

/**
 * Late against what: the promised date when there is one; otherwise the date the carrier +
 * lane's history says 90% of parcels are delivered by (p90 transit days after pickup, in the
 * buyer's zone). p90, not p50: half of all parcels arrive after the median, and calling them
 * late would flood the after-sales queue. Null before pickup (no clock has started).
 */
export function delayReference(state: TrackingState, estimate: TransitEstimate): DelayReference | null {
  const timeZone = safeZone(state.buyerTimezone);
  if (state.promisedDeliveryDate !== null) return { against: 'promised', date: state.promisedDeliveryDate, timeZone };
  if (state.pickedUpAt === null) return null;
  return { against: 'estimated', date: localDateOf(state.pickedUpAt + Math.ceil(estimate.p90Days) * DAY_MS, timeZone), timeZone };
}

/** The history's figures once there are enough deliveries, else the configured defaults. */
export function transitEstimate(history: { p50Days: number; p90Days: number; samples: number } | undefined, late: Thresholds['late']): TransitEstimate {
  if (history !== undefined && history.samples >= late.minHistorySamples) return { ...history, source: 'history' };
  return { p50Days: late.defaultP50Days, p90Days: late.defaultP90Days, samples: history?.samples ?? 0, source: 'default' };
}
