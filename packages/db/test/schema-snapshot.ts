import { sql, type Kysely } from 'kysely';

/*
 * Catalog reads shared by the PGlite and PostgreSQL suites. Month partitions of checkpoints are
 * left out of tables, indexes and constraints: their set depends on the month the migration ran,
 * and they carry copies of the parent's definitions anyway.
 */

/** Tables the brief asks for; later migrations may add more (the suites check "at least these"). */
export const EXPECTED_TABLES = [
  'api_keys', 'audit_log', 'buyer_contacts', 'checkpoints', 'compensations', 'delays', 'detection_overrides',
  'exceptions', 'merchants', 'notifications', 'outbox', 'processed_messages', 'proofs', 'shipments', 'tracking_snapshots',
];

/** The indexes behind the access paths in ARCHITECTURE.md. */
export const EXPECTED_INDEXES = [
  'shipments_due_poll_idx', 'detection_schedule_due_idx', 'shipments_stuck_idx', 'shipments_lane_perf_idx',
  'shipments_tracking_number_idx', 'checkpoints_timeline_idx', 'checkpoints_fingerprint_key', 'exceptions_one_open_idx',
  'exceptions_open_by_kind_idx', 'exceptions_shipment_idx', 'notifications_due_idx', 'compensations_pending_idx',
  'outbox_unpublished_idx', 'proofs_once_idx',
];

export const EXPECTED_FUNCTIONS = ['detach_checkpoint_partitions_before', 'ensure_checkpoint_partitions'];

/** Top-level user tables (regular or partitioned), without kysely's bookkeeping. */
export async function userTables(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND c.relname NOT LIKE 'kysely_%' ORDER BY 1`.execute(db);
  return rows.map((r) => r.name);
}

/** Every table in public, partitions and detached months included: what "down removes everything" means. */
export async function everyRelation(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
       AND c.relname NOT LIKE 'kysely_%' ORDER BY 1`.execute(db);
  return rows.map((r) => r.name);
}

export async function userFunctions(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public' ORDER BY 1`.execute(db);
  return rows.map((r) => r.name);
}

export async function indexNames(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT i.indexname AS name FROM pg_indexes i JOIN pg_class c ON c.relname = i.tablename
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname
     WHERE i.schemaname = 'public' AND NOT c.relispartition ORDER BY 1`.execute(db);
  return rows.map((r) => r.name);
}

export async function checkpointPartitions(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'checkpoints' ORDER BY 1`.execute(db);
  return rows.map((r) => r.name);
}

/**
 * The schema as text: columns with types, nullability and defaults, index and constraint
 * definitions, function bodies. Two databases migrated from scratch compare equal; an
 * incomplete down followed by up does not.
 */
export async function schemaSnapshot(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ line: string }>`
    SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
           || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
           || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
           || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END AS line
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND c.relname NOT LIKE 'kysely_%' AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT 'index ' || i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.tablename
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname
     WHERE i.schemaname = 'public' AND NOT c.relispartition AND i.tablename NOT LIKE 'kysely_%'
    UNION ALL
    SELECT 'constraint ' || c.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid)
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND NOT c.relispartition AND c.relname NOT LIKE 'kysely_%'
    UNION ALL
    SELECT 'function ' || pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public'
    ORDER BY 1`.execute(db);
  return rows.map((r) => r.line);
}
