import type { Kysely, Transaction } from 'kysely';
import type { AuditEntry, Database } from '../database.js';

export type AuditExecutor = Kysely<Database> | Transaction<Database>;

export interface NewAuditRecord {
  at: Date;
  /** `key:<id>` or `anonymous` (service-kit actorOf). */
  actor: string;
  /** e.g. compensation.approved, webhook_endpoint.created, api_key.revoked. */
  action: string;
  targetType: string;
  targetId: string;
  merchantId: string | null;
  /** Never secrets (keys, webhook secrets) and never buyer PII. */
  details: Record<string, unknown>;
}

export async function appendAudit(db: AuditExecutor, entry: NewAuditRecord): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      merchant_id: entry.merchantId,
      details: JSON.stringify(entry.details),
    })
    .execute();
}

/** Newest first; `merchantIds` limits to those merchants' entries (null: all). */
export async function listAudit(
  db: AuditExecutor,
  filter: { merchantIds: readonly string[] | null; targetType?: string; targetId?: string; action?: string; limit?: number },
): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.merchantIds !== null) {
    if (filter.merchantIds.length === 0) return [];
    query = query.where('merchant_id', 'in', [...filter.merchantIds]);
  }
  if (filter.targetType !== undefined) query = query.where('target_type', '=', filter.targetType);
  if (filter.targetId !== undefined) query = query.where('target_id', '=', filter.targetId);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  return query.orderBy('id', 'desc').limit(filter.limit ?? 500).execute();
}
