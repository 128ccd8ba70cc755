import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { acceleratedClock, fixedClock, sleep, systemClock } from './clock.js';

describe('systemClock', () => {
  it('reads the real time in UTC', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now.zoneName).toBe('UTC');
    expect(now.toMillis()).toBeGreaterThanOrEqual(before);
    expect(now.toMillis()).toBeLessThanOrEqual(Date.now());
  });

  it('sleeps in real time and can be aborted', async () => {
    await expect(sleep(systemClock, { milliseconds: 1 })).resolves.toBeUndefined();
    const controller = new AbortController();
    const pending = sleep(systemClock, { hours: 1 }, controller.signal);
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
  });
});

describe('fixedClock', () => {
  it('stands still, advances and jumps on request, always in UTC', () => {
    const clock = fixedClock('2025-03-01T09:00:00+08:00');
    expect(clock.now().toISO()).toBe('2025-03-01T01:00:00.000Z');
    expect(clock.now().toISO()).toBe('2025-03-01T01:00:00.000Z');
    expect(clock.advance({ days: 5, hours: 2 }).toISO()).toBe('2025-03-06T03:00:00.000Z');
    expect(clock.set(new Date('2025-01-01T00:00:00Z')).toISO()).toBe('2025-01-01T00:00:00.000Z');
    expect(clock.now().zoneName).toBe('UTC');
    expect(() => clock.advance({ hours: -1 })).toThrow(/forward/);
    expect(() => fixedClock('not a date')).toThrow(/invalid instant/);
  });

  it('wakes a sleeper only when time is advanced past its wake-up time', async () => {
    const clock = fixedClock(DateTime.fromISO('2025-03-01T00:00:00Z'));
    const woken: string[] = [];
    const stall = sleep(clock, { days: 5 }).then(() => woken.push('stall check'));
    const hourly = sleep(clock, { hours: 1 }).then(() => woken.push('hourly poll'));

    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).toEqual([]);

    clock.advance({ hours: 1 });
    await hourly;
    expect(woken).toEqual(['hourly poll']);

    clock.advance({ days: 4, hours: 22 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).toEqual(['hourly poll']);

    clock.set('2025-03-06T00:00:00Z');
    await stall;
    expect(woken).toEqual(['hourly poll', 'stall check']);
  });

  it('rejects an aborted sleep and forgets it', async () => {
    const clock = fixedClock('2025-03-01T00:00:00Z');
    const controller = new AbortController();
    const pending = sleep(clock, { minutes: 10 }, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    clock.advance({ hours: 1 });
    await expect(sleep(clock, 0)).resolves.toBeUndefined();
  });
});

describe('acceleratedClock', () => {
  it('runs simulated time at start + real elapsed × factor', () => {
    let real = 1_000;
    const clock = acceleratedClock({ start: '2025-03-01T00:00:00Z', factor: 3600, realNow: () => real });
    expect(clock.now().toISO()).toBe('2025-03-01T00:00:00.000Z');
    real += 1_000; // one real second = one simulated hour
    expect(clock.now().toISO()).toBe('2025-03-01T01:00:00.000Z');
    real += 24_000;
    expect(clock.now().toISO()).toBe('2025-03-02T01:00:00.000Z');
    expect(clock.now().zoneName).toBe('UTC');
  });

  it('sleeps a simulated duration in duration ÷ factor of real time', async () => {
    const clock = acceleratedClock({ start: '2025-03-01T00:00:00Z', factor: 86_400_000 });
    // One simulated day is one real millisecond: if it waited in real time this would time out.
    await expect(sleep(clock, { days: 1 })).resolves.toBeUndefined();
  });

  it('refuses a factor that is not a positive number', () => {
    expect(() => acceleratedClock({ start: '2025-03-01T00:00:00Z', factor: 0 })).toThrow(/factor/);
    expect(() => acceleratedClock({ start: '2025-03-01T00:00:00Z', factor: Number.NaN })).toThrow(/factor/);
  });
});
