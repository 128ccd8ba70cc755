import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { applyPollSchedules, claimDueShipments, claimUnregisteredShipments, createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import type { Kysely } from 'kysely';
import { seedShipments } from './poller.fixtures.js';

const NOW = new Date('2025-03-20T00:00:00Z');
const LEASE_MS = 10 * 60_000;
const later = (ms: number) => new Date(NOW.getTime() + ms);
let db: Kysely<Database>;

beforeAll(async () => {
  db = await createDb({ kind: 'pglite' });
  await migrateToLatest(db);
});

afterAll(async () => {
  await db.destroy();
});

beforeEach(async () => {
  await db.deleteFrom('shipments').execute();
  await db.deleteFrom('merchants').execute();
});

describe('poll schedule claims', () => {
  it('claims due shipments most overdue first, leases them, and a second claim gets the rest', async () => {
    const ids = await seedShipments(db, NOW, [
      { trackingNumber: 'YT0000000001', provider: '17track', registeredAt: NOW, nextPollAt: later(-3_000) },
      { trackingNumber: 'YT0000000002', provider: '17track', registeredAt: NOW, nextPollAt: later(-1_000) },
      { trackingNumber: 'YT0000000003', provider: '17track', registeredAt: NOW, nextPollAt: later(-2_000) },
      { trackingNumber: 'YT0000000004', provider: '17track', registeredAt: NOW, nextPollAt: later(60_000) },
      { trackingNumber: 'YT0000000005', provider: '17track', registeredAt: null, nextPollAt: later(-9_000) },
    ]);
    const first = await claimDueShipments(db, { now: NOW, leaseUntil: later(LEASE_MS), limit: 2 });
    expect(first.map((s) => s.id)).toEqual([ids[0], ids[2]]);
    expect(first.every((s) => s.leaseUntil.getTime() === later(LEASE_MS).getTime())).toBe(true);
    const second = await claimDueShipments(db, { now: NOW, leaseUntil: later(LEASE_MS), limit: 10 });
    expect(second.map((s) => s.id)).toEqual([ids[1]]);
    // A crashed poller's claims come back once the lease has run out (with the one due since).
    const afterLease = await claimDueShipments(db, { now: later(LEASE_MS), leaseUntil: later(2 * LEASE_MS), limit: 10 });
    expect(afterLease[0]!.id).toBe(ids[3]);
    expect(afterLease.slice(1).map((s) => s.id).sort()).toEqual([ids[0], ids[1], ids[2]].sort());
  });

  it('claims unregistered shipments, a null schedule included, once per lease', async () => {
    const ids = await seedShipments(db, NOW, [
      { trackingNumber: 'YT0000000011', provider: '17track', nextPollAt: null },
      { trackingNumber: 'YT0000000012', provider: 'aftership', nextPollAt: later(-1) },
      { trackingNumber: 'YT0000000013', provider: 'aftership', registeredAt: NOW },
    ]);
    const claimed = await claimUnregisteredShipments(db, { now: NOW, leaseUntil: later(LEASE_MS), limit: 10 });
    expect(claimed.map((s) => s.id).sort()).toEqual([ids[0], ids[1]].sort());
    expect(await claimUnregisteredShipments(db, { now: NOW, leaseUntil: later(LEASE_MS), limit: 10 })).toEqual([]);
  });

  it('writes a schedule only while the row still carries the claim\'s lease', async () => {
    const [id] = await seedShipments(db, NOW, [{ trackingNumber: 'YT0000000021', provider: 'ups', registeredAt: NOW }]);
    const [mine] = await claimDueShipments(db, { now: NOW, leaseUntil: later(LEASE_MS), limit: 1 });
    // The lease lapses and another poller claims the shipment.
    await claimDueShipments(db, { now: later(LEASE_MS), leaseUntil: later(3 * LEASE_MS), limit: 1 });
    const update = { id: id!, leaseUntil: mine!.leaseUntil, nextPollAt: later(6 * 3_600_000), active: true, pollAttempts: 0, polledAt: NOW, registeredAt: null, problem: null };
    expect(await applyPollSchedules(db, [update])).toEqual([]);
    const row = await db.selectFrom('shipments').select(['next_poll_at', 'last_polled_at']).executeTakeFirstOrThrow();
    expect(row).toEqual({ next_poll_at: later(3 * LEASE_MS), last_polled_at: null });
    expect(await applyPollSchedules(db, [{ ...update, leaseUntil: later(3 * LEASE_MS) }])).toEqual([id]);
  });
});
