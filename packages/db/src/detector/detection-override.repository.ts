import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, ExceptionKindColumn } from '../database.js';

export type DetectionOverrideExecutor = Kysely<Database> | Transaction<Database>;

/** A threshold override edited by ops; null scopes match any shipment. */
export interface DetectionOverrideRecord {
  rule: ExceptionKindColumn;
  carrier: string | null;
  originCountry: string | null;
  destinationCountry: string | null;
  merchantId: string | null;
  /** Validated by the detector against the rule's schema; an invalid row is skipped there. */
  threshold: Record<string, unknown>;
}

/** Every override, oldest first. The table holds a handful of rows per merchant: the detector caches it whole. */
export async function listDetectionOverrides(db: DetectionOverrideExecutor): Promise<DetectionOverrideRecord[]> {
  const rows = await db.selectFrom('detection_overrides').selectAll().orderBy('id').execute();
  return rows.map((row) => ({
    rule: row.rule,
    carrier: row.carrier,
    originCountry: row.origin_country?.trim() ?? null,
    destinationCountry: row.destination_country?.trim() ?? null,
    merchantId: row.merchant_id,
    threshold: row.threshold,
  }));
}

/** Sets the override of one rule and scope (detection_overrides_scope_idx), replacing its threshold. */
export async function upsertDetectionOverride(db: DetectionOverrideExecutor, override: DetectionOverrideRecord): Promise<void> {
  await sql`
    INSERT INTO detection_overrides (rule, carrier, origin_country, destination_country, merchant_id, threshold)
    VALUES (${override.rule}, ${override.carrier}, ${override.originCountry}, ${override.destinationCountry}, ${override.merchantId},
      ${JSON.stringify(override.threshold)}::jsonb)
    ON CONFLICT (rule, coalesce(carrier, ''), coalesce(origin_country, ''), coalesce(destination_country, ''), coalesce(merchant_id::text, ''))
    DO UPDATE SET threshold = EXCLUDED.threshold, updated_at = now()`.execute(db);
}
