import { DateTime, IANAZone } from 'luxon';

/**
 * Calendar arithmetic in a buyer's zone, memoized: a sweep batch judges thousands of parcels
 * against a handful of zones, promised dates and one "now", and luxon's zone conversions
 * (an Intl round trip each) would dominate the batch. Day counts are done on calendar dates,
 * never on 24-hour spans, so DST changes cannot shift them.
 */
const MAX_MEMO = 50_000;
const validZones = new Map<string, boolean>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const dayStarts = new Map<string, number>();
const shiftedDates = new Map<string, string>();
const RECENT_DAYS = 16;
const recentDays = new Map<string, Array<{ date: string; from: number; to: number }>>();

function remember<K, V>(memo: Map<K, V>, key: K, value: V): V {
  if (memo.size >= MAX_MEMO) memo.clear();
  memo.set(key, value);
  return value;
}

/** An unknown zone name must not break detection: such buyers are judged in UTC. */
export function safeZone(zone: string): string {
  const known = validZones.get(zone) ?? remember(validZones, zone, IANAZone.isValidZone(zone));
  return known ? zone : 'UTC';
}

/**
 * The local calendar date ("2025-03-14") at instant `ms` in `zone`. The last few days found in
 * each zone are kept with their bounds: a batch asks about one "now" and a handful of other days
 * (the ends of the lanes' transit times), and an instant within known bounds needs no Intl
 * formatting.
 */
export function localDateOf(ms: number, zone: string): string {
  const known = recentDays.get(zone) ?? remember(recentDays, zone, []);
  for (const day of known) if (ms >= day.from && ms < day.to) return day.date;
  const date = formatLocalDate(ms, zone);
  if (known.length >= RECENT_DAYS) known.shift();
  known.push({ date, from: startOfLocalDay(date, zone), to: startOfLocalDay(addDays(date, 1), zone) });
  return date;
}

function formatLocalDate(ms: number, zone: string): string {
  let format = dateFormats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', calendar: 'iso8601', numberingSystem: 'latn' });
    dateFormats.set(zone, format);
  }
  let year = '';
  let month = '';
  let day = '';
  for (const part of format.formatToParts(ms)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}`;
}

/** The instant a local date starts in `zone` (its first existing moment, across DST gaps). */
export function startOfLocalDay(date: string, zone: string): number {
  const key = `${zone}|${date}`;
  return dayStarts.get(key) ?? remember(dayStarts, key, DateTime.fromISO(date, { zone }).toMillis());
}

const utcDays = (date: string): number => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;

/** Whole calendar days from `from` to `to` (dates, no zone involved). */
export function daysBetween(from: string, to: string): number {
  return utcDays(to) - utcDays(from);
}

export function addDays(date: string, days: number): string {
  const key = `${date}|${days}`;
  return shiftedDates.get(key) ?? remember(shiftedDates, key, new Date((utcDays(date) + days) * 86_400_000).toISOString().slice(0, 10));
}
