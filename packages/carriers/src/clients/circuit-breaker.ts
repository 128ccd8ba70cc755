export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long it stays open before one trial call is let through. Default 30 s. */
  cooldownMs?: number;
  /** Monotonic ms (injectable for tests). */
  now?: () => number;
  onStateChange?: (from: CircuitState, to: CircuitState) => void;
}

/**
 * Per-provider circuit: closed -> open after N consecutive failures -> half-open after the
 * cool-down, where a single trial call is allowed -> closed on its success, open again on its
 * failure. While open, calls fail fast instead of piling onto a provider that is down.
 */
export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private readonly now: () => number;
  private readonly onStateChange: ((from: CircuitState, to: CircuitState) => void) | undefined;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    if (!(this.failureThreshold >= 1)) throw new RangeError('failureThreshold must be at least 1');
    if (!(this.cooldownMs >= 0)) throw new RangeError('cooldownMs must be >= 0');
    this.now = options.now ?? (() => performance.now());
    this.onStateChange = options.onStateChange;
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.cooldownMs) this.transition('half_open');
    return this.current;
  }

  /** Ms until an open circuit lets a trial through (0 when not open). */
  retryInMs(): number {
    return this.state === 'open' ? Math.max(0, this.openedAt + this.cooldownMs - this.now()) : 0;
  }

  /**
   * Asks to make one call. False while open, and in half-open while the trial call is out.
   * A granted call must end in exactly one of onSuccess, onFailure or release.
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'half_open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return true;
    }
    return false;
  }

  onSuccess(): void {
    this.failures = 0;
    this.trialInFlight = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  onFailure(): void {
    this.trialInFlight = false;
    if (this.current === 'half_open') {
      this.open();
      return;
    }
    this.failures += 1;
    if (this.current === 'closed' && this.failures >= this.failureThreshold) this.open();
  }

  /** The call ended without telling anything about the provider's health (aborted by the caller). */
  release(): void {
    this.trialInFlight = false;
  }

  private open(): void {
    this.openedAt = this.now();
    this.failures = 0;
    this.transition('open');
  }

  private transition(to: CircuitState): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.onStateChange?.(from, to);
  }
}
