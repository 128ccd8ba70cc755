import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import type { BlobStore } from '@parcelwatch/archive';
import { detachCheckpointPartitionsBefore, listCheckpointPartitions, type Database } from '@parcelwatch/db';

/*
 * Month partitions of `checkpoints` to cold storage and back (docs/scaling.md, "How to grow").
 * Archive: detach the months that end on or before a cutoff, write each one to the blob store as
 * gzipped NDJSON parts plus a manifest (row counts, SHA-256 per part), read every part back and
 * check it, and only then DROP the table. Restore: the reverse, attached again as its month.
 * Keys: cold/checkpoints/<table>/part-00001.ndjson.gz, cold/checkpoints/<table>/manifest.json.
 * A run that stops half-way is finished by the next one: detached tables that still exist are
 * picked up again (their parts are rewritten under the same keys).
 */

const MONTH_TABLE = /^checkpoints_y(\d{4})m(\d{2})$/;
const ORDER_COLUMNS = ['id', 'occurred_at'] as const;

export interface ColdMonthManifest {
  table: string;
  /** Inclusive lower bound of the month, UTC. */
  from: string;
  /** Exclusive upper bound. */
  to: string;
  rows: number;
  parts: { key: string; sha256: string; rows: number }[];
  archivedAt: string;
}

export class ColdStorageRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ColdStorageRefusedError';
  }
}

export function monthBounds(table: string): { from: Date; to: Date } {
  const match = MONTH_TABLE.exec(table);
  if (match === null) throw new ColdStorageRefusedError(`${table} is not a checkpoint month table (checkpoints_yYYYYmMM)`);
  const from = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
  return { from, to: new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1)) };
}

const manifestKey = (table: string) => `cold/checkpoints/${table}/manifest.json`;
const partKey = (table: string, n: number) => `cold/checkpoints/${table}/part-${String(n).padStart(5, '0')}.ndjson.gz`;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Month tables that are no longer attached to checkpoints (detached by an earlier, unfinished run). */
async function detachedMonthTables(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND NOT c.relispartition AND n.nspname = current_schema()
       AND c.relname ~ '^checkpoints_y[0-9]{4}m[0-9]{2}$'
     ORDER BY c.relname`.execute(db);
  return rows.map((r) => r.name);
}

/** Checkpoints before the cutoff that belong to shipments still being tracked. */
async function activeShipmentsBefore(db: Kysely<Database>, cutoff: Date): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(DISTINCT c.shipment_id) AS n FROM checkpoints c JOIN shipments s ON s.id = c.shipment_id
     WHERE c.occurred_at < ${cutoff} AND s.active`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

async function exportTable(db: Kysely<Database>, blobStore: BlobStore, table: string, chunkRows: number, now: Date): Promise<ColdMonthManifest> {
  const { from, to } = monthBounds(table);
  const parts: ColdMonthManifest['parts'] = [];
  let after: { id: string; occurred_at: Date } | undefined;
  for (;;) {
    const where = after === undefined ? sql`true` : sql`(id, occurred_at) > (${after.id}::uuid, ${after.occurred_at})`;
    const { rows } = await sql<Record<string, unknown> & { id: string; occurred_at: Date }>`
      SELECT * FROM ${sql.table(table)} WHERE ${where} ORDER BY ${sql.join(ORDER_COLUMNS.map((c) => sql.ref(c)))} LIMIT ${chunkRows}`.execute(db);
    if (rows.length === 0) break;
    const body = gzipSync(Buffer.from(rows.map((row) => JSON.stringify(row)).join('\n') + '\n', 'utf8'));
    const key = partKey(table, parts.length + 1);
    const put = await blobStore.put(key, body, { contentType: 'application/x-ndjson', sha256: sha256(body) });
    parts.push({ key, sha256: put.sha256, rows: rows.length });
    after = rows.at(-1)!;
    if (rows.length < chunkRows) break;
  }
  const manifest: ColdMonthManifest = {
    table,
    from: from.toISOString(),
    to: to.toISOString(),
    rows: parts.reduce((sum, p) => sum + p.rows, 0),
    parts,
    archivedAt: now.toISOString(),
  };
  const manifestBody = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  await blobStore.put(manifestKey(table), manifestBody, { contentType: 'application/json', sha256: sha256(manifestBody) });
  return manifest;
}

/** Reads every part back and checks hashes and row counts against the manifest and the table. */
async function verifyExport(db: Kysely<Database>, blobStore: BlobStore, manifest: ColdMonthManifest): Promise<void> {
  let rows = 0;
  for (const part of manifest.parts) {
    const body = await blobStore.get(part.key);
    if (sha256(body) !== part.sha256) throw new Error(`cold storage: ${part.key} does not match its SHA-256 after writing`);
    const lines = gunzipSync(body).toString('utf8').split('\n').filter((l) => l !== '').length;
    if (lines !== part.rows) throw new Error(`cold storage: ${part.key} holds ${lines} rows, manifest says ${part.rows}`);
    rows += lines;
  }
  const { rows: counted } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(manifest.table)}`.execute(db);
  if (Number(counted[0]?.n) !== rows) throw new Error(`cold storage: ${manifest.table} has ${counted[0]?.n} rows, the export ${rows}`);
}

export interface ArchiveOptions {
  db: Kysely<Database>;
  blobStore: BlobStore;
  /** Months that end on or before this instant's UTC month start are archived. */
  before: Date;
  now: Date;
  chunkRows?: number;
  /** Archive even when checkpoints of still-active shipments are in those months. */
  force?: boolean;
}

/** Detaches, exports, verifies and drops every checkpoint month before the cutoff; returns the manifests. */
export async function archiveCheckpointMonths(options: ArchiveOptions): Promise<ColdMonthManifest[]> {
  const { db, blobStore } = options;
  const cutoff = new Date(Date.UTC(options.before.getUTCFullYear(), options.before.getUTCMonth(), 1));
  const chunkRows = options.chunkRows ?? 50_000;
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new RangeError(`chunkRows must be a whole number >= 1, got ${chunkRows}`);
  const attached = (await listCheckpointPartitions(db)).filter((p) => p.to !== null && p.to <= cutoff);
  if (attached.length > 0 && !options.force) {
    const active = await activeShipmentsBefore(db, cutoff);
    if (active > 0) {
      throw new ColdStorageRefusedError(
        `${active} shipment(s) still being tracked have checkpoints before ${cutoff.toISOString().slice(0, 10)}: their timelines would lose them; pick an earlier month or pass --force`,
      );
    }
  }
  await detachCheckpointPartitionsBefore(db, cutoff);
  const manifests: ColdMonthManifest[] = [];
  const due = (await detachedMonthTables(db)).filter((table) => monthBounds(table).to <= cutoff);
  for (const table of due) {
    const manifest = await exportTable(db, blobStore, table, chunkRows, options.now);
    await verifyExport(db, blobStore, manifest);
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
    manifests.push(manifest);
  }
  return manifests;
}

/** Loads an archived month back from cold storage and attaches it to checkpoints again. */
export async function restoreCheckpointMonth(options: { db: Kysely<Database>; blobStore: BlobStore; table: string }): Promise<ColdMonthManifest> {
  const { db, blobStore, table } = options;
  monthBounds(table);
  if (!(await blobStore.exists(manifestKey(table)))) throw new ColdStorageRefusedError(`no archived month ${table} in cold storage (${manifestKey(table)})`);
  const manifest = JSON.parse((await blobStore.get(manifestKey(table))).toString('utf8')) as ColdMonthManifest;
  const partitions = await listCheckpointPartitions(db);
  if (partitions.some((p) => p.name === table)) throw new ColdStorageRefusedError(`${table} is attached already`);
  await db.transaction().execute(async (trx) => {
    await sql`CREATE TABLE ${sql.table(table)} (LIKE checkpoints INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`.execute(trx);
    for (const part of manifest.parts) {
      const body = await blobStore.get(part.key);
      if (sha256(body) !== part.sha256) throw new Error(`cold storage: ${part.key} does not match its manifest's SHA-256`);
      const rows = gunzipSync(body)
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      for (let i = 0; i < rows.length; i += 1000) {
        await trx.insertInto(table as 'checkpoints').values(rows.slice(i, i + 1000) as never).execute();
      }
    }
    // Rows of this month that arrived after archiving sit in the default partition; ATTACH
    // refuses while they do, so they move over first (as ensure_checkpoint_partitions does).
    await sql`WITH moved AS (DELETE FROM checkpoints_default WHERE occurred_at >= ${new Date(manifest.from)} AND occurred_at < ${new Date(manifest.to)} RETURNING *)
              INSERT INTO ${sql.table(table)} SELECT * FROM moved`.execute(trx);
    await sql`ALTER TABLE checkpoints ATTACH PARTITION ${sql.table(table)} FOR VALUES FROM (${sql.lit(manifest.from)}) TO (${sql.lit(manifest.to)})`.execute(trx);
  });
  return manifest;
}
