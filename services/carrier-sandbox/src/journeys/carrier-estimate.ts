import { DateTime } from 'luxon';
import type { Journey, JourneyEvent } from './journey.types.js';
import { hashText, seededRandom } from './seeded-random.js';

/** A carrier's delivery estimate: days in the recipient's calendar, a window from `date` to `latestDate`. */
export interface CarrierEstimate {
  date: string;
  latestDate: string;
}

/** Share of journeys whose carrier publishes an estimate (postal consolidators often give none). */
export const ESTIMATE_RATE = 0.65;

/**
 * The carrier's estimate for a journey, drawn from its own seeded stream (so adding it changed no
 * journey's events): the lane's usual transit from the pickup day, one to four days under the
 * seller's promise, with a window of one to three days. `publish` forces whether there is one.
 */
export function drawCarrierEstimate(
  seed: number,
  trackingNumber: string,
  events: readonly JourneyEvent[],
  destinationZone: string,
  promisedDays: number,
  publish?: boolean,
): CarrierEstimate | null {
  const rng = seededRandom(hashText(`${seed}:${trackingNumber}:estimate`));
  const published = rng.chance(ESTIMATE_RATE);
  const pickedUp = events.find((event) => event.kind === 'picked_up');
  if (!(publish ?? published) || pickedUp === undefined) return null;
  const start = DateTime.fromISO(pickedUp.occurredAt, { zone: destinationZone });
  const date = start.plus({ days: promisedDays - rng.int(1, 4) });
  return { date: date.toISODate()!, latestDate: date.plus({ days: rng.int(1, 3) }).toISODate()! };
}

/** What a carrier shows at a moment: its estimate, once it has scanned the parcel (never on a bare label). */
export function visibleEstimate(journey: Journey, events: readonly JourneyEvent[]): CarrierEstimate | null {
  return events.some((event) => event.kind === 'picked_up') ? journey.carrierEstimate : null;
}

/** Midnight of an estimate's day in the recipient's zone, with its offset (`2026-07-08T00:00:00-07:00`). */
export function estimateMidnight(date: string, zone: string): string {
  return DateTime.fromISO(date, { zone }).toISO({ suppressMilliseconds: true, includeOffset: true })!;
}
