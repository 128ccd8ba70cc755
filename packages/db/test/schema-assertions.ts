import { expect } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Database } from '../src/index.js';

/*
 * The same checks for every engine (PGlite in unit tests, PostgreSQL 15 in the integration
 * suite): the schema the migrations build, and the constraints the services rely on.
 */

export const EXPECTED_TABLES = [
  'api_keys', 'audit_log', 'buyer_contacts', 'checkpoints', 'compensations', 'delays', 'detection_overrides',
  'exceptions', 'merchants', 'notifications', 'outbox', 'processed_messages', 'proofs', 'shipments', 'tracking_snapshots',
];

export const EXPECTED_INDEXES = [
  'shipments_due_poll_idx', 'shipments_due_check_idx', 'shipments_stuck_idx', 'shipments_lane_perf_idx',
  'shipments_tracking_number_idx', 'checkpoints_timeline_idx', 'exceptions_one_open_idx', 'exceptions_open_by_kind_idx',
  'notifications_due_idx', 'compensations_pending_idx', 'outbox_unpublished_idx', 'proofs_once_idx',
];

export async function userTables(db: Kysely<any>): Promise<string[]> {
  // Top-level tables only: checkpoint month partitions are an implementation detail.
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND c.relname NOT LIKE 'kysely_%' ORDER BY 1`.execute(db);
  return rows.map((r) => r.name);
}

export async function indexNames(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public'`.execute(db);
  return rows.map((r) => r.name);
}

export async function checkpointPartitions(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'checkpoints' ORDER BY 1`.execute(db);
  return rows.map((r) => r.name);
}

async function seedShipment(db: Kysely<Database>) {
  const merchantId = randomUUID();
  const shipmentId = randomUUID();
  await db.insertInto('merchants').values({ id: merchantId, name: 'Shop' }).execute();
  await db
    .insertInto('shipments')
    .values({
      id: shipmentId, merchant_id: merchantId, buyer_contact_id: null, order_id: 'o-1', tracking_number: 'LX123456785CN',
      carrier: 'china-post', provider: '17track', origin_country: 'CN', destination_country: 'US', status_reason: null,
      status_at: null, last_checkpoint_at: null, info_received_at: null, picked_up_at: null, departed_origin_at: null,
      arrived_destination_at: null, customs_cleared_at: null, out_for_delivery_at: null, first_attempt_at: null,
      available_for_pickup_at: null, delivered_at: null, exception_at: null, returned_at: null,
      promised_delivery_date: '2026-12-01', estimated_delivery_at: null, order_value_minor: 2999, order_currency: 'USD',
      provider_registered_at: null, last_polled_at: null, next_poll_at: new Date(), next_check_at: null,
    })
    .execute();
  return { merchantId, shipmentId };
}

function checkpoint(shipmentId: string, occurredAt: string, fingerprint: string) {
  return {
    shipment_id: shipmentId, occurred_at: occurredAt, local_time: null, utc_offset_minutes: null, milestone: 'in_transit' as const,
    reason: 'departed_origin', location_text: 'Shenzhen', city: 'Shenzhen', state: null, country: 'CN', postal_code: null,
    raw_code: 'X', raw_text: 'Departed', source: 'poll' as const, provider: '17track', fingerprint: fingerprint.padEnd(64, '0'), snapshot_id: null,
  };
}

/** Writes through the main constraints and checks each one holds. */
export async function assertSchemaBehaves(db: Kysely<Database>): Promise<void> {
  const { merchantId, shipmentId } = await seedShipment(db);

  // Registration is idempotent on merchant + order + tracking number.
  await expect(
    db.insertInto('shipments').values({ ...(await db.selectFrom('shipments').selectAll().where('id', '=', shipmentId).executeTakeFirstOrThrow()), id: randomUUID() }).execute(),
  ).rejects.toThrow(/shipments_order_tracking_key/);

  // Types come back the same on both engines.
  const stored = await db.selectFrom('shipments').selectAll().where('id', '=', shipmentId).executeTakeFirstOrThrow();
  expect(stored.promised_delivery_date).toBe('2026-12-01');
  expect(stored.order_value_minor).toBe(2999);
  expect(stored.created_at).toBeInstanceOf(Date);

  // A checkpoint lands in its month's partition; the same fingerprint is stored once.
  const occurredAt = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 3, 12)).toISOString();
  await db.insertInto('checkpoints').values(checkpoint(shipmentId, occurredAt, 'a')).execute();
  const again = await db.insertInto('checkpoints').values(checkpoint(shipmentId, occurredAt, 'a'))
    .onConflict((oc) => oc.columns(['shipment_id', 'fingerprint', 'occurred_at']).doNothing()).returning('id').execute();
  expect(again).toHaveLength(0);
  const month = occurredAt.slice(0, 7).replace('-', 'm');
  const { rows } = await sql<{ part: string }>`SELECT tableoid::regclass::text AS part FROM checkpoints WHERE shipment_id = ${shipmentId}`.execute(db);
  expect(rows).toEqual([{ part: `checkpoints_y${month}` }]);

  // An event from long ago still has a home: the default partition.
  await db.insertInto('checkpoints').values(checkpoint(shipmentId, '2001-01-01T00:00:00Z', 'b')).execute();
  const { rows: old } = await sql<{ part: string }>`SELECT tableoid::regclass::text AS part FROM checkpoints WHERE fingerprint LIKE 'b%'`.execute(db);
  expect(old).toEqual([{ part: 'checkpoints_default' }]);

  // Month partitions are created ahead, and old ones detach without touching the rest.
  const created = await sql<{ n: number }>`SELECT ensure_checkpoint_partitions('2040-01-01', 2) AS n`.execute(db);
  expect(created.rows[0]?.n).toBe(2);
  const detached = await sql<{ name: string }>`SELECT detach_checkpoint_partitions_before((date_trunc('month', now()) - interval '6 months')::date) AS name`.execute(db);
  expect(detached.rows.length).toBeGreaterThanOrEqual(6);
  expect(await checkpointPartitions(db)).toContain(`checkpoints_y${month}`);
  expect(await db.selectFrom('checkpoints').select('id').where('shipment_id', '=', shipmentId).execute()).toHaveLength(2);

  // One open exception per shipment and kind; a resolved one makes room for the next.
  const exception = { shipment_id: shipmentId, merchant_id: merchantId, kind: 'stalled' as const, opened_at: new Date(), escalated_at: null, resolved_at: null, resolution: null };
  const firstId = randomUUID();
  await db.insertInto('exceptions').values({ ...exception, id: firstId }).execute();
  await expect(db.insertInto('exceptions').values({ ...exception, id: randomUUID() }).execute()).rejects.toThrow(/exceptions_one_open_idx/);
  await db.updateTable('exceptions').set({ status: 'resolved', resolved_at: new Date() }).where('id', '=', firstId).execute();
  await db.insertInto('exceptions').values({ ...exception, id: randomUUID() }).execute();

  // Enumerations are enforced by the database too.
  await expect(sql`UPDATE shipments SET status = 'teleported' WHERE id = ${shipmentId}`.execute(db)).rejects.toThrow(/check/i);

  // The outbox hands out identities in order.
  const ids = await db.insertInto('outbox').values([
    { topic: 't', message_key: shipmentId, event: JSON.stringify({ n: 1 }) },
    { topic: 't', message_key: shipmentId, event: JSON.stringify({ n: 2 }) },
  ]).returning('id').execute();
  expect(ids[1]!.id).toBeGreaterThan(ids[0]!.id);
}
