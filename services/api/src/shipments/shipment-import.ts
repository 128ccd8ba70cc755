import { CsvImportError, parseShipmentCsv, toColumnIssues } from './shipment-csv.js';
import { describeFieldIssues, MAX_SHIPMENTS_PER_REQUEST, type FieldIssue } from './shipment-input.schema.js';
import type { ItemResult, ShipmentRegistrar } from './shipment-registrar.js';

/**
 * A CSV import: parse, validate and register every row, chunk by chunk. One implementation for
 * POST /v1/shipments/import and `parcelwatch import`. A file that cannot be read as a whole
 * (bad header, malformed CSV, too many rows, no rows) throws a CsvImportError; bad rows are
 * refused alone, each with its line and reason.
 */

export interface ImportSummary {
  created: number;
  existing: number;
  errors: number;
}

export type ErrorBody = { error: string; message: string; issues?: FieldIssue[]; candidates?: unknown[] };

export type ImportRowResult = { line: number | null } & (Exclude<ItemResult, { status: 'error' }> | ({ status: 'error' } & ErrorBody));

export interface ImportResult {
  summary: ImportSummary;
  results: ImportRowResult[];
}

export function summarize(results: readonly ItemResult[]): ImportSummary {
  return {
    created: results.filter((r) => r.status === 'created').length,
    existing: results.filter((r) => r.status === 'existing').length,
    errors: results.filter((r) => r.status === 'error').length,
  };
}

export function errorBody(result: Extract<ItemResult, { status: 'error' }>): ErrorBody {
  const message = result.issues ? describeFieldIssues(result.issues) : result.message;
  return { error: result.code, message, ...(result.issues ? { issues: result.issues } : {}), ...(result.candidates ? { candidates: result.candidates } : {}) };
}

export async function importShipmentCsv(registrar: ShipmentRegistrar, text: string, merchantScope: readonly string[] | null): Promise<ImportResult> {
  const rows = parseShipmentCsv(text);
  if (rows.length === 0) throw new CsvImportError('no rows after the header', null);
  const results: ItemResult[] = [];
  // One transaction per chunk keeps each statement's parameters under PostgreSQL's limit.
  for (let start = 0; start < rows.length; start += MAX_SHIPMENTS_PER_REQUEST) {
    const chunk = rows.slice(start, start + MAX_SHIPMENTS_PER_REQUEST);
    results.push(...(await registrar.register(chunk.map((row) => row.item), 'csv', merchantScope)));
  }
  return {
    summary: summarize(results),
    results: results.map((result, index) => {
      const line = rows[index]?.line ?? null;
      if (result.status !== 'error') return { line, ...result };
      const issues = result.issues ? toColumnIssues(result.issues) : undefined;
      return { line, status: 'error' as const, ...errorBody({ ...result, ...(issues ? { issues } : {}) }) };
    }),
  };
}
