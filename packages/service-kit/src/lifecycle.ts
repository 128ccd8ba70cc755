import type { Logger } from '@parcelwatch/logger';

/** Closes one resource: a consumer, a producer, a pool, a server. */
export type Closer = () => Promise<void> | void;

export interface Lifecycle {
  /**
   * Registers a closer. Closers run in reverse registration order (LIFO), so register in
   * the order you open things: pool, producer, consumer. Stop then runs consumer (stop
   * taking work, finish in-flight), producer (flush), pool (close).
   */
  register(name: string, closer: Closer): void;
  /**
   * Stops once: later and concurrent calls return the same promise. With an error the
   * process exits 1, otherwise 0 (1 also when a closer failed or the deadline passed).
   */
  stop(err?: unknown): Promise<void>;
  /** True from the first stop() on; readiness reports it so traffic drains first. */
  readonly stopping: boolean;
  /** Removes the signal and crash handlers; stop() does it too when it is done. */
  detach(): void;
}

export interface LifecycleOptions {
  logger: Logger;
  /** Injectable so tests keep the test runner alive; defaults to process.exit. */
  exit?: (code: number) => void;
  /** A stuck closer cannot hang the process longer than this; then exit(1). */
  timeoutMs?: number;
  /** Listen to SIGINT/SIGTERM and crash events (default true). Embedded runs may own them elsewhere. */
  handleProcessEvents?: boolean;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const timeoutMs = options.timeoutMs ?? 25_000;
  const closers: { name: string; closer: Closer }[] = [];
  let stopping: Promise<void> | undefined;

  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'signal received, stopping');
    void stop();
  };
  const onUncaught = (err: Error) => {
    logger.fatal({ err }, 'uncaught exception, stopping');
    void stop(err);
  };
  const onUnhandled = (reason: unknown) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection, stopping');
    void stop(reason ?? new Error('unhandled rejection without a reason'));
  };

  let attached = false;
  function attach(): void {
    for (const signal of SIGNALS) process.on(signal, onSignal);
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUnhandled);
    attached = true;
  }
  function detach(): void {
    if (!attached) return;
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUnhandled);
    attached = false;
  }

  async function runClosers(): Promise<boolean> {
    let clean = true;
    // Every closer runs even when an earlier one failed: a failed consumer stop must not leave the pool open.
    for (const { name, closer } of [...closers].reverse()) {
      try {
        logger.debug({ closer: name }, 'closing');
        await closer();
      } catch (err) {
        clean = false;
        logger.error({ err, closer: name }, 'closer failed');
      }
    }
    return clean;
  }

  function stop(err?: unknown): Promise<void> {
    if (stopping) return stopping;
    const failed = err !== undefined;
    if (failed) logger.error({ err }, 'stopping after an error');
    else logger.info('stopping');
    stopping = (async () => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => {
        timer = setTimeout(() => resolve('deadline'), timeoutMs);
        // The deadline alone must not keep an otherwise finished process alive.
        timer.unref();
      });
      const outcome = await Promise.race([runClosers(), deadline]);
      clearTimeout(timer);
      detach();
      if (outcome === 'deadline') {
        logger.error({ timeoutMs }, 'shutdown deadline passed with closers still running, exiting');
        exit(1);
        return;
      }
      const code = failed || !outcome ? 1 : 0;
      logger.info({ code }, 'stopped');
      exit(code);
    })();
    return stopping;
  }

  if (options.handleProcessEvents ?? true) attach();

  return {
    register(name, closer) {
      if (stopping) throw new Error(`cannot register closer "${name}": lifecycle is stopping`);
      closers.push({ name, closer });
    },
    stop,
    get stopping() {
      return stopping !== undefined;
    },
    detach,
  };
}
