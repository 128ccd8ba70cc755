import type { Database, ShipmentsTable } from '@parcelwatch/db';
import { idFromName } from '@parcelwatch/contracts';
import type { Insertable, Kysely } from 'kysely';

export const STORE_MERCHANT_ID = idFromName('merchant', 'detector-tests');

export type ShipmentSeed = Partial<Insertable<ShipmentsTable>> & { id: string };

/** Inserts shipments (and their merchant) with a tracking state; unspecified columns take their defaults. */
export async function seedShipments(db: Kysely<Database>, shipments: readonly ShipmentSeed[]): Promise<void> {
  await db.insertInto('merchants').values({ id: STORE_MERCHANT_ID, name: 'Detector test shop' }).onConflict((oc) => oc.column('id').doNothing()).execute();
  await db
    .insertInto('shipments')
    .values(
      shipments.map((s) => ({
        merchant_id: STORE_MERCHANT_ID,
        order_id: `order-${s.id}`,
        tracking_number: `TN${s.id.slice(0, 8)}`,
        carrier: 'yunexpress',
        provider: '17track',
        origin_country: 'CN',
        destination_country: 'US',
        buyer_timezone: 'America/New_York',
        ...s,
      })),
    )
    .execute();
}

export async function exceptionRows(db: Kysely<Database>) {
  return db.selectFrom('exceptions').select(['shipment_id', 'kind', 'status', 'severity', 'escalation_count', 'resolution', 'details']).orderBy('shipment_id').orderBy('kind').execute();
}

export async function delayRows(db: Kysely<Database>) {
  return db.selectFrom('delays').select(['shipment_id', 'against', 'days_late', 'tier']).orderBy('shipment_id').orderBy('days_late').execute();
}

export async function outboxEvents(db: Kysely<Database>) {
  const rows = await db.selectFrom('outbox').select(['topic', 'message_key', 'event']).orderBy('id').execute();
  return rows.map((row) => ({ topic: row.topic, key: row.message_key, event: row.event as { id: string; type: string; subject: string; data: Record<string, unknown> } }));
}

export async function nextCheckAt(db: Kysely<Database>, id: string): Promise<string | null> {
  const row = await db.selectFrom('shipments').select('next_check_at').where('id', '=', id).executeTakeFirstOrThrow();
  return row.next_check_at?.toISOString() ?? null;
}
