import type { Logger } from '@parcelwatch/logger';
import type { BusConsumer, ConsumerState, StopOptions } from './event-bus.js';
import { restartDelay } from './retry-policy.js';

/** One run of a consumer, from joining the group to leaving it. Adapters implement this. */
export interface ConsumerSession {
  /** Stop fetching, let in-flight chunks finish (their retry waits are cut short), commit, leave. */
  stop(): Promise<void>;
  /** From now on commit nothing: whatever is in flight is redelivered later. */
  abandon(): void;
  /** False while the session cannot consume, e.g. kafkajs restarting after a crash. */
  isHealthy?(): boolean;
}

export interface SessionHooks {
  /** The session hit a ConsumerHaltedError. Must not be awaited from inside the session's work. */
  halt(error: Error): void;
}

export type OpenSession = (hooks: SessionHooks) => Promise<ConsumerSession>;

export interface SupervisorOptions {
  groupId: string;
  open: OpenSession;
  logger: Logger;
  restart?: { minDelayMs?: number; maxDelayMs?: number };
  /** Longest wait for a halted session to stop before it is abandoned (default 30 s). */
  haltStopTimeoutMs?: number;
  onHalt?: (error: Error) => void;
}

/**
 * The `BusConsumer` lifecycle shared by both adapters: start, halt after exhausted retries,
 * restart with backoff from the last committed offset, and a stop that is safe to call twice.
 */
export class SupervisedConsumer implements BusConsumer {
  readonly groupId: string;
  private current: ConsumerState = 'idle';
  private session: ConsumerSession | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restarts = 0;
  private openedAt = 0;
  private stopping: Promise<void> | undefined;
  private halting: Promise<void> | undefined;
  private reopening: Promise<void> | undefined;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly haltStopTimeoutMs: number;

  constructor(private readonly options: SupervisorOptions) {
    this.groupId = options.groupId;
    this.minDelayMs = options.restart?.minDelayMs ?? 1_000;
    this.maxDelayMs = options.restart?.maxDelayMs ?? 60_000;
    this.haltStopTimeoutMs = options.haltStopTimeoutMs ?? 30_000;
  }

  get state(): ConsumerState {
    return this.current;
  }

  isHealthy(): boolean {
    return this.current === 'running' && (this.session?.isHealthy?.() ?? true);
  }

  async start(): Promise<void> {
    if (this.current === 'running' || this.current === 'starting' || this.current === 'halted') return;
    if (this.stopping) await this.stopping;
    this.stopping = undefined;
    this.restarts = 0;
    this.current = 'starting';
    try {
      await this.openSession();
    } catch (err) {
      this.current = 'stopped';
      throw err;
    }
  }

  stop(options: StopOptions = {}): Promise<void> {
    this.stopping ??= this.doStop(options);
    return this.stopping;
  }

  private async openSession(): Promise<void> {
    const session = await this.options.open({ halt: (error) => this.onHalt(session, error) });
    // stop() may have been called while the session was opening.
    if (this.current !== 'starting' && this.current !== 'halted') {
      await session.stop();
      return;
    }
    this.session = session;
    this.openedAt = Date.now();
    this.current = 'running';
  }

  private onHalt(session: ConsumerSession | undefined, error: Error): void {
    if (this.current !== 'running' || (session && this.session !== session)) return;
    this.current = 'halted';
    // A session that ran longer than the longest backoff was healthy: the next halt starts the backoff over.
    if (Date.now() - this.openedAt > this.maxDelayMs) this.restarts = 0;
    this.options.logger.error({ err: error, groupId: this.groupId }, 'consumer halted: retries exhausted, will restart from the last committed offset');
    this.options.onHalt?.(error);
    const halted = this.session;
    this.session = undefined;
    this.halting = (async () => {
      // A halted session may be stuck (a request that never answers): its stop is bounded, and
      // past the bound it is abandoned (commits nothing more) and the fresh one opens anyway.
      let timer: NodeJS.Timeout | undefined;
      try {
        const stopped = await Promise.race([
          (halted?.stop() ?? Promise.resolve()).then(() => true),
          new Promise<false>((resolve) => {
            timer = setTimeout(() => resolve(false), this.haltStopTimeoutMs);
          }),
        ]);
        if (!stopped) {
          halted?.abandon();
          this.options.logger.warn({ groupId: this.groupId, timeoutMs: this.haltStopTimeoutMs }, 'halted consumer did not stop in time: abandoned, opening a fresh one');
        }
      } catch (err) {
        this.options.logger.warn({ err }, 'error while stopping a halted consumer session');
      } finally {
        clearTimeout(timer);
      }
      this.scheduleRestart();
    })();
  }

  private scheduleRestart(): void {
    if (this.current !== 'halted') return;
    const delay = restartDelay(this.restarts, this.minDelayMs, this.maxDelayMs);
    this.restarts += 1;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.reopening = this.openSession().catch((err: unknown) => {
        this.options.logger.error({ err, groupId: this.groupId }, 'consumer restart failed, trying again');
        this.scheduleRestart();
      });
    }, delay);
  }

  private async doStop(options: StopOptions): Promise<void> {
    if (this.current === 'idle' || this.current === 'stopped') {
      this.current = 'stopped';
      return;
    }
    this.current = 'stopping';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const session = this.session;
    this.session = undefined;
    const pending = [this.halting, this.reopening, session?.stop()].filter((p): p is Promise<void> => p !== undefined);
    const all = Promise.all(pending).then(() => undefined);
    if (options.timeoutMs === undefined) {
      await all;
    } else {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        all.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), options.timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        session?.abandon();
        this.options.logger.warn({ groupId: this.groupId, timeoutMs: options.timeoutMs }, 'consumer stop timed out: in-flight batch abandoned, it will be redelivered');
        all.catch(() => undefined);
      }
    }
    this.halting = undefined;
    this.reopening = undefined;
    this.current = 'stopped';
  }
}
