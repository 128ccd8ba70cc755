/**
 * When a compensation that failed retriably is tried again: exponential backoff from `baseMs`,
 * doubled per attempt up to `maxDelayMs`, with jitter (half the delay fixed, half random) so
 * that a marketplace coming back from an outage is not hit by every waiting payout at once.
 * Past `horizonMs` since the first failure of the run it gives up: long enough to ride out an
 * outage of a day, short enough that someone looks at a payout that never goes through.
 */
export interface RetrySchedule {
  baseMs: number;
  maxDelayMs: number;
  horizonMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { baseMs: 30_000, maxDelayMs: 30 * 60_000, horizonMs: 3 * 24 * 3_600_000 };

/** The delay before attempt `attempts + 1`, after `attempts` (>= 1) attempts failed; `random` in [0, 1). */
export function backoffDelayMs(schedule: RetrySchedule, attempts: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const ceiling = Math.min(schedule.maxDelayMs, schedule.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** The next attempt's time, or null when the run of failures began more than the horizon ago. */
export function nextAttemptAt(schedule: RetrySchedule, input: { attempts: number; firstFailedAt: Date | null; now: Date }, random?: () => number): Date | null {
  const began = input.firstFailedAt ?? input.now;
  if (input.now.getTime() - began.getTime() >= schedule.horizonMs) return null;
  return new Date(input.now.getTime() + backoffDelayMs(schedule, input.attempts, random));
}
