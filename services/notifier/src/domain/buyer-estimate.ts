import { DateTime } from 'luxon';

/**
 * The estimated delivery a shipped message shows when it is sent. The shipment's current
 * estimate wins over the one planned: a carrier often publishes its estimate a poll or two
 * after the first scan, and revises it, while the message may wait for quiet hours. An
 * estimate whose day has already ended in the buyer's zone is left out: a buyer told to expect
 * a parcel yesterday learns nothing but that it is late.
 */
export function estimateForBuyer(planned: string | null, current: Date | null, now: DateTime, zone: string): string | null {
  const estimate = current === null ? planned : current.toISOString();
  if (estimate === null) return null;
  const endOfDay = DateTime.fromISO(estimate, { zone: 'utc' }).setZone(zone).endOf('day');
  return endOfDay.isValid && endOfDay < now ? null : estimate;
}
