import { DateTime, Duration, type DurationLike } from 'luxon';

/**
 * Where every service reads the time. Production runs on the system clock, tests freeze it,
 * and the demo runs it fast so weeks of parcel journeys play out in minutes.
 * `now()` is always in UTC; convert to a buyer's zone only for display and quiet hours.
 */
export interface Clock {
  now(): DateTime;
  /**
   * Waits `ms` of this clock's time. Optional: a clock without it is waited on in real
   * time. Use the free `sleep()` rather than calling this directly.
   */
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => DateTime.utc(),
  sleep: realSleep,
};

export type Instant = DateTime | Date | string;

function toUtc(at: Instant): DateTime {
  const value = typeof at === 'string' ? DateTime.fromISO(at, { setZone: true }) : at instanceof Date ? DateTime.fromJSDate(at) : at;
  if (!value.isValid) throw new Error(`invalid instant: ${value.invalidExplanation ?? String(at)}`);
  return value.toUTC();
}

export interface FixedClock extends Clock {
  /** Moves time forward and wakes the sleepers whose time has come; returns the new now. */
  advance(by: DurationLike): DateTime;
  /** Jumps to an instant (forward or back); wakes sleepers that are now due. */
  set(at: Instant): DateTime;
}

/**
 * Time stands still until the test moves it. A sleep on this clock resolves when
 * advance()/set() reaches its wake-up time, never by real time passing, so a test can
 * drive a 5-day stall timer with `clock.advance({ days: 5 })`.
 */
export function fixedClock(at: Instant): FixedClock {
  let current = toUtc(at);
  const sleepers: { wakeAt: number; resolve: () => void }[] = [];

  function wakeDue(): void {
    const nowMs = current.toMillis();
    for (let i = sleepers.length - 1; i >= 0; i -= 1) {
      const sleeper = sleepers[i]!;
      if (sleeper.wakeAt <= nowMs) {
        sleepers.splice(i, 1);
        sleeper.resolve();
      }
    }
  }

  return {
    now: () => current,
    advance(by) {
      const duration = Duration.fromDurationLike(by);
      if (duration.toMillis() < 0) throw new Error('a fixed clock only advances forward; use set() to go back');
      current = current.plus(duration);
      wakeDue();
      return current;
    },
    set(instant) {
      current = toUtc(instant);
      wakeDue();
      return current;
    },
    sleep(ms, signal) {
      if (ms <= 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const sleeper = {
          wakeAt: current.toMillis() + ms,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const index = sleepers.indexOf(sleeper);
          if (index >= 0) sleepers.splice(index, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        sleepers.push(sleeper);
      });
    },
  };
}

export interface AcceleratedClock extends Clock {
  readonly factor: number;
}

export interface AcceleratedClockOptions {
  /** Simulated time at the moment the clock is created. */
  start: Instant;
  /** Simulated milliseconds per real millisecond: 3600 turns an hour into a second. */
  factor: number;
  /** Real time source in ms (injectable for tests); defaults to performance.now(). */
  realNow?: () => number;
}

/**
 * Simulated time = start + (real time elapsed since creation) × factor. A sleep of a
 * simulated duration waits that duration divided by the factor in real time.
 */
export function acceleratedClock(options: AcceleratedClockOptions): AcceleratedClock {
  if (!(options.factor > 0) || !Number.isFinite(options.factor)) throw new Error('factor must be a positive finite number');
  const realNow = options.realNow ?? (() => performance.now());
  const start = toUtc(options.start);
  const realStart = realNow();
  const { factor } = options;
  return {
    factor,
    now: () => start.plus({ milliseconds: Math.round((realNow() - realStart) * factor) }),
    sleep: (ms, signal) => realSleep(ms / factor, signal),
  };
}

/**
 * Waits `duration` on `clock`: real time on the system clock, duration ÷ factor on an
 * accelerated clock, and until the test advances a fixed clock. Calendar units (months,
 * years) are converted with luxon's casual lengths (a month = 30 days); use hours or days
 * for exact waits. Rejects with the signal's reason when aborted.
 */
export function sleep(clock: Clock, duration: DurationLike, signal?: AbortSignal): Promise<void> {
  const ms = Duration.fromDurationLike(duration).toMillis();
  return clock.sleep ? clock.sleep(ms, signal) : realSleep(ms, signal);
}

// setTimeout fires at once for delays above 2^31-1 ms (~24.8 days); longer waits are chained.
const MAX_TIMER_MS = 2_147_483_647;

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let remaining = Math.max(0, ms);
    let timer: NodeJS.Timeout;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const wait = () => {
      const step = Math.min(remaining, MAX_TIMER_MS);
      remaining -= step;
      timer = setTimeout(() => {
        if (remaining > 0) return wait();
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, step);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    wait();
  });
}
