import { DateTime } from 'luxon';
import type { QuietHours } from './notification-settings.js';

/*
 * When a buyer message may go out: never in the buyer's quiet hours (it waits until they end,
 * it is never dropped) and at most `dailyCap` messages per shipment per buyer-local day (the
 * rest wait for the next day's first minute outside quiet hours). Pure: the caller passes the
 * times; luxon with IANA zones handles quiet hours across midnight and DST days.
 */

export type DeferReason = 'quiet_hours' | 'daily_cap';

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The instant `hhmm` (wall clock) on `day`'s local date; a time skipped by DST moves forward (luxon). */
function atLocal(day: DateTime, hhmm: string): DateTime {
  const minutes = minutesOf(hhmm);
  return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone: day.zone });
}

/** Null when `at` is outside quiet hours in `zone`; else the instant they end. */
export function quietHoursEnd(at: DateTime, zone: string, quietHours: QuietHours | null): DateTime | null {
  if (quietHours === null) return null;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return null;
  const local = at.setZone(zone);
  const minute = local.hour * 60 + local.minute;
  if (start > end) {
    // Across midnight, e.g. 21:00-08:00: the evening part ends tomorrow, the morning part today.
    if (minute >= start) return atLocal(local.plus({ days: 1 }), quietHours.end).toUTC();
    if (minute < end) return atLocal(local, quietHours.end).toUTC();
    return null;
  }
  if (minute >= start && minute < end) return atLocal(local, quietHours.end).toUTC();
  return null;
}

/** The first instant of the local day after `at`'s that is outside quiet hours. */
export function nextDayFirstSendable(at: DateTime, zone: string, quietHours: QuietHours | null): DateTime {
  const nextDay = at.setZone(zone).plus({ days: 1 }).startOf('day');
  return (quietHoursEnd(nextDay, zone, quietHours) ?? nextDay).toUTC();
}

/** The buyer-local date of an instant, e.g. "2025-03-01": the unit of the daily cap. */
export function localDay(at: DateTime, zone: string): string {
  return at.setZone(zone).toISODate() ?? '';
}

export interface ScheduleInput {
  /** When the event happened; a message never goes out before it. */
  occurredAt: DateTime;
  now: DateTime;
  /** The buyer's IANA zone. */
  zone: string;
  quietHours: QuietHours | null;
  dailyCap: number;
  /** When this shipment's other intents go (or went) out, one instant per intent. */
  otherIntents: readonly DateTime[];
}

export interface ScheduleDecision {
  at: DateTime;
  deferReason: DeferReason | null;
}

/** The send time of one intent: the later of event time and now, moved out of quiet hours and full days. */
export function scheduleIntent(input: ScheduleInput): ScheduleDecision {
  let at = input.occurredAt > input.now ? input.occurredAt : input.now;
  let quiet = false;
  let capped = false;
  const perDay = new Map<string, number>();
  for (const other of input.otherIntents) {
    const day = localDay(other, input.zone);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  // Bounded: each full day moves one day on, and a shipment never has a year of messages queued.
  for (let guard = 0; guard < 400; guard += 1) {
    const end = quietHoursEnd(at, input.zone, input.quietHours);
    if (end !== null) {
      at = end;
      quiet = true;
    }
    if ((perDay.get(localDay(at, input.zone)) ?? 0) < input.dailyCap) break;
    at = nextDayFirstSendable(at, input.zone, input.quietHours);
    capped = true;
  }
  return { at: at.toUTC(), deferReason: capped ? 'daily_cap' : quiet ? 'quiet_hours' : null };
}

/**
 * At send time: may a due message go now? `sentToday` is how many of this shipment's other
 * intents were already sent on the buyer's current local day. Returns null to send now.
 */
export function sendTimeCheck(input: { now: DateTime; zone: string; quietHours: QuietHours | null; dailyCap: number; sentToday: number }): ScheduleDecision | null {
  const end = quietHoursEnd(input.now, input.zone, input.quietHours);
  if (end !== null) return { at: end, deferReason: 'quiet_hours' };
  if (input.sentToday >= input.dailyCap) return { at: nextDayFirstSendable(input.now, input.zone, input.quietHours), deferReason: 'daily_cap' };
  return null;
}
