import { describe, expect, it } from '@jest/globals';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';

function breakerAt(options: { failureThreshold: number; cooldownMs: number }) {
  let now = 0;
  const transitions: string[] = [];
  const breaker = new CircuitBreaker({ ...options, now: () => now, onStateChange: (from: CircuitState, to: CircuitState) => transitions.push(`${from}->${to}`) });
  return { breaker, transitions, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, not after N scattered ones', () => {
    const { breaker } = breakerAt({ failureThreshold: 3, cooldownMs: 1_000 });
    breaker.onFailure();
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.state).toBe('closed');
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('lets one trial through after the cool-down and closes on its success', () => {
    const { breaker, transitions, advance } = breakerAt({ failureThreshold: 1, cooldownMs: 1_000 });
    breaker.onFailure();
    advance(999);
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.retryInMs()).toBe(1);
    advance(1);
    expect(breaker.state).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    expect(transitions).toEqual(['closed->open', 'open->half_open', 'half_open->closed']);
  });

  it('reopens when the trial fails, for a full cool-down', () => {
    const { breaker, advance } = breakerAt({ failureThreshold: 2, cooldownMs: 500 });
    breaker.onFailure();
    breaker.onFailure();
    advance(500);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    advance(499);
    expect(breaker.tryAcquire()).toBe(false);
    advance(1);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('frees the trial slot when a trial ends without a verdict', () => {
    const { breaker, advance } = breakerAt({ failureThreshold: 1, cooldownMs: 10 });
    breaker.onFailure();
    advance(10);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.release();
    expect(breaker.state).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(true);
  });
});
