import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { findStuckShipments, type Database, type SortOrder, type StuckKey, type StuckQuery, type StuckRow, type StuckSort } from '@parcelwatch/db';
import { merchantScope } from '@parcelwatch/access';
import type { Clock } from '@parcelwatch/service-kit';
import { describeQueryIssues, STUCK_CSV_PAGE, stuckQuerySchema, type StuckQueryInput } from './report-query.schema.js';

const DAY_MS = 86_400_000;

export const DEFAULT_ORDER: Record<StuckSort, SortOrder> = { days_without_scan: 'desc', promised_date: 'asc', last_checkpoint: 'desc' };

export class InvalidCursorError extends Error {}

interface CursorBody {
  s: StuckSort;
  o: SortOrder;
  k: string;
  i: string;
}

/** Opaque to clients: base64url of the sort, order, sort key and id where the page ended. */
export function encodeCursor(sort: StuckSort, order: SortOrder, key: StuckKey): string {
  const body: CursorBody = { s: sort, o: order, k: key.key, i: key.id };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function decodeCursor(cursor: string, sort: StuckSort, order: SortOrder): StuckKey {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw new InvalidCursorError('cursor: not a cursor this api issued');
  }
  if (typeof body.k !== 'string' || typeof body.i !== 'string' || !/^[0-9a-f-]{36}$/.test(body.i)) throw new InvalidCursorError('cursor: not a cursor this api issued');
  // A cursor continues one ordering; under another it would skip or repeat rows.
  if (body.s !== sort || body.o !== order) throw new InvalidCursorError(`cursor: it continues sort=${String(body.s)}&order=${String(body.o)}; ask with those`);
  return { key: body.k, id: body.i };
}

/** The merchants a report reads: the caller's scope, narrowed to `merchantId` when one is asked for. */
export function effectiveScope(request: FastifyRequest, merchantId: string | undefined): readonly string[] | null {
  const scope = merchantScope(request);
  if (merchantId === undefined) return scope;
  return scope === null || scope.includes(merchantId) ? [merchantId] : [];
}

export function stuckItemView(row: StuckRow, now: Date) {
  return {
    shipmentId: row.id,
    merchantId: row.merchant_id,
    orderId: row.order_id,
    trackingNumber: row.tracking_number,
    carrier: row.carrier,
    originCountry: row.origin_country,
    destinationCountry: row.destination_country,
    milestone: row.status,
    reason: row.status_reason,
    lastCheckpointAt: row.last_checkpoint_at?.toISOString() ?? null,
    daysWithoutScan: Math.floor((now.getTime() - row.last_scan_at.getTime()) / DAY_MS),
    promisedDeliveryDate: row.promised_delivery_date,
    promisedDatePassed: row.promised_date_passed,
    openExceptions: row.open_exceptions,
  };
}
export type StuckItemView = ReturnType<typeof stuckItemView>;

export const STUCK_CSV_COLUMNS = [
  'shipmentId', 'merchantId', 'orderId', 'trackingNumber', 'carrier', 'originCountry', 'destinationCountry', 'milestone', 'reason',
  'lastCheckpointAt', 'daysWithoutScan', 'promisedDeliveryDate', 'promisedDatePassed', 'openExceptions',
] as const satisfies ReadonlyArray<keyof StuckItemView>;

/** A CSV cell per column: empty for null, kinds joined by `;`. */
export function stuckCsvRecord(item: StuckItemView): string[] {
  return STUCK_CSV_COLUMNS.map((column) => {
    const value = item[column];
    if (value === null) return '';
    if (Array.isArray(value)) return value.join(';');
    return String(value);
  });
}

export function toStuckQuery(input: StuckQueryInput, scope: readonly string[] | null, now: Date): StuckQuery {
  const order = input.order ?? DEFAULT_ORDER[input.sort];
  return {
    now,
    scope,
    sort: input.sort,
    order,
    limit: input.limit,
    filters: {
      ...(input.carrier !== undefined ? { carrier: input.carrier } : {}),
      ...(input.origin !== undefined ? { originCountry: input.origin } : {}),
      ...(input.destination !== undefined ? { destinationCountry: input.destination } : {}),
      ...(input.milestone !== undefined ? { milestone: input.milestone } : {}),
      ...(input.exceptionKind !== undefined ? { exceptionKind: input.exceptionKind } : {}),
      ...(input.minDays !== undefined ? { minDaysWithoutScan: input.minDays } : {}),
      ...(input.promisedPassed !== undefined ? { promisedDatePassed: input.promisedPassed } : {}),
    },
    ...(input.cursor !== undefined ? { after: decodeCursor(input.cursor, input.sort, order) } : {}),
  };
}

/** Every page of the report, one query per page, so memory stays at one page whatever the size. */
export async function* stuckPages(db: Kysely<Database>, query: StuckQuery): AsyncGenerator<StuckRow[]> {
  let next: StuckQuery = query;
  for (;;) {
    const page = await findStuckShipments(db, next);
    if (page.rows.length > 0) yield page.rows;
    const last = page.rows.at(-1);
    if (!page.more || last === undefined) return;
    next = { ...next, after: { key: last.sort_key, id: last.id } };
  }
}

/**
 * GET /v1/reports/stuck: a page `{ items, nextCursor }`, or with `format=csv` the whole report
 * streamed as text/csv (header row, then every page in order).
 */
export function registerStuckReportRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; clock: Clock }): void {
  app.get('/v1/reports/stuck', async (request, reply) => {
    const parsed = stuckQuerySchema.safeParse(request.query);
    if (!parsed.success) return reply.code(400).send({ error: 'invalid_request', message: describeQueryIssues(parsed.error) });
    const now = deps.clock.now().toJSDate();
    let query: StuckQuery;
    try {
      query = toStuckQuery(parsed.data, effectiveScope(request, parsed.data.merchantId), now);
    } catch (err) {
      if (err instanceof InvalidCursorError) return reply.code(400).send({ error: 'invalid_cursor', message: err.message });
      throw err;
    }
    if (parsed.data.format === 'csv') {
      // The CSV reads page by page: `limit` (when given) sets the page size, not the row count.
      const pageSize = typeof request.query === 'object' && request.query !== null && 'limit' in request.query ? query.limit : STUCK_CSV_PAGE;
      const csv = stringify({ header: true, columns: [...STUCK_CSV_COLUMNS] });
      const records = Readable.from(
        (async function* () {
          for await (const rows of stuckPages(deps.db, { ...query, limit: pageSize })) {
            for (const row of rows) yield stuckCsvRecord(stuckItemView(row, now));
          }
        })(),
      );
      records.on('error', (err) => csv.destroy(err));
      void reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="stuck-parcels.csv"');
      return reply.send(records.pipe(csv));
    }
    const page = await findStuckShipments(deps.db, query);
    const last = page.rows.at(-1);
    return reply.send({
      items: page.rows.map((row) => stuckItemView(row, now)),
      nextCursor: page.more && last !== undefined ? encodeCursor(query.sort, query.order, { key: last.sort_key, id: last.id }) : null,
    });
  });
}
