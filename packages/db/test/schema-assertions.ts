import { expect } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import {
  detachCheckpointPartitionsBefore, ensureCheckpointPartitions, escalateExceptions, insertBuyers, insertCompensations, insertExceptions,
  insertNewCheckpoints, insertNotifications, listCheckpointPartitions, registerShipments, resolveExceptions, type Database,
  type NewCheckpointRow, type NewExceptionRow,
} from '../src/index.js';
import { checkpointPartitions } from './schema-snapshot.js';

/*
 * The same checks for every engine (PGlite in unit tests, PostgreSQL 15 in the integration
 * suite): the constraints the services rely on, the types both adapters return, and the
 * upkeep of the monthly checkpoint partitions. Expects a freshly migrated, empty database.
 * Rows are written by the repositories the services use; the only hand-written inserts are the
 * probes a repository can never send (a row a constraint must refuse), each named in
 * test/hygiene/domain-writes.test.ts.
 */

async function seedShipment(db: Kysely<Database>) {
  const merchantId = randomUUID();
  const shipmentId = randomUUID();
  const buyerContactId = randomUUID();
  await db.insertInto('merchants').values({ id: merchantId, name: 'Shop' }).execute();
  await db.transaction().execute((trx) => registerShipments(trx, [{
    id: shipmentId, merchantId, orderId: 'o-1', trackingNumber: 'LX123456785CN', carrier: 'china-post', provider: '17track',
    originCountry: 'CN', destinationCountry: 'US', promisedDeliveryDate: '2026-12-01', buyerTimezone: 'UTC', orderValueMinor: 2999, orderCurrency: 'USD',
    contact: { id: buyerContactId, name: 'A. Buyer', email: 'a@example.com', phone: null, address: null, locale: null, timezone: null },
    buyerId: null, nextPollAt: new Date(), registeredAt: new Date(),
  }]));
  return { merchantId, shipmentId, buyerContactId };
}

/** A checkpoint as the normalizer stores it. */
function checkpoint(shipmentId: string, occurredAt: string, fingerprint: string): NewCheckpointRow {
  return {
    id: randomUUID(), shipmentId, occurredAt, localTime: null, utcOffsetMinutes: null, zoneUnknown: false, milestone: 'in_transit',
    reason: 'departed_origin', locationText: 'Shenzhen', city: 'Shenzhen', state: null, country: 'CN', postalCode: null,
    rawCode: 'X', rawText: 'Departed', source: 'poll', provider: '17track', fingerprint: fingerprint.padEnd(64, '0'), snapshotId: null,
  };
}

/** The same scan as a bare row, for the probes that bypass the repository's ON CONFLICT. */
function checkpointProbe(shipmentId: string, occurredAt: string, fingerprint: string) {
  return {
    shipment_id: shipmentId, occurred_at: occurredAt, milestone: 'in_transit' as const, source: 'poll' as const, provider: '17track',
    fingerprint: fingerprint.padEnd(64, '0'),
  };
}

/** The first instant of the UTC month `offset` months from now's. */
function monthStart(offset: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
}

function partitionName(month: Date): string {
  return `checkpoints_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

async function partitionOf(db: Kysely<Database>, fingerprintPrefix: string): Promise<string[]> {
  const { rows } = await sql<{ part: string }>`
    SELECT tableoid::regclass::text AS part FROM checkpoints WHERE fingerprint LIKE ${`${fingerprintPrefix}%`}`.execute(db);
  return rows.map((r) => r.part);
}

/** Writes through the main constraints and checks each one holds. */
export async function assertSchemaBehaves(db: Kysely<Database>): Promise<void> {
  const { merchantId, shipmentId, buyerContactId } = await seedShipment(db);
  const stored = await db.selectFrom('shipments').selectAll().where('id', '=', shipmentId).executeTakeFirstOrThrow();

  // Registration is idempotent on merchant + order + tracking number.
  await expect(db.insertInto('shipments').values({ ...stored, id: randomUUID() }).execute()).rejects.toThrow(/shipments_order_tracking_key/);

  // Every merchant gets its own random buyer key (ids of its buyers are HMACs under it).
  const other = randomUUID();
  await db.insertInto('merchants').values({ id: other, name: 'Other shop' }).execute();
  const buyerKeys = await db.selectFrom('merchants').select('buyer_key').where('id', 'in', [merchantId, other]).execute();
  expect(buyerKeys.map((m) => m.buyer_key)).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), expect.stringMatching(/^[0-9a-f]{64}$/)]);
  expect(new Set(buyerKeys.map((m) => m.buyer_key)).size).toBe(2);
  // An order's value and currency come together; spend is never negative.
  const buyerId = randomUUID();
  await db.transaction().execute((trx) => insertBuyers(trx, [{ id: buyerId, merchantId, identifiedBy: 'email' }]));
  await expect(db.insertInto('buyer_orders').values({ merchant_id: merchantId, order_id: 'o-x', buyer_id: buyerId, value_minor: 100, currency: null, registered_at: new Date() }).execute()).rejects.toThrow(/buyer_orders_value_currency/);
  await expect(db.insertInto('buyer_spend').values({ buyer_id: buyerId, currency: 'USD', registered_minor: -1 }).execute()).rejects.toThrow(/check/i);

  // Types come back the same on both engines.
  expect(stored.promised_delivery_date).toBe('2026-12-01');
  expect(stored.order_value_minor).toBe(2999);
  expect(stored.created_at).toBeInstanceOf(Date);
  expect(stored.next_poll_at).toBeInstanceOf(Date);
  await expect(sql`SELECT 9007199254740993::bigint AS n`.execute(db)).rejects.toThrow(RangeError);

  // Enumerations are enforced by the database too.
  await expect(sql`UPDATE shipments SET status = 'teleported' WHERE id = ${shipmentId}`.execute(db)).rejects.toThrow(/check/i);

  // A checkpoint lands in its month's partition; the same fingerprint is stored once.
  const thisMonth = monthStart(0);
  const occurredAt = new Date(thisMonth.getTime() + 2 * 86_400_000 + 12 * 3_600_000).toISOString();
  expect(await insertNewCheckpoints(db, [checkpoint(shipmentId, occurredAt, 'a')])).toHaveLength(1);
  expect(await insertNewCheckpoints(db, [checkpoint(shipmentId, occurredAt, 'a')])).toHaveLength(0);
  await expect(db.insertInto('checkpoints').values(checkpointProbe(shipmentId, occurredAt, 'a')).execute()).rejects.toThrow(/checkpoints_y.*_key|unique/i);
  expect(await partitionOf(db, 'a')).toEqual([partitionName(thisMonth)]);

  // An event from long ago still has a home: the default partition.
  await insertNewCheckpoints(db, [checkpoint(shipmentId, '2001-01-01T00:00:00Z', 'b')]);
  expect(await partitionOf(db, 'b')).toEqual(['checkpoints_default']);

  await assertPartitionUpkeep(db, shipmentId);

  // One open exception per shipment and kind; a resolved one makes room for the next.
  const exception = (id: string, kind: NewExceptionRow['kind'] = 'stalled'): NewExceptionRow => ({
    id, shipmentId, merchantId, kind, status: 'open', severity: 'medium', level: 0, openedAt: new Date().toISOString(), escalatedAt: null, details: {},
  });
  const probe = { shipment_id: shipmentId, merchant_id: merchantId, kind: 'stalled' as const, opened_at: new Date() };
  const firstId = randomUUID();
  expect(await insertExceptions(db, [exception(firstId)])).toEqual(new Set([firstId]));
  await expect(db.insertInto('exceptions').values({ ...probe, id: randomUUID() }).execute()).rejects.toThrow(/exceptions_one_open_idx/);
  await escalateExceptions(db, [{ id: firstId, severity: 'high', level: 1, escalatedAt: new Date().toISOString(), details: {} }]);
  await expect(db.insertInto('exceptions').values({ ...probe, id: randomUUID() }).execute()).rejects.toThrow(/exceptions_one_open_idx/);
  await resolveExceptions(db, [{ id: firstId, resolution: 'progressed', resolvedAt: new Date().toISOString() }]);
  expect((await insertExceptions(db, [exception(randomUUID())])).size).toBe(1);
  expect((await insertExceptions(db, [exception(randomUUID(), 'customs_hold')])).size).toBe(1);

  // A shipment is compensated at most once per tier.
  const compensation = {
    shipment_id: shipmentId, merchant_id: merchantId, tier: 1, action: 'coupon' as const, amount_minor: 500, currency: 'USD',
    channel: 'fast' as const, approval_level: 'auto' as const, supersedes_id: null, policy_version: '2026-11', rule_fired: 'tier1.late_3_5_days',
    decided_at: new Date(), approver: null, approved_at: null, rejected_reason: null, external_ref: null, executed_at: null, error: null,
  };
  expect(await insertCompensations(db, [{ ...compensation, id: randomUUID(), execution_key: 'exec-1' }])).toHaveLength(1);
  await expect(db.insertInto('compensations').values({ ...compensation, id: randomUUID(), execution_key: 'exec-2' }).execute())
    .rejects.toThrow(/compensations_tier_key/);
  const stored1 = await db.selectFrom('compensations').select(['amount_minor', 'add_ons']).where('shipment_id', '=', shipmentId).executeTakeFirstOrThrow();
  expect(stored1).toEqual({ amount_minor: 500, add_ons: [] });
  // JSON arrays go in as text (pg would send a JS array as a PostgreSQL array literal).
  await insertCompensations(db, [{ ...compensation, id: randomUUID(), tier: 3, action: 'full_refund', amount_minor: 2999, execution_key: 'exec-3', add_ons: JSON.stringify([{ kind: 'gift' }]) }]);
  const tier3 = await db.selectFrom('compensations').select('add_ons').where('execution_key', '=', 'exec-3').executeTakeFirstOrThrow();
  expect(tier3.add_ons).toEqual([{ kind: 'gift' }]);

  // A redelivered trigger never schedules the same message twice.
  const notification = {
    shipment_id: shipmentId, merchant_id: merchantId, idempotency_key: `${shipmentId}:delivered:email`, trigger: 'milestone.delivered',
    channel: 'email' as const, template: 'delivered', locale: 'en', scheduled_for: new Date(), sent_at: null, provider_message_id: null,
    body_sha256: null, error: null,
  };
  expect(await insertNotifications(db, [{ ...notification, id: randomUUID() }])).toHaveLength(1);
  expect(await insertNotifications(db, [{ ...notification, id: randomUUID() }])).toHaveLength(0);

  // Purging a buyer's contact keeps the shipment and its history.
  await db.deleteFrom('buyer_contacts').where('id', '=', buyerContactId).execute();
  const purged = await db.selectFrom('shipments').select('buyer_contact_id').where('id', '=', shipmentId).executeTakeFirstOrThrow();
  expect(purged.buyer_contact_id).toBeNull();

  // An API key's merchant scope is a uuid[] that comes back as string[].
  await db.insertInto('api_keys')
    .values({ id: randomUUID(), name: 'ops', key_hash: 'f'.repeat(64), prefix: 'pw_ops', role: 'viewer', merchant_ids: [merchantId], last_used_at: null, revoked_at: null })
    .execute();
  const key = await db.selectFrom('api_keys').select(['merchant_ids', 'role']).executeTakeFirstOrThrow();
  expect(key).toEqual({ merchant_ids: [merchantId], role: 'viewer' });
  await expect(sql`INSERT INTO api_keys (id, name, key_hash, prefix, role, merchant_ids)
    VALUES (${randomUUID()}, 'x', ${'e'.repeat(64)}, 'pw_x', 'superuser', ${[merchantId]}::uuid[])`.execute(db)).rejects.toThrow(/check/i);

  // The outbox hands out identities in order.
  const ids = await db.insertInto('outbox').values([
    { topic: 't', message_key: shipmentId, event: JSON.stringify({ n: 1 }) },
    { topic: 't', message_key: shipmentId, event: JSON.stringify({ n: 2 }) },
  ]).returning('id').execute();
  expect(ids[1]!.id).toBeGreaterThan(ids[0]!.id);
}

/** Months are created ahead (taking over rows the default partition caught) and old ones detach. */
async function assertPartitionUpkeep(db: Kysely<Database>, shipmentId: string): Promise<void> {
  const migrationWindow = await listCheckpointPartitions(db);
  expect(migrationWindow.at(-1)).toEqual({ name: 'checkpoints_default', from: null, to: null });
  expect(migrationWindow).toContainEqual({ name: partitionName(monthStart(0)), from: monthStart(0), to: monthStart(1) });
  expect(migrationWindow.map((p) => p.name)).toContain(partitionName(monthStart(-12)));
  expect(migrationWindow.map((p) => p.name)).toContain(partitionName(monthStart(6)));

  // Creating ahead is idempotent.
  expect(await ensureCheckpointPartitions(db, { from: monthStart(0), months: 3 })).toBe(0);
  expect(await ensureCheckpointPartitions(db, { from: new Date('2040-01-20T00:00:00Z'), months: 2 })).toBe(2);
  expect(await checkpointPartitions(db)).toEqual(expect.arrayContaining(['checkpoints_y2040m01', 'checkpoints_y2040m02']));

  // A month with no partition yet: its rows wait in the default partition and move into the
  // month when it is created (PostgreSQL would refuse a plain CREATE ... PARTITION OF here).
  await insertNewCheckpoints(db, [checkpoint(shipmentId, '2090-03-15T08:30:00Z', 'c')]);
  expect(await partitionOf(db, 'c')).toEqual(['checkpoints_default']);
  expect(await ensureCheckpointPartitions(db, { from: new Date('2090-03-01T00:00:00Z'), months: 1 })).toBe(1);
  expect(await partitionOf(db, 'c')).toEqual(['checkpoints_y2090m03']);
  expect(await partitionOf(db, 'b')).toEqual(['checkpoints_default']);
  // The adopted month is a full partition: the dedupe key holds in it.
  await expect(db.insertInto('checkpoints').values(checkpointProbe(shipmentId, '2090-03-15T08:30:00Z', 'c')).execute()).rejects.toThrow(/unique/i);

  // Detaching months older than six: their rows leave checkpoints but stay in the detached table.
  const oldMonth = monthStart(-8);
  await insertNewCheckpoints(db, [checkpoint(shipmentId, new Date(oldMonth.getTime() + 86_400_000).toISOString(), 'd')]);
  expect(await partitionOf(db, 'd')).toEqual([partitionName(oldMonth)]);
  const detached = await detachCheckpointPartitionsBefore(db, monthStart(-6));
  expect(detached).toEqual(expect.arrayContaining([partitionName(monthStart(-12)), partitionName(oldMonth), partitionName(monthStart(-7))]));
  expect(detached).not.toContain(partitionName(monthStart(-6)));
  expect(await partitionOf(db, 'd')).toEqual([]);
  const { rows: kept } = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(partitionName(oldMonth))}`.execute(db);
  expect(kept[0]?.n).toBe(1);
  const attached = await checkpointPartitions(db);
  expect(attached).not.toContain(partitionName(oldMonth));
  expect(attached).toEqual(expect.arrayContaining([partitionName(monthStart(-6)), partitionName(monthStart(0)), 'checkpoints_default']));
  expect(await detachCheckpointPartitionsBefore(db, monthStart(-6))).toEqual([]);
  expect(await db.selectFrom('checkpoints').select('id').where('shipment_id', '=', shipmentId).execute()).toHaveLength(3);
}
