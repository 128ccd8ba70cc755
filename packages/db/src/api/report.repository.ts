import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Checkpoint, Compensation, Database, ExceptionKindColumn, MilestoneColumn, Notification, Proof, Shipment, ShipmentException } from '../database.js';

/*
 * The stuck-parcel report and the shipment detail (issue 7). Definitions live in
 * services/api/docs/reports.md; keep the two in step.
 *
 * Stuck = active, not delivered, not returned, and at least one of: no scan for
 * STUCK_AFTER_DAYS (a shipment never scanned counts from its registration), the promised date
 * has passed (end of that day in the buyer's time zone), or an open or escalated exception.
 */

/** The detector's stall threshold for non-postal lanes. */
export const STUCK_AFTER_DAYS = 5;

export const STUCK_SORTS = ['days_without_scan', 'promised_date', 'last_checkpoint'] as const;
export type StuckSort = (typeof STUCK_SORTS)[number];
export type SortOrder = 'asc' | 'desc';

/** The merchants a report may read; null = every merchant (no access layer). */
export type MerchantScope = readonly string[] | null;

export interface StuckFilters {
  merchantId?: string;
  carrier?: string;
  originCountry?: string;
  destinationCountry?: string;
  milestone?: MilestoneColumn;
  /** Only shipments with an open or escalated exception of this kind. */
  exceptionKind?: ExceptionKindColumn;
  /** Only shipments without a scan for at least this many days. */
  minDaysWithoutScan?: number;
  /** Only shipments whose promised date has passed. */
  promisedDatePassed?: boolean;
}

/** Where the previous page ended: the sort key as PostgreSQL printed it, and the id. */
export interface StuckKey {
  key: string;
  id: string;
}

export interface StuckQuery {
  now: Date;
  scope: MerchantScope;
  filters: StuckFilters;
  sort: StuckSort;
  order: SortOrder;
  limit: number;
  after?: StuckKey;
  /** Default EXCEPTION_FIRST_BELOW; tests set it to take either plan. */
  exceptionFirstBelow?: number;
}

export interface StuckRow {
  id: string;
  merchant_id: string;
  order_id: string;
  tracking_number: string;
  carrier: string;
  origin_country: string | null;
  destination_country: string | null;
  status: MilestoneColumn;
  status_reason: string | null;
  last_checkpoint_at: Date | null;
  last_scan_at: Date;
  promised_delivery_date: string | null;
  promised_date_passed: boolean;
  open_exceptions: ExceptionKindColumn[];
  sort_key: string;
}

const LAST_SCAN = sql`coalesce(s.last_checkpoint_at, s.created_at)`;
const PROMISED = sql`coalesce(s.promised_delivery_date, 'infinity'::date)`;

function sortExpression(sort: StuckSort): { expr: RawBuilder<unknown>; cast: RawBuilder<unknown> } {
  return sort === 'promised_date' ? { expr: PROMISED, cast: sql`date` } : { expr: LAST_SCAN, cast: sql`timestamptz` };
}

/** The direction on the key column: most days without scan first = oldest scan first. */
function keyDirection(sort: StuckSort, order: SortOrder): SortOrder {
  if (sort !== 'days_without_scan') return order;
  return order === 'desc' ? 'asc' : 'desc';
}

const promisePassed = (now: Date) => sql<boolean>`coalesce((s.promised_delivery_date + 1)::timestamp AT TIME ZONE s.buyer_timezone <= ${now}, false)`;

export function scopeCondition(column: RawBuilder<unknown>, scope: MerchantScope): RawBuilder<unknown> {
  if (scope === null) return sql`true`;
  if (scope.length === 0) return sql`false`;
  return sql`${column} IN (${sql.join(scope.map((id) => sql`${id}::uuid`))})`;
}

const DAY_MS = 86_400_000;

/**
 * Below this many open exceptions of the asked kind, the query starts from them and sorts the
 * few shipments; above, it walks the sort index and checks each shipment. Open exceptions of a
 * common kind (stalled) sit among the oldest scans and turn up at once in index order; a rare
 * one (customs holds on moving parcels) can lie behind tens of thousands of index entries.
 */
export const EXCEPTION_FIRST_BELOW = 20_000;

async function fewOpenExceptions(db: Kysely<Database>, kind: ExceptionKindColumn, below: number): Promise<boolean> {
  if (below <= 0) return false;
  const result = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM exceptions WHERE kind = ${kind} AND status <> 'resolved' LIMIT ${below}) AS capped`.execute(db);
  return Number(result.rows[0]?.n ?? 0) < below;
}

/** One page of stuck shipments, `limit + 1` rows read so the caller knows whether more follow. */
export async function findStuckShipments(db: Kysely<Database>, query: StuckQuery): Promise<{ rows: StuckRow[]; more: boolean }> {
  const { now, filters: f } = query;
  const stuckCutoff = new Date(now.getTime() - STUCK_AFTER_DAYS * DAY_MS);
  const conditions: RawBuilder<unknown>[] = [
    sql`s.active`,
    sql`s.status <> 'delivered'`,
    sql`s.returned_at IS NULL`,
    sql`(${LAST_SCAN} <= ${stuckCutoff} OR ${promisePassed(now)}
      OR EXISTS (SELECT 1 FROM exceptions e WHERE e.shipment_id = s.id AND e.status <> 'resolved'))`,
    scopeCondition(sql`s.merchant_id`, query.scope),
  ];
  if (f.merchantId !== undefined) conditions.push(sql`s.merchant_id = ${f.merchantId}::uuid`);
  if (f.carrier !== undefined) conditions.push(sql`s.carrier = ${f.carrier}`);
  if (f.originCountry !== undefined) conditions.push(sql`s.origin_country = ${f.originCountry}`);
  if (f.destinationCountry !== undefined) conditions.push(sql`s.destination_country = ${f.destinationCountry}`);
  if (f.milestone !== undefined) conditions.push(sql`s.status = ${f.milestone}`);
  let candidates = sql``;
  if (f.exceptionKind !== undefined) {
    if (await fewOpenExceptions(db, f.exceptionKind, query.exceptionFirstBelow ?? EXCEPTION_FIRST_BELOW)) {
      // Materialized, so the planner cannot fold it back into a walk of the sort index.
      candidates = sql`WITH candidates AS MATERIALIZED (SELECT shipment_id FROM exceptions WHERE kind = ${f.exceptionKind} AND status <> 'resolved') `;
      conditions.push(sql`s.id IN (SELECT shipment_id FROM candidates)`);
    } else {
      conditions.push(sql`EXISTS (SELECT 1 FROM exceptions e WHERE e.shipment_id = s.id AND e.status <> 'resolved' AND e.kind = ${f.exceptionKind})`);
    }
  }
  if (f.minDaysWithoutScan !== undefined) conditions.push(sql`${LAST_SCAN} <= ${new Date(now.getTime() - f.minDaysWithoutScan * DAY_MS)}`);
  if (f.promisedDatePassed === true) conditions.push(promisePassed(now));
  if (f.promisedDatePassed === false) conditions.push(sql`NOT ${promisePassed(now)}`);

  const { expr, cast } = sortExpression(query.sort);
  const direction = keyDirection(query.sort, query.order);
  if (query.after !== undefined) {
    const comparison = direction === 'asc' ? sql`>` : sql`<`;
    conditions.push(sql`(${expr}, s.id) ${comparison} (${query.after.key}::${cast}, ${query.after.id}::uuid)`);
  }
  const dir = sql.raw(direction);
  const result = await sql<StuckRow>`${candidates}
    SELECT s.id, s.merchant_id, s.order_id, s.tracking_number, s.carrier, s.origin_country, s.destination_country,
      s.status, s.status_reason, s.last_checkpoint_at, ${LAST_SCAN} AS last_scan_at,
      s.promised_delivery_date, ${promisePassed(now)} AS promised_date_passed,
      coalesce((SELECT array_agg(e.kind ORDER BY e.opened_at, e.id) FROM exceptions e
        WHERE e.shipment_id = s.id AND e.status <> 'resolved'), '{}') AS open_exceptions,
      (${expr})::text AS sort_key
    FROM shipments s
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY ${expr} ${dir}, s.id ${dir}
    LIMIT ${query.limit + 1}`.execute(db);
  const rows = result.rows.slice(0, query.limit).map((row) => ({ ...row, open_exceptions: parseTextArray(row.open_exceptions) as ExceptionKindColumn[] }));
  return { rows, more: result.rows.length > query.limit };
}

/** node-pg parses text[]; an array_agg of a text column may still arrive as the literal `{a,b}` on some drivers. */
function parseTextArray(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[];
  if (typeof value === 'string') return value.replace(/^\{|\}$/g, '').split(',').filter((v) => v !== '');
  return [];
}

export interface ShipmentDetailRows {
  shipment: Shipment;
  checkpoints: Checkpoint[];
  exceptions: ShipmentException[];
  notifications: Notification[];
  compensations: Compensation[];
  proofs: Proof[];
}

/** Everything the detail view shows; undefined when there is no such shipment. */
export async function loadShipmentDetail(db: Kysely<Database>, shipmentId: string): Promise<ShipmentDetailRows | undefined> {
  const shipment = await db.selectFrom('shipments').selectAll().where('id', '=', shipmentId).executeTakeFirst();
  if (shipment === undefined) return undefined;
  const [checkpoints, exceptions, notifications, compensations, proofs] = await Promise.all([
    db.selectFrom('checkpoints').selectAll().where('shipment_id', '=', shipmentId).orderBy('occurred_at').orderBy('id').execute(),
    db.selectFrom('exceptions').selectAll().where('shipment_id', '=', shipmentId).orderBy('opened_at').orderBy('id').execute(),
    db.selectFrom('notifications').selectAll().where('shipment_id', '=', shipmentId).orderBy('occurred_at').orderBy('seq').execute(),
    db.selectFrom('compensations').selectAll().where('shipment_id', '=', shipmentId).orderBy('decided_at').orderBy('tier').execute(),
    db.selectFrom('proofs').selectAll().where('shipment_id', '=', shipmentId).orderBy('created_at').orderBy('id').execute(),
  ]);
  return { shipment, checkpoints, exceptions, notifications, compensations, proofs };
}
