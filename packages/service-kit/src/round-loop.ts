import type { Logger } from '@parcelwatch/logger';
import type { Clock } from './clock.js';
import { sleep } from './clock.js';
import type { Service } from './service.js';

/** A background loop of rounds (dispatch, execution, sweep) on the Clock, until stopped. */
export interface RoundLoop {
  /** Stops sleeping at once and waits for a round in flight to finish. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Work just became due (another part of the process committed it): a sleeping loop runs a
   * round now; a round in flight is followed by another at once. Calls before that round coalesce.
   */
  wake(): void;
}

export interface RoundLoopOptions<T> {
  clock: Clock;
  /** Clock time between rounds. */
  intervalMs: number;
  round: () => Promise<T>;
  onSuccess?: (result: T) => void;
  /** A failed round is reported here; the next round retries (work is leased or idempotent). */
  onError: (err: unknown) => void;
  /** Run a round before the first wait (default false: wait first). */
  immediately?: boolean;
  /**
   * True when the round left work behind (it took a full batch): the next round runs at once
   * instead of after `intervalMs`, so a backlog drains at the speed of the work, not one batch
   * per interval. Default: always wait.
   */
  again?: (result: T) => boolean;
}

export function startRoundLoop<T>(options: RoundLoopOptions<T>): RoundLoop {
  const abort = new AbortController();
  const { signal } = abort;
  /** The current sleep's own signal (aborted by stop or by wake); null while a round runs. */
  let nap: AbortController | null = null;
  let woken = false;
  async function run(): Promise<void> {
    let wait = options.immediately !== true;
    while (!signal.aborted) {
      if (wait && !woken) {
        const napping = new AbortController();
        const onStop = () => napping.abort();
        signal.addEventListener('abort', onStop, { once: true });
        nap = napping;
        try {
          await sleep(options.clock, options.intervalMs, napping.signal);
        } catch {
          // Woken, or stopped (checked below).
        } finally {
          nap = null;
          signal.removeEventListener('abort', onStop);
        }
        if (signal.aborted) return;
      }
      wait = true;
      woken = false;
      try {
        const result = await options.round();
        options.onSuccess?.(result);
        if (options.again?.(result) === true) wait = false;
      } catch (err) {
        options.onError(err);
      }
    }
  }
  const done = run();
  return {
    async stop() {
      abort.abort();
      await done;
    },
    wake() {
      woken = true;
      nap?.abort();
    },
  };
}

export interface PeriodicJobOptions<T> extends Omit<RoundLoopOptions<T>, 'onError'> {
  name: string;
  logger: Logger;
  /** What a failed round logs (the next round tries again). */
  failureMessage: string;
}

/**
 * A Service running `round` on a RoundLoop from start() to stop(): healthy while running and
 * its last round did not fail. For jobs beside a service (rollups, pruning).
 */
export function createPeriodicJob<T>(options: PeriodicJobOptions<T>): Service {
  const { name, logger, failureMessage, ...loopOptions } = options;
  let loop: RoundLoop | null = null;
  let failing = false;
  return {
    name,
    async start() {
      if (loop !== null) return;
      loop = startRoundLoop({
        ...loopOptions,
        onSuccess: (result) => {
          failing = false;
          options.onSuccess?.(result);
        },
        onError: (err) => {
          failing = true;
          logger.error({ err }, failureMessage);
        },
      });
    },
    async stop() {
      const running = loop;
      loop = null;
      await running?.stop();
    },
    isHealthy: () => loop !== null && !failing,
  };
}
