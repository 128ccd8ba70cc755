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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PG_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PG_TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

/** A calendar day that exists (PostgreSQL refuses 2026-02-30, and a refusal there is a 500, not a 400). */
function realDay(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return Number(year) >= 1 && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}

/** The sort key as PostgreSQL printed it for this sort, and nothing a cast could choke on. */
function sortKeyFits(sort: StuckSort, key: string): boolean {
  if (sort === 'promised_date') {
    if (key === 'infinity') return true;
    const m = PG_DATE.exec(key);
    return m !== null && realDay(m[1]!, m[2]!, m[3]!);
  }
  const m = PG_TIMESTAMPTZ.exec(key);
  return m !== null && realDay(m[1]!, m[2]!, m[3]!) && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 60;
}

export function decodeCursor(cursor: string, sort: StuckSort, order: SortOrder): StuckKey {
  const notOurs = new InvalidCursorError('cursor: not a cursor this api issued');
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw notOurs;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw notOurs;
  const { s, o, k, i } = body as Partial<Record<keyof CursorBody, unknown>>;
  if (typeof k !== 'string' || typeof i !== 'string' || !UUID.test(i)) throw notOurs;
  // A cursor continues one ordering; under another it would skip or repeat rows.
  if (s !== sort || o !== order) throw new InvalidCursorError(`cursor: it continues sort=${String(s)}&order=${String(o)}; ask with those`);
  if (!sortKeyFits(sort, k)) throw notOurs;
  return { key: k, id: i };
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

/**
 * A cell a spreadsheet shows as text: one starting with a formula sign (= + - @, or a tab or
 * carriage return before one) gets a leading apostrophe, so an order id of
 * `=HYPERLINK(...)` from a seller's import is never run when ops open the report.
 */
export function spreadsheetSafe(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** A CSV cell per column: empty for null, kinds joined by `;`, formula signs neutralized. */
export function stuckCsvRecord(item: StuckItemView): string[] {
  return STUCK_CSV_COLUMNS.map((column) => {
    const value = item[column];
    if (value === null) return '';
    if (Array.isArray(value)) return spreadsheetSafe(value.join(';'));
    return spreadsheetSafe(String(value));
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
