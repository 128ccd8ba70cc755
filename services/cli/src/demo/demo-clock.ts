import { fixedClock, type Clock, type Instant } from '@parcelwatch/service-kit';
import type { DateTime, DurationLike } from 'luxon';

/**
 * The demo's clock. While the demo runs it is a fixed clock the runner advances step by step
 * (sleepers on it wake when a step reaches their time). `release()` then lets it run in real
 * time from where the demo left it, so the stack keeps serving with its loops, leases and
 * rate limits on a clock that moves; sleepers pending at the switch wake after the real time
 * they still had to wait.
 */
export interface DemoClock extends Clock {
  advance(by: DurationLike): DateTime;
  /**
   * From now on: the demo's end (or `at`, when given: a later instant), or real time if that is
   * later, + real time elapsed since the call. Never behind real time, so carrier pushes signed
   * with the real time pass the freshness check once the demo is over.
   */
  release(at?: Instant): void;
  readonly released: boolean;
}

export function demoClock(start: Instant, realNow: () => number = () => Date.now()): DemoClock {
  const simulated = fixedClock(start);
  const pending = new Set<{ wakeAt: number; resolve: () => void; reject: (reason: unknown) => void; signal: AbortSignal | undefined }>();
  let releasedAt: { real: number; simulated: DateTime } | null = null;

  const now = (): DateTime => (releasedAt === null ? simulated.now() : releasedAt.simulated.plus({ milliseconds: realNow() - releasedAt.real }));

  function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, Math.min(ms, 2_147_483_647)));
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  return {
    now,
    get released() {
      return releasedAt !== null;
    },
    advance(by) {
      if (releasedAt !== null) throw new Error('the demo clock runs in real time now; it cannot be advanced');
      return simulated.advance(by);
    },
    release(at) {
      if (releasedAt !== null) return;
      if (at !== undefined) simulated.set(at);
      if (simulated.now().toMillis() < realNow()) simulated.set(new Date(realNow()));
      releasedAt = { real: realNow(), simulated: simulated.now() };
      const from = releasedAt.simulated.toMillis();
      for (const sleeper of pending) {
        pending.delete(sleeper);
        realSleep(sleeper.wakeAt - from, sleeper.signal).then(sleeper.resolve, sleeper.reject);
      }
    },
    sleep(ms, signal) {
      if (releasedAt !== null) return realSleep(ms, signal);
      if (ms <= 0) return Promise.resolve();
      // Held here rather than on the fixed clock, so release() can move them to real timers.
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const sleeper = { wakeAt: simulated.now().toMillis() + ms, resolve, reject, signal };
        pending.add(sleeper);
        const abortController = new AbortController();
        const onAbort = () => {
          abortController.abort();
          if (pending.delete(sleeper)) reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        simulated.sleep!(ms, abortController.signal).then(
          () => {
            signal?.removeEventListener('abort', onAbort);
            if (pending.delete(sleeper)) resolve();
          },
          () => undefined,
        );
      });
    },
  };
}
