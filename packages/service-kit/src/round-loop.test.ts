import { describe, expect, it } from '@jest/globals';
import { fixedClock } from './clock.js';
import { createPeriodicJob, startRoundLoop } from './round-loop.js';
import { createLogger } from '@parcelwatch/logger';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('startRoundLoop', () => {
  it('runs a round each interval of clock time, keeps going after a failed round, and stops', async () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const calls: string[] = [];
    const errors: unknown[] = [];
    const loop = startRoundLoop({
      clock,
      intervalMs: 60_000,
      round: async () => {
        calls.push(clock.now().toISO()!);
        if (calls.length === 2) throw new Error('database away');
        return calls.length;
      },
      onError: (err) => errors.push(err),
    });
    await settle();
    expect(calls).toEqual([]);
    for (let minute = 1; minute <= 3; minute += 1) {
      clock.advance({ minutes: 1 });
      await settle();
    }
    expect(calls).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z', '2026-01-01T00:03:00.000Z']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['database away']);
    await loop.stop();
    await loop.stop();
    clock.advance({ minutes: 5 });
    await settle();
    expect(calls).toHaveLength(3);
  });

  it('runs the first round at once when asked, reports results, and stop waits for a round in flight', async () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    let release: () => void = () => undefined;
    const results: number[] = [];
    let finished = false;
    const loop = startRoundLoop({
      clock,
      intervalMs: 1_000,
      immediately: true,
      round: () =>
        new Promise<number>((resolve) => {
          release = () => {
            finished = true;
            resolve(7);
          };
        }),
      onSuccess: (n) => results.push(n),
      onError: () => undefined,
    });
    await settle();
    const stopping = loop.stop();
    await settle();
    expect(finished).toBe(false);
    release();
    await stopping;
    expect({ finished, results }).toEqual({ finished: true, results: [7] });
  });

  it('runs the next round at once while a round says work is left, then waits the interval again', async () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    let backlog = 45;
    const taken: number[] = [];
    const loop = startRoundLoop({
      clock,
      intervalMs: 5_000,
      round: async () => {
        const batch = Math.min(20, backlog);
        backlog -= batch;
        taken.push(batch);
        return batch;
      },
      again: (batch) => batch === 20,
      onError: () => undefined,
    });
    clock.advance({ seconds: 5 });
    for (let i = 0; i < 10; i += 1) await settle();
    // 45 due: three rounds in the same instant (20, 20, 5), then the loop sleeps.
    expect(taken).toEqual([20, 20, 5]);
    backlog = 3;
    for (let i = 0; i < 10; i += 1) await settle();
    expect(taken).toEqual([20, 20, 5]);
    clock.advance({ seconds: 5 });
    for (let i = 0; i < 10; i += 1) await settle();
    expect(taken).toEqual([20, 20, 5, 3]);
    await loop.stop();
  });

  it('wake runs a round now from a sleep, and one more right after a round in flight; wakes before it coalesce', async () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const rounds: string[] = [];
    let release: (() => void) | null = null;
    const loop = startRoundLoop({
      clock,
      intervalMs: 5_000,
      round: async () => {
        rounds.push(clock.now().toISO()!);
        if (rounds.length === 2) await new Promise<void>((resolve) => (release = resolve));
        return rounds.length;
      },
      onError: () => undefined,
    });
    await settle();
    loop.wake();
    await settle();
    // Woken from its first sleep: a round without any clock time passing.
    expect(rounds).toEqual(['2026-01-01T00:00:00.000Z']);
    clock.advance({ seconds: 1 });
    loop.wake();
    await settle();
    expect(rounds).toHaveLength(2);
    // Woken three times while round 2 runs: one more round after it, then the interval again.
    loop.wake();
    loop.wake();
    loop.wake();
    release!();
    for (let i = 0; i < 10; i += 1) await settle();
    expect(rounds).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:01.000Z']);
    clock.advance({ seconds: 4 });
    for (let i = 0; i < 10; i += 1) await settle();
    expect(rounds).toHaveLength(3);
    clock.advance({ seconds: 1 });
    for (let i = 0; i < 10; i += 1) await settle();
    expect(rounds).toHaveLength(4);
    await loop.stop();
    loop.wake();
    await settle();
    expect(rounds).toHaveLength(4);
  });
});

describe('createPeriodicJob', () => {
  it('is healthy while running and its last round went through; a failed round is logged and the next one retries', async () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const outcomes = ['ok', 'fail', 'ok'];
    const seen: string[] = [];
    const job = createPeriodicJob({
      name: 'sweep',
      logger: createLogger({ name: 'job-test', level: 'silent' }),
      clock,
      intervalMs: 60_000,
      immediately: true,
      round: async () => {
        const outcome = outcomes.shift() ?? 'ok';
        if (outcome === 'fail') throw new Error('database away');
        return outcome;
      },
      onSuccess: (result) => seen.push(result),
      failureMessage: 'sweep failed',
    });
    expect(job.isHealthy()).toBe(false);
    await job.start();
    await settle();
    expect([job.name, seen, job.isHealthy()]).toEqual(['sweep', ['ok'], true]);
    clock.advance({ minutes: 1 });
    await settle();
    expect([seen, job.isHealthy()]).toEqual([['ok'], false]);
    clock.advance({ minutes: 1 });
    await settle();
    expect([seen, job.isHealthy()]).toEqual([['ok', 'ok'], true]);
    await job.stop();
    expect(job.isHealthy()).toBe(false);
  });
});
