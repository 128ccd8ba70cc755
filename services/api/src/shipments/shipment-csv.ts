import { parse } from 'csv-parse/sync';
import type { FieldIssue } from './shipment-input.schema.js';

/**
 * CSV import: a header row naming the same fields as the JSON body, flattened
 * (`orderValueMinor`, `buyerEmail`, `buyerAddressLine1`...). Rows become JSON-shaped items and
 * go through the same validation, so both paths accept and refuse the same things.
 */

/** Column -> path in the JSON item. */
const COLUMNS: Readonly<Record<string, readonly string[]>> = {
  merchantId: ['merchantId'],
  orderId: ['orderId'],
  trackingNumber: ['trackingNumber'],
  carrier: ['carrier'],
  provider: ['provider'],
  originCountry: ['originCountry'],
  destinationCountry: ['destinationCountry'],
  promisedDeliveryDate: ['promisedDeliveryDate'],
  shippedAt: ['shippedAt'],
  marketplace: ['marketplace'],
  orderValueMinor: ['orderValue', 'amountMinor'],
  orderCurrency: ['orderValue', 'currency'],
  buyerName: ['buyer', 'name'],
  buyerEmail: ['buyer', 'email'],
  buyerPhone: ['buyer', 'phone'],
  buyerLocale: ['buyer', 'locale'],
  buyerTimezone: ['buyer', 'timezone'],
  buyerAddressLine1: ['buyer', 'address', 'line1'],
  buyerAddressLine2: ['buyer', 'address', 'line2'],
  buyerCity: ['buyer', 'address', 'city'],
  buyerRegion: ['buyer', 'address', 'region'],
  buyerPostalCode: ['buyer', 'address', 'postalCode'],
  buyerCountry: ['buyer', 'address', 'country'],
  buyerHistoryOrders: ['buyer', 'history', 'orders'],
  buyerHistorySpendMinor: ['buyer', 'history', 'spend', 'amountMinor'],
  buyerHistorySpendCurrency: ['buyer', 'history', 'spend', 'currency'],
};
export const CSV_COLUMNS = Object.keys(COLUMNS);

const COLUMN_BY_PATH = new Map(Object.entries(COLUMNS).map(([column, path]) => [path.join('.'), column]));

/** Whole-number columns: a cell of digits becomes a number; anything else stays text, for the schema to refuse by name. */
const INTEGER_COLUMNS: ReadonlySet<string> = new Set(['orderValueMinor', 'buyerHistoryOrders', 'buyerHistorySpendMinor']);

export const MAX_CSV_ROWS = 10_000;

export class CsvImportError extends Error {
  readonly retriable = false;
  constructor(
    message: string,
    readonly line: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CsvImportError';
  }
}

export interface CsvRow {
  /** 1-based line in the file where the row starts (the header is line 1). */
  line: number;
  item: Record<string, unknown>;
}

export function parseShipmentCsv(text: string): CsvRow[] {
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      columns: (header: string[]) => {
        const names = header.map((name) => name.trim());
        const unknown = names.filter((name) => !(name in COLUMNS));
        if (unknown.length > 0) throw new CsvImportError(`unknown column(s): ${unknown.join(', ')}; known: ${CSV_COLUMNS.join(', ')}`, 1);
        return names;
      },
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      max_record_size: 64 * 1024,
      to: MAX_CSV_ROWS + 1,
    }) as unknown as ParsedRecord[];
  } catch (err) {
    if (err instanceof CsvImportError) throw err;
    const line = typeof (err as { lines?: unknown }).lines === 'number' ? (err as { lines: number }).lines : null;
    throw new CsvImportError(`malformed CSV${line === null ? '' : ` at line ${line}`}: ${(err as Error).message}`, line, { cause: err });
  }
  if (records.length > MAX_CSV_ROWS) throw new CsvImportError(`at most ${MAX_CSV_ROWS} rows per import`, null);
  return records.map(({ info, raw, record }) => ({ line: startLine(info.lines, raw), item: toItem(record) }));
}

type ParsedRecord = { info: { lines: number }; raw: string; record: Record<string, string> };

/** csv-parse counts lines to a record's end; a quoted field may span several, and skipped blank lines lead its raw text. */
function startLine(endLine: number, raw: string): number {
  const body = raw.replace(/^[\r\n]+/, '').replace(/\r?\n$/, '');
  return endLine - (body.match(/\n/g)?.length ?? 0);
}

function toItem(record: Record<string, string>): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(record)) {
    const path = COLUMNS[column];
    // An empty cell is an absent field, so optional columns may be left blank.
    if (path === undefined || raw === '') continue;
    const value = INTEGER_COLUMNS.has(column) && /^-?\d+$/.test(raw) ? Number(raw) : raw;
    let target = item;
    path.slice(0, -1).forEach((key) => {
      target[key] ??= {};
      target = target[key] as Record<string, unknown>;
    });
    target[path[path.length - 1] as string] = value;
  }
  return item;
}

/** Names an issue by its CSV column rather than its JSON path. */
export function toColumnIssues(issues: readonly FieldIssue[]): FieldIssue[] {
  return issues.map((issue) => ({ ...issue, path: COLUMN_BY_PATH.get(issue.path) ?? issue.path }));
}
