import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createCarrierSandboxService, type CarrierSandboxService } from '@parcelwatch/carrier-sandbox';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import { CarrierClientRegistry } from './client-registry.js';
import { createSeventeenTrackClient } from './seventeen-track.client.js';
import type { TrackOutcome } from './tracking-client.js';

// The sandbox enforces 20 requests per second per key; the clients pace themselves at 15/s.
const SANDBOX_LIMIT = { limit: 20, windowMs: 1_000 };
const CLIENT_RATE = { requestsPerSecond: 15 };
const FAST_RETRY = { retries: 8, minTimeoutMs: 20, maxTimeoutMs: 200 };

let sandbox: CarrierSandboxService;
let numbers: string[];

beforeAll(async () => {
  sandbox = createCarrierSandboxService({
    logger: createLogger({ name: 'carrier-sandbox', level: 'silent' }),
    clock: fixedClock('2025-03-20T00:00:00Z'),
    options: { seed: 7, rateLimits: { '17track': SANDBOX_LIMIT } },
  });
  await sandbox.start();
  numbers = sandbox.journeys.createBatch({ count: 300, spreadDays: 25 }).map((journey) => journey.trackingNumber);
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.faults.configure({});
  sandbox.stats.reset();
});

function answered(outcomes: TrackOutcome[]): Set<string> {
  const found = new Set<string>();
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    const accepted = (outcome.response.body as { data: { accepted: { number: string }[] } }).data.accepted;
    for (const item of accepted) if (outcome.numbers.includes(item.number)) found.add(item.number);
  }
  return found;
}

function seventeenTrack(registry = new CarrierClientRegistry(), extra: Parameters<typeof createSeventeenTrackClient>[0] extends infer O ? Partial<O> : never = {}) {
  return createSeventeenTrackClient({ apiKey: 'key-a', baseUrl: sandbox.url, rateLimit: CLIENT_RATE, retry: FAST_RETRY, registry, ...extra });
}

describe('17TRACK client against the sandbox', () => {
  it('answers every number through 429, 503, 500 and cut bodies without exceeding the rate', async () => {
    const script = ['rate_limited', 'unavailable', 'none', 'server_error', 'malformed', 'rate_limited', 'none', 'unavailable'] as const;
    sandbox.faults.configure({ '17track': { retryAfterSeconds: 1, script: [...script] } });
    const client = seventeenTrack(new CarrierClientRegistry(), { circuitBreaker: { failureThreshold: 50 } });

    const outcomes = await client.track(numbers.slice(0, 300));

    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(answered(outcomes)).toEqual(new Set(numbers.slice(0, 300)));
    const stats = sandbox.stats.report(sandbox.faults.injected());
    const provider = stats.providers['17track']!;
    // 8 gettrackinfo + 8 register + 8 again, plus the retries: enough to outrun 20/s if unpaced.
    expect(provider.requests).toBeGreaterThan(24);
    expect(provider.maxInWindow).toBeLessThanOrEqual(SANDBOX_LIMIT.limit);
    expect(provider.keys['key-a']!.maxInWindow).toBeLessThanOrEqual(SANDBOX_LIMIT.limit);
    expect(provider.rejectedOverLimit).toBe(0);
    expect(stats.faults['17track']).toEqual({ rate_limited: 2, unavailable: 2, server_error: 1, malformed: 1 });
  }, 30_000);

  it('keeps two API keys under a shared provider limit as well as their own', async () => {
    const registry = new CarrierClientRegistry();
    const providerRateLimit = { requestsPerSecond: 15 };
    const a = createSeventeenTrackClient({ apiKey: 'key-b', baseUrl: sandbox.url, rateLimit: CLIENT_RATE, providerRateLimit, retry: FAST_RETRY, registry });
    const b = createSeventeenTrackClient({ apiKey: 'key-c', baseUrl: sandbox.url, rateLimit: CLIENT_RATE, providerRateLimit, retry: FAST_RETRY, registry });
    const fresh = sandbox.journeys.createBatch({ count: 400, spreadDays: 10 }).map((journey) => journey.trackingNumber);
    const [first, second] = await Promise.all([a.track(fresh.slice(0, 240)), b.track(fresh.slice(240))]);
    expect(answered([...first!, ...second!]).size).toBe(400);
    const provider = sandbox.stats.report({}).providers['17track']!;
    // gettrackinfo, register, gettrackinfo again: 18 calls on one key, 12 on the other.
    expect(provider.keys['key-b']!.requests).toBe(18);
    expect(provider.keys['key-c']!.requests).toBe(12);
    // Each key alone may send 15/s; together they still stay within one provider-wide 15/s.
    expect(provider.maxInWindow).toBeLessThanOrEqual(SANDBOX_LIMIT.limit);
  }, 30_000);

  it('waits at least Retry-After before retrying a 429 and a 503', async () => {
    const client = seventeenTrack();
    await client.register(numbers.slice(0, 1));
    for (const fault of ['rate_limited', 'unavailable'] as const) {
      sandbox.stats.reset();
      sandbox.faults.configure({ '17track': { retryAfterSeconds: 1, script: [fault] } });
      const [outcome] = await client.track(numbers.slice(0, 1));
      expect(outcome?.ok && outcome.response.attempts).toBe(2);
      const [first, retry] = sandbox.stats.requests('17track');
      expect(first?.status).toBe(fault === 'rate_limited' ? 429 : 503);
      expect(retry!.at - first!.at).toBeGreaterThanOrEqual(1_000);
    }
  }, 15_000);

  it('retries a 500 without Retry-After after a backoff', async () => {
    const client = seventeenTrack();
    sandbox.faults.configure({ '17track': { script: ['server_error', 'server_error'] } });
    const [outcome] = await client.track(numbers.slice(0, 1));
    expect(outcome?.ok && outcome.response.attempts).toBe(3);
    const statuses = sandbox.stats.requests('17track').map((r) => r.status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it('times out a slow answer and retries it', async () => {
    const client = seventeenTrack(new CarrierClientRegistry(), { timeoutMs: 200 });
    sandbox.faults.configure({ '17track': { slowMs: 1_000, script: ['slow'] } });
    const [outcome] = await client.track(numbers.slice(0, 1));
    expect(outcome?.ok && outcome.response.attempts).toBe(2);
  });

  it('opens the circuit after consecutive failures, fails fast while open, and closes after recovery', async () => {
    const registry = new CarrierClientRegistry();
    const client = seventeenTrack(registry, { circuitBreaker: { failureThreshold: 3, cooldownMs: 300 } });
    const breaker = registry.breaker('17track');
    sandbox.faults.configure({ '17track': { outage: 503, retryAfterSeconds: 0 } });

    const [failed] = await client.track(numbers.slice(0, 1));
    expect(failed?.ok).toBe(false);
    expect(!failed?.ok && failed?.error.kind).toBe('circuit_open');
    expect(!failed?.ok && failed?.error.retriable).toBe(true);
    expect(breaker.state).toBe('open');
    const reached = sandbox.stats.requests('17track').length;
    expect(reached).toBe(3);

    const [fastFail] = await client.track(numbers.slice(0, 1));
    expect(!fastFail?.ok && fastFail?.error.kind).toBe('circuit_open');
    expect(sandbox.stats.requests('17track')).toHaveLength(reached);

    sandbox.faults.configure({});
    await new Promise((resolve) => setTimeout(resolve, breaker.retryInMs() + 50));
    expect(breaker.state).toBe('half_open');
    const [recovered] = await client.track(numbers.slice(0, 1));
    expect(recovered?.ok).toBe(true);
    expect(breaker.state).toBe('closed');
  });

  it('loses no number through random faults and an outage, polling again what failed', async () => {
    const registry = new CarrierClientRegistry();
    const client = seventeenTrack(registry, { circuitBreaker: { failureThreshold: 4, cooldownMs: 200 }, retry: { retries: 2, minTimeoutMs: 20, maxTimeoutMs: 100 } });
    sandbox.faults.configure({
      '17track': { rateLimited: 0.1, unavailable: 0.1, serverError: 0.1, malformed: 0.05, retryAfterSeconds: 1, duplicateCheckpoints: 0.2, outOfOrder: 0.3 },
    });
    const wanted = numbers.slice(100, 260);
    const pending = new Set(wanted);
    let rounds = 0;
    while (pending.size > 0 && rounds < 30) {
      rounds += 1;
      if (rounds === 2) sandbox.faults.update('17track', { outage: 500 });
      if (rounds === 3) sandbox.faults.update('17track', { outage: null });
      const outcomes = await client.track([...pending]);
      for (const number of answered(outcomes)) pending.delete(number);
      const waits = outcomes.flatMap((o) => (!o.ok && o.error.retryAfterMs ? [o.error.retryAfterMs] : []));
      if (waits.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.max(...waits)));
    }
    expect([...pending]).toEqual([]);
    const provider = sandbox.stats.report({}).providers['17track']!;
    expect(provider.maxInWindow).toBeLessThanOrEqual(SANDBOX_LIMIT.limit);
    expect(provider.rejectedOverLimit).toBe(0);
  }, 30_000);
});
