import type { Provider } from '@parcelwatch/contracts';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { TokenBucket } from './token-bucket.js';

export interface RateSpec {
  requestsPerSecond: number;
  /** Requests allowed back to back after a quiet spell; 1 (no burst) by default. */
  burst?: number;
}

/**
 * The limiters and circuit breakers clients share. Give every client of a process the same
 * registry, so two clients on one API key draw from one bucket and one provider has one
 * circuit; a client built without one gets a private registry.
 */
export class CarrierClientRegistry {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly breakers = new Map<Provider, CircuitBreaker>();

  constructor(private readonly clock: { now?: () => number } = {}) {}

  /** The bucket for `scope` ('fedex' or 'fedex:<key>'), created with `spec` on first use. */
  bucket(scope: string, spec: RateSpec): TokenBucket {
    let bucket = this.buckets.get(scope);
    if (!bucket) {
      bucket = new TokenBucket({ ratePerSecond: spec.requestsPerSecond, capacity: spec.burst ?? 1, ...(this.clock.now ? { now: this.clock.now } : {}) });
      this.buckets.set(scope, bucket);
    }
    return bucket;
  }

  breaker(provider: Provider, options: CircuitBreakerOptions = {}): CircuitBreaker {
    let breaker = this.breakers.get(provider);
    if (!breaker) {
      breaker = new CircuitBreaker({ ...(this.clock.now ? { now: this.clock.now } : {}), ...options });
      this.breakers.set(provider, breaker);
    }
    return breaker;
  }
}

/** Several buckets taken together: a request needs a token from each (per key and per provider). */
export class RateLimiterSet {
  constructor(private readonly buckets: readonly TokenBucket[]) {}

  async take(signal?: AbortSignal): Promise<void> {
    for (const bucket of this.buckets) await bucket.take(signal);
  }

  pauseFor(ms: number): void {
    for (const bucket of this.buckets) bucket.pauseFor(ms);
  }
}
