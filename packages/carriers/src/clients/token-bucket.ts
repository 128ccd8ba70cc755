export interface TokenBucketOptions {
  /** Tokens added per second: the sustained request rate. */
  ratePerSecond: number;
  /**
   * Most tokens held at once: the burst allowed after a quiet spell. Any window of W ms then
   * sees at most `capacity + ratePerSecond * W / 1000` requests. Default 1 (no burst).
   */
  capacity?: number;
  /** Monotonic ms (injectable for tests); performance.now() by default. */
  now?: () => number;
  /** Waits `ms`; rejects with the signal's reason when aborted. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A token bucket with first-come-first-served waiters: `take()` resolves when the caller may
 * send one request. `pauseFor()` empties it for a while, used when a provider answers 429.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly capacity: number;
  private tokens: number;
  private refilledAt: number;
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) throw new RangeError('ratePerSecond must be a positive number');
    const capacity = options.capacity ?? 1;
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
    this.ratePerSecond = options.ratePerSecond;
    this.capacity = capacity;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? abortableSleep;
    this.tokens = capacity;
    this.refilledAt = this.now();
  }

  /** Waits for a token, in arrival order. An aborted waiter gives its turn to the next one. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Takes a token only if one is there now. */
  tryTake(): boolean {
    this.refill();
    if (this.now() < this.pausedUntil || this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** No token is handed out for `ms`, and the bucket restarts empty afterwards. */
  pauseFor(ms: number): void {
    this.refill();
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.tokens = 0;
  }

  /** Tokens available now (fractional), for metrics and tests. */
  available(): number {
    this.refill();
    return this.now() < this.pausedUntil ? 0 : this.tokens;
  }

  private async waitForToken(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      this.refill();
      const now = this.now();
      if (now < this.pausedUntil) {
        await this.sleep(this.pausedUntil - now, signal);
        continue;
      }
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond), signal);
    }
  }

  private refill(): void {
    const now = this.now();
    // While paused nothing accrues: the provider asked for silence, not for a burst after it.
    const from = Math.max(this.refilledAt, this.pausedUntil);
    if (now > from) this.tokens = Math.min(this.capacity, this.tokens + ((now - from) * this.ratePerSecond) / 1000);
    this.refilledAt = Math.max(now, this.refilledAt);
  }
}
