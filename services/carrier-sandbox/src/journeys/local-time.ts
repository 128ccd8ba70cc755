import type { JourneyEvent } from './journey.types.js';

/** Pieces of a scan's local time the formatters assemble into each provider's shape. */
export interface LocalTimeParts {
  date: string;
  time: string;
  /** `+08:00`, or null when the carrier gives no zone. */
  offset: string | null;
  /** `2025-03-01T09:15:00+08:00`, or the bare local time when the zone is unknown. */
  iso: string;
  /** UTC without milliseconds (`2025-03-01T01:15:00Z`). */
  utc: string;
}

export function localTimeParts(event: JourneyEvent): LocalTimeParts {
  const [date, time] = event.localTime.split('T') as [string, string];
  const offset = event.zoneKnown ? event.utcOffset : null;
  return { date, time, offset, iso: offset ? `${event.localTime}${offset}` : event.localTime, utc: `${event.occurredAt.slice(0, 19)}Z` };
}

/** The newest shown checkpoint by true time: what providers report as the current status. */
export function latestEvent(events: readonly JourneyEvent[]): JourneyEvent | undefined {
  let latest: JourneyEvent | undefined;
  for (const event of events) if (!latest || event.occurredAt >= latest.occurredAt) latest = event;
  return latest;
}

/** Providers list newest first; a swapped pair (out-of-order fault) stays swapped. */
export function newestFirst(events: readonly JourneyEvent[]): JourneyEvent[] {
  return [...events].reverse();
}
