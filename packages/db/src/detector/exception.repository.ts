import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, ExceptionKindColumn, ExceptionSeverityColumn } from '../database.js';
import { jsonRecords } from '../json-records.js';

export type ExceptionExecutor = Kysely<Database> | Transaction<Database>;

/** An exception that is open or escalated. */
export interface OpenExceptionRow {
  id: string;
  shipmentId: string;
  kind: ExceptionKindColumn;
  severity: ExceptionSeverityColumn;
  /** escalation_count: the escalation level reached. */
  level: number;
  openedAt: Date;
}

/** The open and escalated exceptions of `shipmentIds`, by shipment. */
export async function loadOpenExceptions(db: ExceptionExecutor, shipmentIds: readonly string[]): Promise<Map<string, OpenExceptionRow[]>> {
  const byShipment = new Map<string, OpenExceptionRow[]>();
  if (shipmentIds.length === 0) return byShipment;
  const rows = await db
    .selectFrom('exceptions')
    .select(['id', 'shipment_id', 'kind', 'severity', 'escalation_count', 'opened_at'])
    .where('shipment_id', 'in', [...new Set(shipmentIds)])
    .where('status', '<>', 'resolved')
    .execute();
  for (const row of rows) {
    const list = byShipment.get(row.shipment_id) ?? [];
    list.push({ id: row.id, shipmentId: row.shipment_id, kind: row.kind, severity: row.severity, level: row.escalation_count, openedAt: row.opened_at });
    byShipment.set(row.shipment_id, list);
  }
  return byShipment;
}

export interface NewExceptionRow {
  id: string;
  shipmentId: string;
  merchantId: string;
  kind: ExceptionKindColumn;
  /** 'escalated' when it is opened past level 0 in the same evaluation. */
  status: 'open' | 'escalated';
  severity: ExceptionSeverityColumn;
  level: number;
  openedAt: string;
  escalatedAt: string | null;
  details: Record<string, unknown>;
}

/**
 * Opens exceptions in one statement. Idempotent on (shipment, kind) while one is open
 * (exceptions_one_open_idx): a row that would be a second open one is skipped. Returns the ids written.
 */
export async function insertExceptions(db: ExceptionExecutor, rows: readonly NewExceptionRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const records = rows.map((r) => ({
    id: r.id, shipment_id: r.shipmentId, merchant_id: r.merchantId, kind: r.kind, status: r.status, severity: r.severity,
    escalation_count: r.level, opened_at: r.openedAt, escalated_at: r.escalatedAt, details: r.details,
  }));
  const result = await sql<{ id: string }>`
    INSERT INTO exceptions (id, shipment_id, merchant_id, kind, status, severity, escalation_count, opened_at, escalated_at, details, updated_at)
    SELECT v.id, v.shipment_id, v.merchant_id, v.kind, v.status, v.severity, v.escalation_count, v.opened_at, v.escalated_at, v.details, now()
    FROM ${jsonRecords(records, sql`id uuid, shipment_id uuid, merchant_id uuid, kind text, status text, severity text,
      escalation_count integer, opened_at timestamptz, escalated_at timestamptz, details jsonb`)}
    ON CONFLICT (shipment_id, kind) WHERE status <> 'resolved' DO NOTHING
    RETURNING id`.execute(db);
  return new Set(result.rows.map((row) => row.id));
}

export interface ExceptionEscalation {
  id: string;
  severity: ExceptionSeverityColumn;
  level: number;
  escalatedAt: string;
  /** Merged into details (the facts at escalation). */
  details: Record<string, unknown>;
}

/** Escalates in one statement; only rows still open below that level change. Returns the ids changed. */
export async function escalateExceptions(db: ExceptionExecutor, rows: readonly ExceptionEscalation[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const records = rows.map((r) => ({ id: r.id, severity: r.severity, level: r.level, escalated_at: r.escalatedAt, details: r.details }));
  const result = await sql<{ id: string }>`
    UPDATE exceptions AS e SET status = 'escalated', severity = v.severity, escalation_count = v.level,
      escalated_at = v.escalated_at, details = e.details || v.details, updated_at = now()
    FROM ${jsonRecords(records, sql`id uuid, severity text, level integer, escalated_at timestamptz, details jsonb`)}
    WHERE e.id = v.id AND e.status <> 'resolved' AND e.escalation_count < v.level
    RETURNING e.id`.execute(db);
  return new Set(result.rows.map((row) => row.id));
}

export interface ExceptionResolution {
  id: string;
  resolution: string;
  resolvedAt: string;
}

/** Resolves in one statement; an exception already resolved stays as it was. Returns the ids changed. */
export async function resolveExceptions(db: ExceptionExecutor, rows: readonly ExceptionResolution[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const records = rows.map((r) => ({ id: r.id, resolution: r.resolution, resolved_at: r.resolvedAt }));
  const result = await sql<{ id: string }>`
    UPDATE exceptions AS e SET status = 'resolved', resolution = v.resolution, resolved_at = v.resolved_at, updated_at = now()
    FROM ${jsonRecords(records, sql`id uuid, resolution text, resolved_at timestamptz`)}
    WHERE e.id = v.id AND e.status <> 'resolved'
    RETURNING e.id`.execute(db);
  return new Set(result.rows.map((row) => row.id));
}
