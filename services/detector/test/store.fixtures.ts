import { MILESTONE_TIMESTAMP_COLUMNS, type Database, type MilestoneColumn, type MilestoneTimestampColumn } from '@parcelwatch/db';
import { seedShipments as registerAndTrack } from '@parcelwatch/db/testing';
import { idFromName } from '@parcelwatch/contracts';
import type { Kysely } from 'kysely';

export const STORE_MERCHANT_ID = idFromName('merchant', 'detector-tests');
const REGISTERED_AT = new Date('2025-01-01T00:00:00Z');

/** A shipment's state as the detector reads it (instants as ISO strings); unspecified fields take registration's defaults. */
export type ShipmentSeed = { id: string; carrier?: string; destination_country?: string; buyer_timezone?: string; promised_delivery_date?: string;
  active?: boolean; status?: MilestoneColumn; status_reason?: string; status_at?: string; last_checkpoint_at?: string; failed_attempts?: number;
  next_check_at?: string } & Partial<Record<MilestoneTimestampColumn, string>>;

const at = (value: string | undefined): Date | null => (value === undefined ? null : new Date(value));

/**
 * Registers shipments (their merchant too) and records the tracking state the normalizer would
 * have written, the detector's deadline and, for inactive ones, the poller's stop.
 */
export async function seedShipments(db: Kysely<Database>, shipments: readonly ShipmentSeed[]): Promise<void> {
  await db.insertInto('merchants').values({ id: STORE_MERCHANT_ID, name: 'Detector test shop' }).onConflict((oc) => oc.column('id').doNothing()).execute();
  await registerAndTrack(
    db,
    shipments.map((s) => ({
      id: s.id,
      merchantId: STORE_MERCHANT_ID,
      trackingNumber: `TN${s.id.slice(0, 8)}`,
      carrier: s.carrier ?? 'yunexpress',
      destinationCountry: s.destination_country ?? 'US',
      buyerTimezone: s.buyer_timezone ?? 'America/New_York',
      promisedDeliveryDate: s.promised_delivery_date ?? null,
      registeredAt: REGISTERED_AT,
      tracking: {
        status: s.status ?? 'pending',
        reason: s.status_reason ?? null,
        statusAt: at(s.status_at),
        lastCheckpointAt: at(s.last_checkpoint_at),
        failedAttempts: s.failed_attempts ?? 0,
        milestones: Object.fromEntries(MILESTONE_TIMESTAMP_COLUMNS.map((column) => [column, at(s[column])])),
      },
      ...(s.next_check_at === undefined ? {} : { nextCheckAt: new Date(s.next_check_at) }),
      ...(s.active === false ? { polling: { nextPollAt: null, active: false } } : {}),
    })),
  );
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

/** The shipment's deadline on the detector's schedule; null when it has none. */
export async function nextCheckAt(db: Kysely<Database>, id: string): Promise<string | null> {
  const row = await db.selectFrom('detection_schedule').select('next_check_at').where('shipment_id', '=', id).executeTakeFirst();
  return row?.next_check_at.toISOString() ?? null;
}
