import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import { carrierPerformance, compensationCost, exceptionCauses, pendingCompensations, responseSla, type Database, type ExceptionCauseRow, type ResponseSlaRow } from '@parcelwatch/db';
import type { Clock } from '@parcelwatch/service-kit';
import { causesQuerySchema, describeQueryIssues, performanceQuerySchema, queueQuerySchema, rangeQuerySchema } from './report-query.schema.js';
import { effectiveScope } from './stuck-report.routes.js';

const MAX_RANGE_DAYS = 366;
const DEFAULT_RANGE_DAYS = 90;

/** A share with four decimals; null when there is nothing to divide by. */
export const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

/** A date is a UTC day: `from` starts it, `to` includes it whole. An instant is taken as given (`to` exclusive). */
export function resolveRange(input: { from?: string | undefined; to?: string | undefined }, now: DateTime): { from: Date; to: Date } | string {
  const parse = (value: string, end: boolean) => {
    const isDate = /^\d{4}-\d{2}-\d{2}$/.test(value);
    const at = DateTime.fromISO(value, { zone: 'utc' });
    return isDate && end ? at.plus({ days: 1 }) : at;
  };
  const to = input.to === undefined ? now : parse(input.to, true);
  const from = input.from === undefined ? to.minus({ days: DEFAULT_RANGE_DAYS }) : parse(input.from, false);
  if (from >= to) return 'from: must be before to';
  if (to.diff(from, 'days').days > MAX_RANGE_DAYS) return `to: the range is at most ${MAX_RANGE_DAYS} days`;
  return { from: from.toJSDate(), to: to.toJSDate() };
}

function parseQuery<S extends z.ZodType>(schema: S, query: unknown, reply: FastifyReply): z.output<S> | null {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  void reply.code(400).send({ error: 'invalid_request', message: describeQueryIssues(parsed.error) });
  return null;
}

function rangeOrReply(input: { from?: string | undefined; to?: string | undefined }, now: DateTime, reply: FastifyReply): { from: Date; to: Date } | null {
  const range = resolveRange(input, now);
  if (typeof range !== 'string') return range;
  void reply.code(400).send({ error: 'invalid_request', message: range });
  return null;
}

export function groupCauses(rows: readonly ExceptionCauseRow[], top: number) {
  const weeks = new Map<string, ExceptionCauseRow[]>();
  for (const row of rows) weeks.set(row.week_start, [...(weeks.get(row.week_start) ?? []), row]);
  return [...weeks.entries()].map(([weekStart, causes]) => {
    const total = causes.reduce((sum, cause) => sum + cause.exceptions, 0);
    return {
      weekStart,
      isoWeek: DateTime.fromISO(weekStart, { zone: 'utc' }).toFormat("kkkk-'W'WW"),
      exceptions: total,
      causes: causes.slice(0, top).map((c) => ({
        carrier: c.carrier,
        originCountry: c.origin_country,
        destinationCountry: c.destination_country,
        kind: c.kind,
        exceptions: c.exceptions,
        share: ratio(c.exceptions, total),
      })),
    };
  });
}

function slaView(row: Omit<ResponseSlaRow, 'kind'>) {
  return {
    exceptions: row.exceptions,
    toldWithin15m: row.told_within_15m,
    toldWithin24h: row.told_within_24h,
    toldLater: row.told_later,
    notTold: row.not_told,
    shareWithin15m: ratio(row.told_within_15m, row.exceptions),
    shareWithin24h: ratio(row.told_within_24h, row.exceptions),
  };
}

/** Performance, weekly exception causes, the compensation queue and cost, and the response SLA. */
export function registerAnalyticsReportRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; clock: Clock }): void {
  app.get('/v1/reports/carrier-performance', async (request, reply) => {
    const q = parseQuery(performanceQuerySchema, request.query, reply);
    if (q === null) return reply;
    const range = rangeOrReply(q, deps.clock.now(), reply);
    if (range === null) return reply;
    const rows = await carrierPerformance(deps.db, {
      ...range,
      scope: effectiveScope(request, q.merchantId),
      groupBy: q.groupBy,
      ...(q.carrier !== undefined ? { carrier: q.carrier } : {}),
      ...(q.origin !== undefined ? { originCountry: q.origin } : {}),
      ...(q.destination !== undefined ? { destinationCountry: q.destination } : {}),
    });
    return reply.send({
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      groupBy: q.groupBy,
      rows: rows.map((r) => ({
        carrier: r.carrier,
        originCountry: r.origin_country,
        destinationCountry: r.destination_country,
        shipments: r.shipments,
        delivered: r.delivered,
        onTimeRate: ratio(r.delivered_on_time, r.delivered_with_promise),
        deliveredWithPromise: r.delivered_with_promise,
        medianTransitDays: r.median_transit_days,
        p90TransitDays: r.p90_transit_days,
        transitMeasured: r.transit_measured,
        exceptionRate: ratio(r.with_exception, r.shipments),
        customsHoldRate: ratio(r.customs_holds, r.shipments),
        lostRate: ratio(r.lost, r.shipments),
      })),
    });
  });

  app.get('/v1/reports/exception-causes', async (request, reply) => {
    const q = parseQuery(causesQuerySchema, request.query, reply);
    if (q === null) return reply;
    const now = deps.clock.now().toUTC();
    const since = now.startOf('week').minus({ weeks: q.weeks - 1 });
    const rows = await exceptionCauses(deps.db, { since: since.toJSDate(), until: now.toJSDate(), scope: effectiveScope(request, q.merchantId) });
    return reply.send({ since: since.toISO(), until: now.toISO(), weeks: groupCauses(rows, q.top) });
  });

  app.get('/v1/reports/compensations/queue', async (request, reply) => {
    const q = parseQuery(queueQuerySchema, request.query, reply);
    if (q === null) return reply;
    const now = deps.clock.now().toJSDate();
    const rows = await pendingCompensations(deps.db, { scope: effectiveScope(request, q.merchantId), limit: q.limit });
    return reply.send({
      items: rows.map((r) => ({
        compensationId: r.id,
        shipmentId: r.shipment_id,
        merchantId: r.merchant_id,
        orderId: r.order_id,
        trackingNumber: r.tracking_number,
        carrier: r.carrier,
        tier: r.tier,
        action: r.action,
        amount: { amountMinor: r.amount_minor, currency: r.currency },
        channel: r.channel,
        approvalLevel: r.approval_level,
        evidenceRequired: r.evidence_required,
        ruleFired: r.rule_fired,
        explanation: r.explanation,
        decidedAt: r.decided_at.toISOString(),
        waitingHours: Math.floor((now.getTime() - r.decided_at.getTime()) / 3_600_000),
        approve: `/compensations/${r.id}/approve`,
        reject: `/compensations/${r.id}/reject`,
      })),
    });
  });

  app.get('/v1/reports/compensations/cost', async (request, reply) => {
    const q = parseQuery(rangeQuerySchema, request.query, reply);
    if (q === null) return reply;
    const range = rangeOrReply(q, deps.clock.now(), reply);
    if (range === null) return reply;
    const rows = await compensationCost(deps.db, { ...range, scope: effectiveScope(request, q.merchantId) });
    return reply.send({
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      rows: rows.map((r) => ({
        weekStart: r.week_start,
        tier: r.tier,
        carrier: r.carrier,
        currency: r.currency,
        committed: { count: r.committed, amountMinor: r.committed_minor },
        executed: { count: r.executed, amountMinor: r.executed_minor },
        pending: { count: r.pending, amountMinor: r.pending_minor },
      })),
    });
  });

  app.get('/v1/reports/response-sla', async (request, reply) => {
    const q = parseQuery(rangeQuerySchema, request.query, reply);
    if (q === null) return reply;
    const range = rangeOrReply(q, deps.clock.now(), reply);
    if (range === null) return reply;
    const rows = await responseSla(deps.db, { ...range, scope: effectiveScope(request, q.merchantId) });
    const sum = (pick: (row: ResponseSlaRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
    const overall = {
      exceptions: sum((r) => r.exceptions),
      told_within_15m: sum((r) => r.told_within_15m),
      told_within_24h: sum((r) => r.told_within_24h),
      told_later: sum((r) => r.told_later),
      not_told: sum((r) => r.not_told),
    };
    return reply.send({
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      overall: slaView(overall),
      byKind: rows.map((row) => ({ kind: row.kind, ...slaView(row) })),
    });
  });
}
