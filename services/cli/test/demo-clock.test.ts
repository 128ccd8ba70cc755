import { describe, expect, it } from '@jest/globals';
import { sleep } from '@parcelwatch/service-kit';
import { demoClock } from '../src/demo/demo-clock.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('demoClock', () => {
  it('stands still between steps and wakes sleepers when a step reaches them', async () => {
    const clock = demoClock('2026-10-01T00:00:00Z');
    const woken: string[] = [];
    void sleep(clock, { minutes: 90 }).then(() => woken.push('sweep'));
    await tick();
    clock.advance({ hours: 1 });
    await tick();
    expect(woken).toEqual([]);
    clock.advance({ hours: 1 });
    await tick();
    expect(woken).toEqual(['sweep']);
    expect(clock.now().toISO()).toBe('2026-10-01T02:00:00.000Z');
  });

  it('runs on in real time from the demo end once released, and moves pending sleepers to real timers', async () => {
    let real = 1_000_000;
    const clock = demoClock('2026-10-01T00:00:00Z', () => real);
    clock.advance({ hours: 5 });
    let woke = false;
    void sleep(clock, 20).then(() => (woke = true));
    clock.release();
    expect(clock.released).toBe(true);
    expect(clock.now().toISO()).toBe('2026-10-01T05:00:00.000Z');
    real += 2_500;
    expect(clock.now().toISO()).toBe('2026-10-01T05:00:02.500Z');
    expect(() => clock.advance({ hours: 1 })).toThrow(/real time/);
    // 20 ms of real time; the pending sleep resolves without anyone advancing the clock.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(woke).toBe(true);
  });

  it('can be released at a later instant (no demo ran: real time)', () => {
    let real = 0;
    const clock = demoClock('2026-10-01T00:00:00Z', () => real);
    clock.release('2026-11-05T12:00:00Z');
    real += 1_000;
    expect(clock.now().toISO()).toBe('2026-11-05T12:00:01.000Z');
  });

  it('catches up with real time when the demo ended behind it, so pushes signed now are fresh', () => {
    const real = Date.parse('2026-12-07T16:00:00Z');
    const clock = demoClock('2026-11-01T00:00:00Z', () => real);
    clock.advance({ days: 30 });
    clock.release();
    expect(clock.now().toISO()).toBe('2026-12-07T16:00:00.000Z');
  });

  it('rejects an aborted sleep before and after the release', async () => {
    const clock = demoClock('2026-10-01T00:00:00Z');
    const before = new AbortController();
    const first = sleep(clock, { hours: 1 }, before.signal);
    before.abort(new Error('stopping'));
    await expect(first).rejects.toThrow('stopping');
    const after = new AbortController();
    const second = sleep(clock, { hours: 1 }, after.signal);
    clock.release();
    after.abort(new Error('stopping again'));
    await expect(second).rejects.toThrow('stopping again');
  });
});
