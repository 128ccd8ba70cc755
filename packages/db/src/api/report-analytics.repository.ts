import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, ExceptionKindColumn } from '../database.js';
import { scopeCondition, type MerchantScope } from './report.repository.js';
import { TRANSIT_HOURS } from './report-rollup.repository.js';

/*
 * Aggregate ops reports (issue 7): carrier and lane performance, weekly exception causes,
 * compensation queue and cost, response SLA. Definitions: services/api/docs/reports.md.
 * Weeks are ISO weeks (Monday 00:00 UTC).
 */

export interface PerformanceQuery {
  from: Date;
  to: Date;
  scope: MerchantScope;
  carrier?: string;
  originCountry?: string;
  destinationCountry?: string;
  /** `lane`: one row per carrier, origin and destination; `carrier`: one per carrier. */
  groupBy: 'lane' | 'carrier';
}

export interface PerformanceRow {
  carrier: string;
  origin_country: string | null;
  destination_country: string | null;
  shipments: number;
  delivered: number;
  delivered_with_promise: number;
  delivered_on_time: number;
  transit_measured: number;
  median_transit_days: number | null;
  p90_transit_days: number | null;
  with_exception: number;
  customs_holds: number;
  lost: number;
}

/**
 * The report computed from shipments alone, without the rollup: the definition the rollup must
 * reproduce (tests and the bench compare the two). The cohort is every shipment registered
 * (created_at) in [from, to). Two statements: the counts hash-aggregate over the cohort; the
 * transit percentiles sort only delivered shipments. It reads every cohort shipment, about 1.5 s
 * for 90 days of the bench's 1M shipments, hence the rollup.
 */
export async function carrierPerformanceFromShipments(db: Kysely<Database>, q: PerformanceQuery): Promise<PerformanceRow[]> {
  const conditions: RawBuilder<unknown>[] = [sql`s.created_at >= ${q.from}`, sql`s.created_at < ${q.to}`, scopeCondition(sql`s.merchant_id`, q.scope)];
  if (q.carrier !== undefined) conditions.push(sql`s.carrier = ${q.carrier}`);
  if (q.originCountry !== undefined) conditions.push(sql`s.origin_country = ${q.originCountry}`);
  if (q.destinationCountry !== undefined) conditions.push(sql`s.destination_country = ${q.destinationCountry}`);
  const where = sql.join(conditions, sql` AND `);
  const lane = q.groupBy === 'lane';
  const origin = lane ? sql`s.origin_country::text` : sql`NULL::text`;
  const destination = lane ? sql`s.destination_country::text` : sql`NULL::text`;
  type Counts = Omit<PerformanceRow, 'median_transit_days' | 'p90_transit_days'>;
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL jit = off`.execute(trx);
    await sql`SET LOCAL work_mem = '64MB'`.execute(trx);
    const counts = await sql<Counts>`
      SELECT s.carrier, ${origin} AS origin_country, ${destination} AS destination_country,
        count(*)::int AS shipments,
        count(s.delivered_at)::int AS delivered,
        count(*) FILTER (WHERE s.delivered_at IS NOT NULL AND s.promised_delivery_date IS NOT NULL)::int AS delivered_with_promise,
        count(*) FILTER (WHERE s.delivered_at < (s.promised_delivery_date + 1)::timestamp AT TIME ZONE s.buyer_timezone)::int AS delivered_on_time,
        count(*) FILTER (WHERE s.delivered_at >= s.picked_up_at)::int AS transit_measured,
        count(f.shipment_id)::int AS with_exception,
        count(*) FILTER (WHERE f.customs_hold)::int AS customs_holds,
        count(*) FILTER (WHERE f.lost)::int AS lost
      FROM shipments s
      LEFT JOIN (
        -- A cohort shipment's exceptions open after it was registered, so none before the range starts.
        SELECT e.shipment_id, bool_or(e.kind = 'customs_hold') AS customs_hold, bool_or(e.kind = 'lost') AS lost
        FROM exceptions e WHERE e.opened_at >= ${q.from}
        GROUP BY e.shipment_id
      ) f ON f.shipment_id = s.id
      WHERE ${where}
      GROUP BY 1, 2, 3`.execute(trx);
    const transit = await sql<{ carrier: string; origin_country: string | null; destination_country: string | null; percentiles: number[] | string }>`
      SELECT s.carrier, ${origin} AS origin_country, ${destination} AS destination_country,
        percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY (${TRANSIT_HOURS})::float8 / 24) AS percentiles
      FROM shipments s
      WHERE ${where} AND s.delivered_at >= s.picked_up_at
      GROUP BY 1, 2, 3`.execute(trx);
    const key = (r: { carrier: string; origin_country: string | null; destination_country: string | null }) => `${r.carrier}|${r.origin_country ?? ''}|${r.destination_country ?? ''}`;
    const percentiles = new Map(transit.rows.map((r) => [key(r), parseFloatArray(r.percentiles)]));
    return counts.rows
      .map((row) => {
        const [median, p90] = percentiles.get(key(row)) ?? [];
        return { ...row, median_transit_days: median ?? null, p90_transit_days: p90 ?? null };
      })
      .sort((a, b) => compareText(a.carrier, b.carrier) || compareText(a.origin_country ?? '', b.origin_country ?? '') || compareText(a.destination_country ?? '', b.destination_country ?? ''));
  });
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** float8[] arrives parsed from pg and as the literal `{1.5,2}` from some drivers. */
function parseFloatArray(value: number[] | string): number[] {
  if (Array.isArray(value)) return value.map(Number);
  return value.replace(/^\{|\}$/g, '').split(',').filter((v) => v !== '').map(Number);
}

export interface ExceptionCauseRow {
  week_start: string;
  carrier: string;
  origin_country: string | null;
  destination_country: string | null;
  kind: ExceptionKindColumn;
  exceptions: number;
}

/** Exceptions opened in [since, until), counted per ISO week, carrier, lane and kind; biggest first within a week. */
export async function exceptionCauses(db: Kysely<Database>, q: { since: Date; until: Date; scope: MerchantScope }): Promise<ExceptionCauseRow[]> {
  const week = sql`date_trunc('week', e.opened_at AT TIME ZONE 'UTC')::date`;
  const result = await sql<ExceptionCauseRow>`
    SELECT to_char(${week}, 'YYYY-MM-DD') AS week_start, s.carrier, s.origin_country, s.destination_country, e.kind,
      count(*)::int AS exceptions
    FROM exceptions e JOIN shipments s ON s.id = e.shipment_id
    WHERE e.opened_at >= ${q.since} AND e.opened_at < ${q.until} AND ${scopeCondition(sql`e.merchant_id`, q.scope)}
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1 DESC, 6 DESC, 2, 3, 4, 5`.execute(db);
  return result.rows;
}

export interface CompensationQueueRow {
  id: string;
  shipment_id: string;
  merchant_id: string;
  order_id: string;
  tracking_number: string;
  carrier: string;
  tier: number;
  action: string;
  amount_minor: number;
  currency: string;
  channel: string;
  approval_level: string;
  evidence_required: boolean;
  rule_fired: string;
  explanation: string;
  decided_at: Date;
}

/** Decisions waiting for an approver: green-channel (VIP) cases first, as the sellers' rule says, then oldest first. */
export async function pendingCompensations(db: Kysely<Database>, q: { scope: MerchantScope; limit: number }): Promise<CompensationQueueRow[]> {
  const result = await sql<CompensationQueueRow>`
    SELECT c.id, c.shipment_id, c.merchant_id, s.order_id, s.tracking_number, s.carrier, c.tier, c.action,
      c.amount_minor, c.currency, c.channel, c.approval_level, c.evidence_required, c.rule_fired, c.explanation, c.decided_at
    FROM compensations c JOIN shipments s ON s.id = c.shipment_id
    WHERE c.status = 'pending' AND ${scopeCondition(sql`c.merchant_id`, q.scope)}
    ORDER BY c.channel = 'green' DESC, c.decided_at, c.id
    LIMIT ${q.limit}`.execute(db);
  return result.rows.map((row) => ({ ...row, amount_minor: Number(row.amount_minor) }));
}

export interface CompensationCostRow {
  week_start: string;
  tier: number;
  carrier: string;
  currency: string;
  committed: number;
  committed_minor: number;
  executed: number;
  executed_minor: number;
  pending: number;
  pending_minor: number;
}

/**
 * Compensations decided in [from, to) per ISO week of the decision, tier, carrier and currency.
 * Committed = approved, executing or executed; rejected, cancelled and failed ones cost nothing.
 */
export async function compensationCost(db: Kysely<Database>, q: { from: Date; to: Date; scope: MerchantScope }): Promise<CompensationCostRow[]> {
  const result = await sql<CompensationCostRow>`
    SELECT to_char(date_trunc('week', c.decided_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS week_start,
      c.tier::int AS tier, s.carrier, c.currency::text AS currency,
      count(*) FILTER (WHERE c.status IN ('approved', 'executing', 'executed'))::int AS committed,
      coalesce(sum(c.amount_minor) FILTER (WHERE c.status IN ('approved', 'executing', 'executed')), 0)::bigint AS committed_minor,
      count(*) FILTER (WHERE c.status = 'executed')::int AS executed,
      coalesce(sum(c.amount_minor) FILTER (WHERE c.status = 'executed'), 0)::bigint AS executed_minor,
      count(*) FILTER (WHERE c.status = 'pending')::int AS pending,
      coalesce(sum(c.amount_minor) FILTER (WHERE c.status = 'pending'), 0)::bigint AS pending_minor
    FROM compensations c JOIN shipments s ON s.id = c.shipment_id
    WHERE c.decided_at >= ${q.from} AND c.decided_at < ${q.to} AND ${scopeCondition(sql`c.merchant_id`, q.scope)}
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4`.execute(db);
  return result.rows.map((row) => ({
    ...row,
    committed_minor: Number(row.committed_minor),
    executed_minor: Number(row.executed_minor),
    pending_minor: Number(row.pending_minor),
  }));
}

export interface ResponseSlaRow {
  kind: ExceptionKindColumn;
  exceptions: number;
  told_within_15m: number;
  told_within_24h: number;
  told_later: number;
  not_told: number;
}

/**
 * Exceptions opened in [from, to) per kind, by how soon the buyer was first told: the earliest
 * sent notification on a buyer channel (not the merchant webhook) of the same shipment whose
 * trigger is this exception (`exception:<id>:…`), or a delay notice or compensation message
 * sent at or after the exception opened.
 */
export async function responseSla(db: Kysely<Database>, q: { from: Date; to: Date; scope: MerchantScope }): Promise<ResponseSlaRow[]> {
  const result = await sql<ResponseSlaRow>`
    WITH answered AS (
      SELECT e.kind, e.opened_at,
        (SELECT min(n.sent_at) FROM notifications n
          WHERE n.shipment_id = e.shipment_id AND n.status = 'sent' AND n.channel <> 'merchant_webhook' AND n.sent_at IS NOT NULL
            AND (n.trigger LIKE 'exception:' || e.id::text || ':%'
              OR ((n.trigger = 'delay:notice' OR n.trigger LIKE 'compensation:%') AND n.sent_at >= e.opened_at))) AS told_at
      FROM exceptions e
      WHERE e.opened_at >= ${q.from} AND e.opened_at < ${q.to} AND ${scopeCondition(sql`e.merchant_id`, q.scope)}
    )
    SELECT kind, count(*)::int AS exceptions,
      count(*) FILTER (WHERE told_at <= opened_at + interval '15 minutes')::int AS told_within_15m,
      count(*) FILTER (WHERE told_at <= opened_at + interval '24 hours')::int AS told_within_24h,
      count(*) FILTER (WHERE told_at > opened_at + interval '24 hours')::int AS told_later,
      count(*) FILTER (WHERE told_at IS NULL)::int AS not_told
    FROM answered
    GROUP BY kind
    ORDER BY kind`.execute(db);
  return result.rows;
}
