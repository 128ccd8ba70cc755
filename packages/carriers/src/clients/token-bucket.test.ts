import { describe, expect, it } from '@jest/globals';
import { TokenBucket } from './token-bucket.js';

/** Fake monotonic time: sleeping advances it, so the bucket's pacing is exact and instant. */
function fakeTime() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function maxInAnyWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0; i < times.length; i += 1) {
    let count = 0;
    for (let j = i; j < times.length && times[j]! < times[i]! + windowMs; j += 1) count += 1;
    max = Math.max(max, count);
  }
  return max;
}

describe('TokenBucket', () => {
  it('paces callers at the rate, never more than capacity + rate x window in any window', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket({ ratePerSecond: 10, capacity: 3, now: time.now, sleep: time.sleep });
    const granted: number[] = [];
    await Promise.all(Array.from({ length: 40 }, () => bucket.take().then(() => granted.push(time.now()))));
    expect(granted.slice(0, 3)).toEqual([0, 0, 0]);
    expect(maxInAnyWindow(granted, 1_000)).toBeLessThanOrEqual(3 + 10);
    // 37 tokens after the burst at 10/s.
    expect(granted[granted.length - 1]).toBeGreaterThanOrEqual(3_700);
  });

  it('without a burst allows exactly the rate in any window', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket({ ratePerSecond: 20, now: time.now, sleep: time.sleep });
    const granted: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      await bucket.take();
      granted.push(time.now());
    }
    expect(maxInAnyWindow(granted, 1_000)).toBe(20);
  });

  it('refills while idle up to capacity only', () => {
    const time = fakeTime();
    const bucket = new TokenBucket({ ratePerSecond: 2, capacity: 2, now: time.now, sleep: time.sleep });
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    time.advance(500);
    expect(bucket.tryTake()).toBe(true);
    time.advance(60_000);
    expect(bucket.available()).toBe(2);
  });

  it('hands out nothing while paused and restarts empty', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket({ ratePerSecond: 10, capacity: 5, now: time.now, sleep: time.sleep });
    bucket.pauseFor(2_000);
    expect(bucket.tryTake()).toBe(false);
    await bucket.take();
    // Paused until 2000, then one token needs 100 ms to accrue.
    expect(time.now()).toBeGreaterThanOrEqual(2_100);
  });

  it('serves waiters in arrival order and skips an aborted one', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket({ ratePerSecond: 1, now: time.now, sleep: time.sleep });
    const order: string[] = [];
    const controller = new AbortController();
    controller.abort(new Error('gave up'));
    const first = bucket.take().then(() => order.push('first'));
    const aborted = bucket.take(controller.signal).then(
      () => order.push('aborted'),
      (err: Error) => order.push(`rejected: ${err.message}`),
    );
    const third = bucket.take().then(() => order.push('third'));
    await Promise.all([first, aborted, third]);
    expect(order).toEqual(['first', 'rejected: gave up', 'third']);
  });

  it('rejects nonsense settings', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0 })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: 1, capacity: 0.5 })).toThrow(RangeError);
  });
});
