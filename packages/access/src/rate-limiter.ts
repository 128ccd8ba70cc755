import { z } from 'zod';
import type { Clock } from '@parcelwatch/service-kit';

/*
 * A token bucket per caller (API key, or client IP without one) and per carrier provider + IP
 * for webhooks. In memory: one api process holds its own buckets, so N replicas allow N times
 * the limit; good enough against a runaway client, not a distributed quota. Time comes from
 * the Clock, so tests decide when buckets refill.
 */
export interface RateLimits {
  /** GET/HEAD requests per minute per caller. */
  readsPerMinute: number;
  /** Other methods per minute per caller. */
  writesPerMinute: number;
  /** Carrier webhook pushes per minute per provider and source IP. */
  webhooksPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { readsPerMinute: 600, writesPerMinute: 60, webhooksPerMinute: 1200 };

const perMinute = z.coerce.number().int().min(1).max(1_000_000);

/** The access layer's settings, part of every HTTP service's config schema. */
export const rateLimitEnv = {
  RATE_LIMIT_READS_PER_MINUTE: perMinute.default(DEFAULT_RATE_LIMITS.readsPerMinute),
  RATE_LIMIT_WRITES_PER_MINUTE: perMinute.default(DEFAULT_RATE_LIMITS.writesPerMinute),
  RATE_LIMIT_WEBHOOKS_PER_MINUTE: perMinute.default(DEFAULT_RATE_LIMITS.webhooksPerMinute),
};
export type RateLimitSettings = z.output<z.ZodObject<typeof rateLimitEnv>>;

export function rateLimitsOf(settings: RateLimitSettings): RateLimits {
  return {
    readsPerMinute: settings.RATE_LIMIT_READS_PER_MINUTE,
    writesPerMinute: settings.RATE_LIMIT_WRITES_PER_MINUTE,
    webhooksPerMinute: settings.RATE_LIMIT_WEBHOOKS_PER_MINUTE,
  };
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept; past this the least recently used go first (idle ones are full again anyway). */
export const MAX_BUCKETS = 50_000;

export class RateLimiter {
  /** Oldest use first: a Map keeps insertion order, and each use moves its key to the end. */
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly maxBuckets = MAX_BUCKETS,
  ) {}

  /** Takes one token from `key`'s bucket of `perMinute` capacity, refilled evenly over a minute. */
  take(key: string, perMinute: number): RateDecision {
    const now = this.clock.now().toMillis();
    const ratePerMs = perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + Math.max(0, now - bucket.at) * ratePerMs);
    bucket.at = now;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    this.evict();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000)) };
  }

  /** How many buckets are held (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  /**
   * Drops the least recently used buckets past the cap, one by one: a flood of new client
   * addresses forgets the quietest callers first, never the busy (and possibly limited) ones.
   */
  private evict(): void {
    while (this.buckets.size > this.maxBuckets) {
      const oldest = this.buckets.keys().next();
      if (oldest.done === true) return;
      this.buckets.delete(oldest.value);
    }
  }
}
