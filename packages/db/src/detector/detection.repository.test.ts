import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import {
  claimDueDetections,
  createDb,
  escalateExceptions,
  insertExceptions,
  listDetectionOverrides,
  loadOpenExceptions,
  loadRecordedDelays,
  migrateToLatest,
  recordDelays,
  resolveExceptions,
  setNextCheckAt,
  upsertDetectionOverride,
  type Database,
  type NewExceptionRow,
} from '../index.js';
import { seedShipments } from '../testing.js';

// The detector's SQL on PGlite (the integration suite runs it on PostgreSQL 15): each write is
// idempotent at the statement level, so a repeated batch writes (and announces) nothing new.

const MERCHANT = '0193a1b2-0000-7000-8000-0000000000aa';
const ship = (n: number) => `0193a1b2-0000-7000-8000-${String(n).padStart(12, '0')}`;
const exc = (n: number) => `0193a1b2-0000-7000-9000-${String(n).padStart(12, '0')}`;

describe('detection repositories', () => {
  let db: Kysely<Database>;
  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    await db.insertInto('merchants').values({ id: MERCHANT, name: 'shop' }).execute();
    // Registered, given the detector's deadlines and (the fourth) stopped by the poller, by the services' repositories.
    await seedShipments(db, [1, 2, 3, 4].map((n) => ({
      id: ship(n), merchantId: MERCHANT, orderId: `o${n}`, trackingNumber: `TN0000${n}`, carrier: 'ups', provider: 'ups', buyerTimezone: 'UTC',
      registeredAt: new Date('2025-03-01T00:00:00Z'), nextCheckAt: new Date(n === 3 ? '2025-03-21T00:00:00Z' : `2025-03-1${n}T00:00:00Z`),
      ...(n === 4 ? { polling: { nextPollAt: null, active: false } } : {}),
    })));
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('claims only active, due shipments, most overdue first, and takes them off or on the schedule', async () => {
    const claimed = await db.transaction().execute((trx) => claimDueDetections(trx, { now: new Date('2025-03-20T00:00:00Z'), limit: 10 }));
    expect(claimed.map((s) => s.id).sort()).toEqual([ship(1), ship(2)]);
    expect(claimed[0]).toMatchObject({ carrier: 'ups', status: 'pending', failedAttempts: 0, buyerTimezone: 'UTC', active: true });
    await setNextCheckAt(db, [{ id: ship(1), nextCheckAt: null }, { id: ship(2), nextCheckAt: new Date('2025-03-25T00:00:00Z') }]);
    const again = await db.transaction().execute((trx) => claimDueDetections(trx, { now: new Date('2025-03-22T00:00:00Z'), limit: 10 }));
    expect(again.map((s) => s.id)).toEqual([ship(3)]);
  });

  it('opens one exception per shipment and kind, escalates upwards only, resolves once', async () => {
    const row = (id: string, kind: NewExceptionRow['kind']): NewExceptionRow => ({
      id, shipmentId: ship(1), merchantId: MERCHANT, kind, status: 'open', severity: 'medium', level: 0, openedAt: '2025-03-20T00:00:00Z', escalatedAt: null, details: { ruleFired: `${kind}@v1` },
    });
    expect(await insertExceptions(db, [row(exc(1), 'stalled'), row(exc(2), 'failed_delivery')])).toEqual(new Set([exc(1), exc(2)]));
    // A second open 'stalled' for the same shipment is skipped, not an error.
    expect(await insertExceptions(db, [row(exc(3), 'stalled')])).toEqual(new Set());
    const escalation = { id: exc(2), severity: 'high' as const, level: 1, escalatedAt: '2025-03-21T00:00:00Z', details: { facts: { failedAttempts: 2 } } };
    expect(await escalateExceptions(db, [escalation])).toEqual(new Set([exc(2)]));
    expect(await escalateExceptions(db, [escalation])).toEqual(new Set());
    const open = (await loadOpenExceptions(db, [ship(1)])).get(ship(1)) ?? [];
    expect(open.map((e) => [e.kind, e.severity, e.level]).sort()).toEqual([['failed_delivery', 'high', 1], ['stalled', 'medium', 0]]);
    const stored = await db.selectFrom('exceptions').select(['status', 'details']).where('id', '=', exc(2)).executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'escalated', details: { ruleFired: 'failed_delivery@v1', facts: { failedAttempts: 2 } } });

    const resolution = { id: exc(1), resolution: 'progressed', resolvedAt: '2025-03-22T00:00:00Z' };
    expect(await resolveExceptions(db, [resolution])).toEqual(new Set([exc(1)]));
    expect(await resolveExceptions(db, [resolution])).toEqual(new Set());
    // Resolved is history: a new 'stalled' may open again.
    expect(await insertExceptions(db, [row(exc(4), 'stalled')])).toEqual(new Set([exc(4)]));
  });

  it('records each days-late observation once and reports the largest', async () => {
    const delay = (id: string, daysLate: number) => ({
      id, shipmentId: ship(2), merchantId: MERCHANT, against: 'promised' as const, referenceAt: '2025-03-15T04:00:00Z', daysLate, tier: daysLate >= 3 ? 1 : 0, computedAt: '2025-03-20T00:00:00Z',
    });
    expect(await recordDelays(db, [delay(exc(11), 2), delay(exc(12), 3)])).toEqual(new Set([`${ship(2)}|promised|2`, `${ship(2)}|promised|3`]));
    expect(await recordDelays(db, [delay(exc(13), 3)])).toEqual(new Set());
    expect((await loadRecordedDelays(db, [ship(2), ship(3)])).get(ship(2))).toEqual({ promised: 3, estimated: 0 });
  });

  it('keeps one override per rule and scope', async () => {
    const scope = { rule: 'stalled' as const, carrier: 'ups', originCountry: 'CN', destinationCountry: null, merchantId: null };
    await upsertDetectionOverride(db, { ...scope, threshold: { days: 8 } });
    await upsertDetectionOverride(db, { ...scope, threshold: { days: 9 } });
    expect(await listDetectionOverrides(db)).toEqual([{ ...scope, threshold: { days: 9 } }]);
  });
});
