import pRetry from 'p-retry';
import { isRetriable } from './errors.js';

/**
 * Exponential backoff with jitter, bounded: `retries` attempts after the first, each delay
 * `minTimeoutMs * factor^n` capped at `maxTimeoutMs`, multiplied by a random 1-2 factor so
 * consumers that failed together do not retry together.
 */
export interface RetryPolicy {
  retries: number;
  factor: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 5, factor: 2, minTimeoutMs: 200, maxTimeoutMs: 10_000 };

export function retryPolicy(overrides: Partial<RetryPolicy> | undefined): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...overrides };
}

/**
 * Runs `work`, retrying retriable failures (see `isRetriable`) under `policy`. A non-retriable
 * failure is rethrown at once. Aborting `signal` cancels the wait between attempts (rejecting
 * with the abort reason) but never discards an attempt that already succeeded.
 */
export async function withRetry<T>(
  work: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  onRetry?: (error: Error, attempt: number) => void,
): Promise<T> {
  let succeeded: { value: T } | undefined;
  try {
    return await pRetry(
      async (attempt) => {
        const value = await work(attempt);
        succeeded = { value };
        return value;
      },
      {
        signal,
        retries: policy.retries,
        factor: policy.factor,
        minTimeout: policy.minTimeoutMs,
        maxTimeout: policy.maxTimeoutMs,
        randomize: true,
        shouldRetry: ({ error, attemptNumber }) => {
          const retry = isRetriable(error);
          if (retry) onRetry?.(error, attemptNumber);
          return retry;
        },
      },
    );
  } catch (err) {
    // p-retry checks the signal again after a successful attempt; the work is done, keep it.
    if (succeeded) return succeeded.value;
    throw err;
  }
}

/** Delay before the n-th restart of a halted consumer (n from 0), doubling up to `maxMs`. */
export function restartDelay(n: number, minMs: number, maxMs: number): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(n, 20));
  return Math.round(base * (0.5 + Math.random() / 2));
}
