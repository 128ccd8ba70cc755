import { describe, expect, it } from '@jest/globals';
import { commitResolvedOffsets, CoordinatorTimeoutError, isRejoinError } from '../src/offset-commit.js';

/** The shape of kafkajs's errors: a name, and for protocol errors the broker's error type. */
function kafkaError(name: string, type?: string): Error {
  return Object.assign(new Error(`${name}${type ? ` (${type})` : ''}`), { name, ...(type ? { type } : {}) });
}

const refused = () => kafkaError('KafkaJSNumberOfRetriesExceeded');

/** A commit that fails with the given errors, in order, then goes through. */
function flakyCommit(failures: Error[]) {
  const calls = { n: 0 };
  const commit = async () => {
    calls.n += 1;
    const failure = failures[calls.n - 1];
    if (failure) throw failure;
  };
  return { commit, calls };
}

describe('commitResolvedOffsets', () => {
  it('retries a commit that failed while the coordinator was away until it goes through', async () => {
    const { commit, calls } = flakyCommit([refused(), kafkaError('KafkaJSProtocolError', 'COORDINATOR_NOT_AVAILABLE'), refused()]);
    const retried: number[] = [];
    await commitResolvedOffsets(commit, { timeoutMs: 5_000, retryDelayMs: 5, isRunning: () => true, onRetry: (_e, attempt) => retried.push(attempt) });
    expect(calls.n).toBe(4);
    expect(retried).toEqual([1, 2, 3]);
  });

  it('leaves a rejoin error to kafkajs at once (it rejoins and the chunk is redelivered)', async () => {
    for (const type of ['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']) {
      const { commit, calls } = flakyCommit([kafkaError('KafkaJSProtocolError', type)]);
      await expect(commitResolvedOffsets(commit, { timeoutMs: 5_000, retryDelayMs: 5, isRunning: () => true })).rejects.toMatchObject({ type });
      expect(calls.n).toBe(1);
    }
  });

  it('stops retrying once the session is stopping or lost the partition', async () => {
    const { commit, calls } = flakyCommit([refused(), refused(), refused()]);
    let running = true;
    const attempt = commitResolvedOffsets(commit, { timeoutMs: 5_000, retryDelayMs: 5, isRunning: () => running, onRetry: () => (running = false) });
    await expect(attempt).rejects.toThrow('KafkaJSNumberOfRetriesExceeded');
    expect(calls.n).toBe(2);
  });

  it('gives up with a CoordinatorTimeoutError when the commit keeps failing past the bound', async () => {
    const { commit, calls } = flakyCommit(Array.from({ length: 1_000 }, refused));
    await expect(commitResolvedOffsets(commit, { timeoutMs: 200, retryDelayMs: 10, isRunning: () => true })).rejects.toBeInstanceOf(CoordinatorTimeoutError);
    expect(calls.n).toBeGreaterThan(1);
  });

  it('gives up with a CoordinatorTimeoutError when the commit never answers', async () => {
    const never = () => new Promise<void>(() => undefined);
    await expect(commitResolvedOffsets(never, { timeoutMs: 100, isRunning: () => true })).rejects.toBeInstanceOf(CoordinatorTimeoutError);
  });
});

describe('isRejoinError', () => {
  it('tells the errors after which kafkajs rejoins from the rest', () => {
    expect(isRejoinError(kafkaError('KafkaJSProtocolError', 'REBALANCE_IN_PROGRESS'))).toBe(true);
    expect(isRejoinError(kafkaError('KafkaJSProtocolError', 'COORDINATOR_LOAD_IN_PROGRESS'))).toBe(false);
    expect(isRejoinError(refused())).toBe(false);
    expect(isRejoinError(undefined)).toBe(false);
  });
});
