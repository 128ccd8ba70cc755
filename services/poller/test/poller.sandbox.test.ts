import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createCarrierSandboxService, type CarrierSandboxService } from '@parcelwatch/carrier-sandbox';
import { CarrierClientRegistry, mapPayload } from '@parcelwatch/carriers';
import type { Provider } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock, type FixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { createPollerService, createSandboxPollerClients, type PollerService } from '../src/index.js';
import { expectedSha256, outboxSnapshots, seedShipments, type SeedShipment } from './poller.fixtures.js';

// The sandbox enforces these per key in real time; the clients pace themselves below them.
const SANDBOX_LIMITS = {
  '17track': { limit: 10, windowMs: 1_000 },
  aftership: { limit: 10, windowMs: 1_000 },
  fedex: { limit: 10, windowMs: 1_000 },
  ups: { limit: 10, windowMs: 1_000 },
};
const CLIENT_RATE = { requestsPerSecond: 8 };
const FAST_RETRY = { retries: 8, minTimeoutMs: 10, maxTimeoutMs: 100 };
const FAULTS = { rateLimited: 0.15, unavailable: 0.1, serverError: 0.1, retryAfterSeconds: 0 };
const TOPIC = 'tracking.snapshots';
const START = '2025-03-20T00:00:00Z';
const logger = createLogger({ name: 'poller-test', level: 'silent' });

let sandbox: CarrierSandboxService;
let db: Kysely<Database>;
let clock: FixedClock;
let journeyNumbers: string[];

function createPoller(options: { retries?: number } = {}): PollerService {
  const clients = createSandboxPollerClients({
    baseUrl: sandbox.url,
    registry: new CarrierClientRegistry(),
    rateLimit: CLIENT_RATE,
    retry: { ...FAST_RETRY, ...(options.retries === undefined ? {} : { retries: options.retries }) },
    circuitBreaker: { failureThreshold: 1_000 },
  });
  return createPollerService({ logger, clock, db, clients, options: { topics: { trackingSnapshots: TOPIC } } });
}

beforeAll(async () => {
  clock = fixedClock(START);
  sandbox = createCarrierSandboxService({
    logger: createLogger({ name: 'carrier-sandbox', level: 'silent' }),
    clock,
    options: { seed: 21, rateLimits: SANDBOX_LIMITS },
  });
  await sandbox.start();
  journeyNumbers = sandbox.journeys.createBatch({ count: 200, spreadDays: 20 }).map((journey) => journey.trackingNumber);
  db = await createDb({ kind: 'pglite' });
  await migrateToLatest(db);
});

afterAll(async () => {
  await sandbox.stop();
  await db.destroy();
});

beforeEach(async () => {
  clock.set(START);
  sandbox.faults.configure({});
  sandbox.stats.reset();
  await db.deleteFrom('outbox').execute();
  await db.deleteFrom('shipments').execute();
  await db.deleteFrom('merchants').execute();
});

function plan(numbers: string[], providers: Provider[]): SeedShipment[] {
  return numbers.map((trackingNumber, i) => ({ trackingNumber, provider: providers[i % providers.length]! }));
}

describe('poller against the carrier sandbox', () => {
  it('registers and polls every shipment through 429s and 5xx, one snapshot each, within every provider rate', async () => {
    sandbox.faults.configure({ default: FAULTS });
    const seeds = plan(journeyNumbers.slice(0, 120), ['17track', '17track', '17track', 'aftership', 'fedex', 'ups']);
    const ids = await seedShipments(db, clock.now().toJSDate(), seeds.map((s) => ({ ...s, nextPollAt: null })));

    const report = await createPoller().tick();

    expect(report).toMatchObject({ registered: 120, registrationFailed: 0, polled: 120, snapshots: 120, failed: 0 });
    const snapshots = await outboxSnapshots(db, TOPIC);
    expect(snapshots.map((e) => e.subject).sort()).toEqual([...ids].sort());
    for (const event of snapshots) {
      const seed = seeds[ids.indexOf(event.subject)]!;
      expect(event.data).toMatchObject({ provider: seed.provider, trackingNumber: seed.trackingNumber, source: 'poll', httpStatus: 200, fetchedAt: clock.now().toISO({ suppressMilliseconds: false }) });
      expect(event.data.sha256).toBe(expectedSha256(event));
      expect(event.data.metadata.attempts).toEqual(expect.any(Number));
      // The provider's mapper reads the published payload as it would a one-number answer.
      const body = event.data.payload.encoding === 'json' ? event.data.payload.body : null;
      expect(mapPayload(seed.provider, body, { trackingNumber: seed.trackingNumber }).trackingNumber.toUpperCase()).toBe(seed.trackingNumber.toUpperCase());
    }
    // A 17TRACK batch answer is published per shipment: its own item, never a neighbour's.
    const seventeen = snapshots.filter((e) => e.data.provider === '17track');
    expect(seventeen.every((e) => e.data.metadata.sliced === true && (e.data.metadata.batchSize as number) > 1)).toBe(true);
    for (const event of seventeen) {
      const data = (event.data.payload.body as { data: { accepted: { number: string }[]; rejected: { number: string }[] } }).data;
      expect([...data.accepted, ...data.rejected].map((item) => item.number)).toEqual([event.data.trackingNumber]);
    }

    const stats = sandbox.stats.report(sandbox.faults.injected());
    for (const [provider, limit] of Object.entries(SANDBOX_LIMITS)) {
      const counters = stats.providers[provider as Provider]!;
      expect({ provider, rejectedOverLimit: counters.rejectedOverLimit }).toEqual({ provider, rejectedOverLimit: 0 });
      expect(counters.maxInWindow).toBeLessThanOrEqual(limit.limit);
    }
    // The faults happened and were retried: every shipment still got its snapshot.
    const injected = Object.values(stats.faults).flatMap((byKind) => Object.entries(byKind));
    expect(injected.filter(([kind]) => kind === 'rate_limited').reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(0);
    expect(injected.filter(([kind]) => kind === 'unavailable' || kind === 'server_error').reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(0);
    expect(snapshots.some((e) => (e.data.metadata.attempts as number) > 1)).toBe(true);

    const rows = await db.selectFrom('shipments').select(['next_poll_at', 'last_polled_at', 'poll_attempts', 'provider_registered_at', 'active']).execute();
    for (const row of rows) {
      expect(row).toMatchObject({ active: true, poll_attempts: 0, last_polled_at: clock.now().toJSDate(), provider_registered_at: clock.now().toJSDate() });
      expect(row.next_poll_at!.getTime()).toBeGreaterThan(clock.now().toMillis());
    }
  }, 120_000);

  it('polls again only what has fallen due, and sends nothing when nothing is due', async () => {
    const now = clock.now().toJSDate();
    await seedShipments(db, now, plan(journeyNumbers.slice(120, 160), ['17track']).map((s) => ({ ...s, registeredAt: now })));
    const poller = createPoller();
    expect((await poller.tick()).snapshots).toBe(40);
    expect((await poller.tick()).polled).toBe(0);

    clock.advance({ hours: 7 });
    const due = await db.selectFrom('shipments').select('id').where('next_poll_at', '<=', clock.now().toJSDate()).execute();
    const second = await poller.tick();
    expect(second.rounds.flat().sort()).toEqual(due.map((row) => row.id).sort());
    expect(await outboxSnapshots(db, TOPIC)).toHaveLength(40 + due.length);
  }, 60_000);

  it('keeps failed fetches scheduled with a backoff and polls them once the provider is back', async () => {
    sandbox.faults.configure({ '17track': { serverError: 1 } });
    const now = clock.now().toJSDate();
    const ids = await seedShipments(db, now, plan(journeyNumbers.slice(160, 170), ['17track']).map((s) => ({ ...s, registeredAt: now })));
    const poller = createPoller({ retries: 1 });

    expect(await poller.tick()).toMatchObject({ polled: 10, snapshots: 0, failed: 10 });
    expect(await outboxSnapshots(db, TOPIC)).toEqual([]);
    const rows = await db.selectFrom('shipments').select(['next_poll_at', 'poll_attempts', 'active']).execute();
    expect(rows.every((row) => row.active && row.poll_attempts === 1 && row.next_poll_at!.getTime() === now.getTime() + 5 * 60_000)).toBe(true);

    sandbox.faults.configure({});
    clock.advance({ minutes: 5 });
    expect(await poller.tick()).toMatchObject({ polled: 10, snapshots: 10, failed: 0 });
    expect((await outboxSnapshots(db, TOPIC)).map((e) => e.subject).sort()).toEqual([...ids].sort());
  }, 60_000);

  it('stops polling a shipment delivered longer ago than the grace period, after a last snapshot', async () => {
    const now = clock.now().toJSDate();
    const [delivered, recent] = await seedShipments(db, now, [
      { trackingNumber: journeyNumbers[170]!, provider: 'ups', registeredAt: now, status: 'delivered', deliveredAt: new Date(now.getTime() - 4 * 86_400_000) },
      { trackingNumber: journeyNumbers[171]!, provider: 'ups', registeredAt: now, status: 'delivered', deliveredAt: new Date(now.getTime() - 3_600_000) },
    ]);
    expect(await createPoller().tick()).toMatchObject({ polled: 2, snapshots: 2, stopped: 1 });
    const rows = await db.selectFrom('shipments').select(['id', 'active', 'next_poll_at']).execute();
    expect(rows.find((row) => row.id === delivered)).toMatchObject({ active: false, next_poll_at: null });
    expect(rows.find((row) => row.id === recent)).toMatchObject({ active: true, next_poll_at: new Date(now.getTime() + 12 * 3_600_000) });
  }, 60_000);
});
