import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createCarrierSandboxService, type CarrierSandboxService } from '@parcelwatch/carrier-sandbox';
import { CarrierClientRegistry } from '@parcelwatch/carriers';
import { createDb, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import { createTestDatabase } from '@parcelwatch/test-harness';
import type { Kysely } from 'kysely';
import { createPollerService, createSandboxPollerClients, type PollerService } from '../src/index.js';
import { outboxSnapshots, seedShipments } from './poller.fixtures.js';

const TOPIC = 'tracking.snapshots';
const clock = fixedClock('2025-03-20T00:00:00Z');
const logger = createLogger({ name: 'poller-int', level: 'silent' });

let sandbox: CarrierSandboxService;
let drop: () => Promise<void>;
const pools: Kysely<Database>[] = [];

beforeAll(async () => {
  sandbox = createCarrierSandboxService({
    logger,
    clock,
    options: { seed: 5, rateLimits: { '17track': { limit: 40, windowMs: 1_000 }, ups: { limit: 40, windowMs: 1_000 } } },
  });
  await sandbox.start();
  const copy = await createTestDatabase();
  drop = copy.drop;
  // One pool per poller, as two processes would have.
  for (let i = 0; i < 3; i += 1) pools.push(await createDb({ kind: 'postgres', url: copy.url, max: 3 }));
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.destroy()));
  await drop();
  await sandbox.stop();
});

function poller(db: Kysely<Database>, apiKey: string): PollerService {
  const clients = createSandboxPollerClients({
    baseUrl: sandbox.url,
    apiKey,
    registry: new CarrierClientRegistry(),
    rateLimit: { requestsPerSecond: 15 },
    retry: { retries: 8, minTimeoutMs: 10, maxTimeoutMs: 100 },
  });
  // Small claims, so the two pollers' rounds interleave on the same due rows.
  return createPollerService({ logger, clock, db, clients, options: { claimLimit: 15, topics: { trackingSnapshots: TOPIC } } });
}

describe('two pollers on one PostgreSQL database', () => {
  it('share the due shipments without ever claiming the same one in a round (SKIP LOCKED)', async () => {
    const numbers = sandbox.journeys.createBatch({ count: 240, spreadDays: 20 }).map((journey) => journey.trackingNumber);
    const ids = await seedShipments(
      pools[2]!,
      clock.now().toJSDate(),
      numbers.map((trackingNumber, i) => ({ trackingNumber, provider: i % 3 === 0 ? 'ups' : '17track', nextPollAt: null })),
    );
    const a = poller(pools[0]!, 'poller-a');
    const b = poller(pools[1]!, 'poller-b');

    const [ra, rb] = await Promise.all([a.tick(), b.tick()]);

    const claimedA = ra.rounds.flat();
    const claimedB = rb.rounds.flat();
    // Both took part, and no shipment was claimed by both.
    expect(claimedA.length).toBeGreaterThan(0);
    expect(claimedB.length).toBeGreaterThan(0);
    expect(claimedA.filter((id) => claimedB.includes(id))).toEqual([]);
    expect([...claimedA, ...claimedB].sort()).toEqual([...ids].sort());
    expect(ra.registered + rb.registered).toBe(240);
    expect(ra.snapshots + rb.snapshots).toBe(240);

    // Exactly one snapshot per shipment in the outbox.
    const snapshots = await outboxSnapshots(pools[2]!, TOPIC);
    expect(snapshots.map((event) => event.subject).sort()).toEqual([...ids].sort());
    const rows = await pools[2]!.selectFrom('shipments').select(['next_poll_at', 'poll_attempts']).execute();
    expect(rows.every((row) => row.poll_attempts === 0 && row.next_poll_at!.getTime() > clock.now().toMillis())).toBe(true);
  });
});
