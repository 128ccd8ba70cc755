import { stringify } from 'csv-stringify/sync';
import { DEFAULT_ORDER, STUCK_CSV_COLUMNS, stuckCsvRecord, stuckItemView, stuckPages, type StuckItemView } from '@parcelwatch/api';
import { databaseConfig, databaseSettingsSchema, parseEnv } from '@parcelwatch/config';
import { createDb, STUCK_SORTS, type Database, type StuckQuery, type StuckSort } from '@parcelwatch/db';
import type { Kysely } from 'kysely';
import { UsageError } from './carriers.command.js';

/*
 * `parcelwatch report stuck [--carrier X] [--min-days N] [--merchant ID] [--sort S] [--format csv|table]`
 * on DATABASE_URL (or the embedded PGlite under ./data). The same rows, definitions and CSV as
 * GET /v1/reports/stuck (services/api/docs/reports.md), for every merchant: whoever holds the
 * database URL sees all of it. Rows stream page by page, so a large report prints as it is read.
 */

interface Output {
  write(text: string): unknown;
}

export interface ReportStuckOptions {
  carrier?: string | undefined;
  minDays?: string | undefined;
  merchant?: string | undefined;
  sort?: string | undefined;
  format?: string | undefined;
}

const PAGE = 1_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Fixed widths, so the table streams without reading every row first. */
const TABLE: ReadonlyArray<{ title: string; width: number; cell: (item: StuckItemView) => string }> = [
  { title: 'TRACKING', width: 22, cell: (i) => i.trackingNumber },
  { title: 'CARRIER', width: 12, cell: (i) => i.carrier },
  { title: 'LANE', width: 7, cell: (i) => `${i.originCountry ?? '??'}-${i.destinationCountry ?? '??'}` },
  { title: 'MILESTONE', width: 20, cell: (i) => i.milestone },
  { title: 'DAYS', width: 4, cell: (i) => String(i.daysWithoutScan) },
  { title: 'PROMISED', width: 11, cell: (i) => `${i.promisedDeliveryDate ?? '-'}${i.promisedDatePassed ? '!' : ''}` },
  { title: 'EXCEPTIONS', width: 24, cell: (i) => i.openExceptions.join(',') || '-' },
  { title: 'SHIPMENT', width: 36, cell: (i) => i.shipmentId },
];

const tableLine = (cells: readonly string[]) => `${cells.map((cell, n) => (n === cells.length - 1 ? cell : cell.padEnd(TABLE[n]!.width))).join('  ')}\n`;

export function parseStuckOptions(options: ReportStuckOptions, now: Date): { query: StuckQuery; format: 'csv' | 'table' } {
  const format = options.format ?? 'table';
  if (format !== 'csv' && format !== 'table') throw new UsageError(`--format must be csv or table, got '${format}'`);
  const sort = (options.sort ?? 'days_without_scan') as StuckSort;
  if (!STUCK_SORTS.includes(sort)) throw new UsageError(`--sort must be one of ${STUCK_SORTS.join(', ')}`);
  let minDays: number | undefined;
  if (options.minDays !== undefined) {
    minDays = Number(options.minDays);
    if (!Number.isInteger(minDays) || minDays < 0) throw new UsageError(`--min-days must be a whole number of days, got '${options.minDays}'`);
  }
  if (options.merchant !== undefined && !UUID.test(options.merchant)) throw new UsageError(`--merchant must be a merchant id (a lowercase UUID)`);
  return {
    format,
    query: {
      now,
      scope: null,
      sort,
      order: DEFAULT_ORDER[sort],
      limit: PAGE,
      filters: {
        ...(options.carrier !== undefined ? { carrier: options.carrier } : {}),
        ...(minDays !== undefined ? { minDaysWithoutScan: minDays } : {}),
        ...(options.merchant !== undefined ? { merchantId: options.merchant } : {}),
      },
    },
  };
}

/** Prints the report; returns the number of rows. */
export async function printStuckReport(db: Kysely<Database>, options: ReportStuckOptions, out: Output, now: Date = new Date()): Promise<number> {
  const { query, format } = parseStuckOptions(options, now);
  let rows = 0;
  out.write(format === 'csv' ? stringify([[...STUCK_CSV_COLUMNS]]) : tableLine(TABLE.map((column) => column.title)));
  for await (const page of stuckPages(db, query)) {
    const items = page.map((row) => stuckItemView(row, now));
    out.write(format === 'csv' ? stringify(items.map(stuckCsvRecord)) : items.map((item) => tableLine(TABLE.map((column) => column.cell(item)))).join(''));
    rows += items.length;
  }
  return rows;
}

export async function reportStuckCommand(options: ReportStuckOptions, out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  parseStuckOptions(options, new Date());
  const db = await createDb(databaseConfig(parseEnv(databaseSettingsSchema)));
  try {
    const rows = await printStuckReport(db, options, out);
    if ((options.format ?? 'table') === 'table') err.write(`${rows} stuck shipment(s)\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}
