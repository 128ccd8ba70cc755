import type { Kysely, Transaction } from 'kysely';
import type { CompensationRefusalReason, Database, ExceptionKindColumn } from '../database.js';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * What the database knows of the facts a delay or exception event claims: the most days late the
 * detector recorded per reference, and the exceptions it opened. A decision to pay is checked
 * against these, not only against the event that asked.
 */
export interface RecordedTriggerFacts {
  /** Largest days late on record per shipment and reference; absent: never late on record. */
  delays: Map<string, { promised: number; estimated: number }>;
  /** The exceptions on record by id. */
  exceptions: Map<string, { shipmentId: string; merchantId: string; kind: ExceptionKindColumn; status: 'open' | 'escalated' | 'resolved'; resolution: string | null; details: Record<string, unknown> }>;
}

export async function loadRecordedTriggerFacts(db: Executor, shipmentIds: readonly string[], exceptionIds: readonly string[]): Promise<RecordedTriggerFacts> {
  const facts: RecordedTriggerFacts = { delays: new Map(), exceptions: new Map() };
  if (shipmentIds.length > 0) {
    const rows = await db
      .selectFrom('delays')
      .select(['shipment_id', 'against', (eb) => eb.fn.max('days_late').as('days_late')])
      .where('shipment_id', 'in', [...new Set(shipmentIds)])
      .groupBy(['shipment_id', 'against'])
      .execute();
    for (const row of rows) {
      const recorded = facts.delays.get(row.shipment_id) ?? { promised: 0, estimated: 0 };
      recorded[row.against] = Number(row.days_late);
      facts.delays.set(row.shipment_id, recorded);
    }
  }
  if (exceptionIds.length > 0) {
    const rows = await db
      .selectFrom('exceptions')
      .select(['id', 'shipment_id', 'merchant_id', 'kind', 'status', 'resolution', 'details'])
      .where('id', 'in', [...new Set(exceptionIds)])
      .execute();
    for (const row of rows) {
      facts.exceptions.set(row.id, { shipmentId: row.shipment_id, merchantId: row.merchant_id, kind: row.kind, status: row.status, resolution: row.resolution, details: row.details });
    }
  }
  return facts;
}

export interface NewCompensationRefusal {
  triggerEventId: string;
  triggerEventType: string;
  shipmentId: string;
  claimedMerchantId: string;
  reason: CompensationRefusalReason;
  detail: string;
  refusedAt: Date;
}

/** Records refused triggers; idempotent on the event id (a redelivered event is recorded once). */
export async function recordCompensationRefusals(db: Executor, rows: readonly NewCompensationRefusal[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db
    .insertInto('compensation_refusals')
    .values(
      rows.map((r) => ({
        trigger_event_id: r.triggerEventId,
        trigger_event_type: r.triggerEventType,
        shipment_id: r.shipmentId,
        claimed_merchant_id: r.claimedMerchantId,
        reason: r.reason,
        detail: r.detail,
        refused_at: r.refusedAt,
      })),
    )
    .onConflict((oc) => oc.column('trigger_event_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** Refused triggers so far, by reason (read at scrape time: every instance reports the same truth). */
export async function countCompensationRefusals(db: Executor): Promise<{ reason: CompensationRefusalReason; count: number }[]> {
  const rows = await db
    .selectFrom('compensation_refusals')
    .select(['reason', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('reason')
    .execute();
  return rows.map((row) => ({ reason: row.reason, count: Number(row.n) }));
}
