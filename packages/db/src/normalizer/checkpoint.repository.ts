import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, MilestoneColumn } from '../database.js';
import { jsonRecords } from '../json-records.js';

export type CheckpointExecutor = Kysely<Database> | Transaction<Database>;

/** A normalized checkpoint ready to store; `occurredAt` is an ISO-8601 UTC instant. */
export interface NewCheckpointRow {
  id: string;
  shipmentId: string;
  occurredAt: string;
  localTime: string | null;
  utcOffsetMinutes: number | null;
  zoneUnknown: boolean;
  milestone: MilestoneColumn;
  reason: string | null;
  locationText: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  postalCode: string | null;
  rawCode: string | null;
  rawText: string | null;
  source: 'poll' | 'webhook';
  provider: string;
  fingerprint: string;
  snapshotId: string | null;
}

const CHECKPOINT_RECORD = sql`id uuid, shipment_id uuid, occurred_at timestamptz, local_time text, utc_offset_minutes smallint,
  zone_unknown boolean, milestone text, reason text, location_text text, city text, state text, country text, postal_code text,
  raw_code text, raw_text text, source text, provider text, fingerprint text, snapshot_id uuid`;

/**
 * Inserts checkpoints in one statement (one jsonb parameter: one round trip whatever the count)
 * and returns the ids of the rows that were new. Idempotent on (shipment, fingerprint, instant);
 * callers drop scans whose fingerprint the timeline already has first
 * (`loadCheckpointFingerprints`), since the fingerprint hashes the instant only to the minute.
 */
export async function insertNewCheckpoints(db: CheckpointExecutor, rows: readonly NewCheckpointRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const records = rows.map((r) => ({
    id: r.id,
    shipment_id: r.shipmentId,
    occurred_at: r.occurredAt,
    local_time: r.localTime,
    utc_offset_minutes: r.utcOffsetMinutes,
    zone_unknown: r.zoneUnknown,
    milestone: r.milestone,
    reason: r.reason,
    location_text: r.locationText,
    city: r.city,
    state: r.state,
    country: r.country,
    postal_code: r.postalCode,
    raw_code: r.rawCode,
    raw_text: r.rawText,
    source: r.source,
    provider: r.provider,
    fingerprint: r.fingerprint,
    snapshot_id: r.snapshotId,
  }));
  const result = await sql<{ id: string }>`
    INSERT INTO checkpoints (id, shipment_id, occurred_at, local_time, utc_offset_minutes, zone_unknown, milestone,
      reason, location_text, city, state, country, postal_code, raw_code, raw_text, source, provider, fingerprint, snapshot_id)
    SELECT id, shipment_id, occurred_at, local_time, utc_offset_minutes, zone_unknown, milestone,
      reason, location_text, city, state, country, postal_code, raw_code, raw_text, source, provider, fingerprint, snapshot_id
    FROM ${jsonRecords(records, CHECKPOINT_RECORD)}
    ON CONFLICT (shipment_id, fingerprint, occurred_at) DO NOTHING
    RETURNING id`.execute(db);
  return result.rows.map((row) => row.id);
}

/** Timeline length per shipment, in one grouped query. Shipments without checkpoints are absent. */
export async function countCheckpoints(db: CheckpointExecutor, shipmentIds: readonly string[]): Promise<Map<string, number>> {
  if (shipmentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('checkpoints')
    .select(['shipment_id', (eb) => eb.fn.countAll<string>().as('count')])
    .where('shipment_id', 'in', [...shipmentIds])
    .groupBy('shipment_id')
    .execute();
  return new Map(rows.map((row) => [row.shipment_id, Number(row.count)]));
}

/** A shipment's timeline in event-time order (ties by insertion). */
export async function listCheckpoints(db: CheckpointExecutor, shipmentId: string) {
  return db
    .selectFrom('checkpoints')
    .selectAll()
    .where('shipment_id', '=', shipmentId)
    .orderBy('occurred_at')
    .orderBy('created_at')
    .execute();
}

/**
 * The fingerprints already on the timelines of `shipmentIds`, in one query: the caller drops
 * scans a shipment already has (whatever their seconds) and learns each timeline's size.
 */
export async function loadCheckpointFingerprints(db: CheckpointExecutor, shipmentIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const timelines = new Map<string, Set<string>>(shipmentIds.map((id) => [id, new Set<string>()]));
  if (shipmentIds.length === 0) return timelines;
  const rows = await db
    .selectFrom('checkpoints')
    .select(['shipment_id', 'fingerprint'])
    .where('shipment_id', '=', sql<string>`any(${[...shipmentIds]}::uuid[])`)
    .execute();
  for (const row of rows) timelines.get(row.shipment_id)?.add(row.fingerprint);
  return timelines;
}

/** What a timeline says about a return: codes, texts and statuses, never the location (no PII to carry). */
export interface ReturnEvidenceRow {
  provider: string;
  milestone: MilestoneColumn;
  reason: string | null;
  rawCode: string | null;
  rawText: string;
}

/**
 * The timelines of `shipmentIds` (returning or returned parcels) in event-time order, in one
 * query on the timeline index, for the detector's return-cause classifier.
 */
export async function loadReturnEvidence(db: CheckpointExecutor, shipmentIds: readonly string[]): Promise<Map<string, ReturnEvidenceRow[]>> {
  const timelines = new Map<string, ReturnEvidenceRow[]>();
  if (shipmentIds.length === 0) return timelines;
  const rows = await db
    .selectFrom('checkpoints')
    .select(['shipment_id', 'provider', 'milestone', 'reason', 'raw_code', 'raw_text'])
    .where('shipment_id', 'in', [...shipmentIds])
    .orderBy('shipment_id')
    .orderBy('occurred_at')
    .orderBy('created_at')
    .execute();
  for (const row of rows) {
    const timeline = timelines.get(row.shipment_id) ?? [];
    timeline.push({ provider: row.provider, milestone: row.milestone, reason: row.reason, rawCode: row.raw_code, rawText: row.raw_text ?? '' });
    timelines.set(row.shipment_id, timeline);
  }
  return timelines;
}
