import { DateTime } from 'luxon';

/**
 * A provider's own delivery estimate, as calendar dates in the recipient's local time
 * (`YYYY-MM-DD`). Carriers publish a day, not an instant (UPS `20240202`, AfterShip
 * `2021-07-05`, USPS a zone-less midnight, 17TRACK midnight with an offset), so the date the
 * carrier states is what is kept; an offset or time of day never moves it to another day.
 * `latestDate` is the end of a window (17TRACK `to`, DHL `estimatedThrough`, AfterShip
 * `_max`) when the provider gives one.
 */
export type DeliveryEstimate = { date: string; latestDate: string | null };

/** The calendar date a provider's estimate text names, or null when it names none. */
export function estimateDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})-?(\d{2})-?(\d{2})(?:$|[T ])/.exec(value.trim());
  if (!match) return null;
  const date = `${match[1]}-${match[2]}-${match[3]}`;
  return DateTime.fromISO(date, { zone: 'utc' }).isValid ? date : null;
}

/**
 * The estimate from a point date and/or a window. The point wins; a window alone gives its
 * start as the date and its end as the latest date. An end before the date is dropped.
 */
export function deliveryEstimate(point: unknown, from?: unknown, to?: unknown): DeliveryEstimate | null {
  const latest = estimateDate(to);
  const date = estimateDate(point) ?? estimateDate(from) ?? latest;
  if (date === null) return null;
  return { date, latestDate: latest !== null && latest >= date ? latest : null };
}

/** The first estimate found, in the caller's order of trust. */
export function firstEstimate(...estimates: Array<DeliveryEstimate | null>): DeliveryEstimate | null {
  return estimates.find((estimate) => estimate !== null) ?? null;
}
