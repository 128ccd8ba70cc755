import { setTimeout as pause } from 'node:timers/promises';

/** Thrown when a commit or heartbeat never goes through in time: the session is given up and reopened. */
export class CoordinatorTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not go through within ${ms} ms: reopening the consumer`);
    this.name = 'CoordinatorTimeoutError';
  }
}

/** `work`, or a CoordinatorTimeoutError once `ms` have passed without it settling. */
export async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CoordinatorTimeoutError(what, Math.round(ms))), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Errors after which kafkajs rejoins the group with a fresh offset manager: what this member
 * resolved but did not commit is dropped there, and the partition is fetched again from the
 * committed offset, so the chunk is redelivered (handlers are idempotent).
 */
const REJOIN_ERROR_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

export function isRejoinError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && REJOIN_ERROR_TYPES.has(String((error as { type?: unknown }).type));
}

export interface OffsetCommitOptions {
  /** Longest time for the commit to go through, over all attempts. */
  timeoutMs: number;
  /** Wait between attempts (default 500 ms, doubling up to 5 s). */
  retryDelayMs?: number;
  /** False once the session is stopping or lost the partition: the last error is thrown at once. */
  isRunning: () => boolean;
  onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * Commits a chunk's resolved offsets, retrying until they are in. Any other failure thrown
 * into kafkajs (the coordinator away, a connection refused, retries exceeded) only restarts its
 * fetch loop: that keeps the resolved positions and fetches on past them, so the commit would
 * wait for the partition's next message, and a quiet partition would keep its lag for good
 * (seen after a broker restart: every message handled, lag never 0). A rejoin error is thrown
 * at once (kafkajs rejoins and the chunk is redelivered). Past `timeoutMs` a
 * CoordinatorTimeoutError: the caller reopens the consumer from the committed offsets.
 */
export async function commitResolvedOffsets(commit: () => Promise<void>, options: OffsetCommitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = options.retryDelayMs ?? 500;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await within(commit(), Math.max(deadline - Date.now(), 1), 'offset commit');
      return;
    } catch (error) {
      if (error instanceof CoordinatorTimeoutError || isRejoinError(error) || !options.isRunning()) throw error;
      if (Date.now() + delay >= deadline) throw new CoordinatorTimeoutError('offset commit', options.timeoutMs);
      options.onRetry?.(error, attempt);
      await pause(delay);
      delay = Math.min(delay * 2, 5_000);
    }
  }
}
