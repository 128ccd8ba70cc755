import { openBlobStore, type BlobStore } from '@parcelwatch/archive';
import { blobStoreConfig, databaseConfig, databaseSettingsSchema, parseEnv, s3SettingsSchema } from '@parcelwatch/config';
import { createDb, listCheckpointPartitions, type Database } from '@parcelwatch/db';
import type { Kysely } from 'kysely';
import { archiveCheckpointMonths, ColdStorageRefusedError, restoreCheckpointMonth } from '../checkpoint-cold-storage.js';
import { UsageError } from './carriers.command.js';

/*
 * `parcelwatch checkpoints partitions | archive --before YYYY-MM | restore <table>`: month
 * partitions of checkpoints to and from cold storage, on DATABASE_URL (or the embedded PGlite)
 * and S3_* (or the filesystem store under BLOB_DIR). See docs/scaling.md.
 */

const MONTH = /^(\d{4})-(\d{2})$/;

async function withStores<T>(work: (ctx: { db: Kysely<Database>; blobStore: BlobStore }) => Promise<T>): Promise<T> {
  const db = await createDb(databaseConfig(parseEnv(databaseSettingsSchema)));
  try {
    const blobStore = await openBlobStore(blobStoreConfig(parseEnv(s3SettingsSchema)));
    return await work({ db, blobStore });
  } finally {
    await db.destroy();
  }
}

export async function checkpointsPartitionsCommand(out: { write(text: string): unknown } = process.stdout): Promise<number> {
  return withStores(async ({ db }) => {
    for (const p of await listCheckpointPartitions(db)) {
      out.write(`${p.name.padEnd(22)}${p.from === null ? 'DEFAULT' : `${p.from.toISOString().slice(0, 10)} .. ${p.to!.toISOString().slice(0, 10)}`}\n`);
    }
    return 0;
  });
}

export function parseMonth(value: string | undefined): Date {
  const match = value === undefined ? null : MONTH.exec(value);
  const month = match === null ? NaN : Number(match[2]);
  if (match === null || month < 1 || month > 12) throw new UsageError(`--before takes a month as YYYY-MM${value === undefined ? '' : `, got '${value}'`}`);
  return new Date(Date.UTC(Number(match[1]), month - 1, 1));
}

export async function checkpointsArchiveCommand(
  options: { before: string | undefined; chunkRows: string | undefined; force: boolean },
  out: { write(text: string): unknown } = process.stdout,
): Promise<number> {
  const before = parseMonth(options.before);
  const chunkRows = options.chunkRows === undefined ? undefined : Number(options.chunkRows);
  if (chunkRows !== undefined && (!Number.isInteger(chunkRows) || chunkRows < 1)) throw new UsageError(`--chunk-rows takes a whole number >= 1, got '${options.chunkRows}'`);
  return withStores(async ({ db, blobStore }) => {
    try {
      const manifests = await archiveCheckpointMonths({ db, blobStore, before, now: new Date(), force: options.force, ...(chunkRows === undefined ? {} : { chunkRows }) });
      if (manifests.length === 0) out.write(`no checkpoint month ends before ${options.before}: nothing archived\n`);
      for (const m of manifests) out.write(`archived ${m.table}: ${m.rows} checkpoints in ${m.parts.length} part(s), table dropped\n`);
      return 0;
    } catch (error) {
      if (error instanceof ColdStorageRefusedError) throw new UsageError(error.message);
      throw error;
    }
  });
}

export async function checkpointsRestoreCommand(table: string | undefined, out: { write(text: string): unknown } = process.stdout): Promise<number> {
  if (table === undefined) throw new UsageError('checkpoints restore takes a month table name, e.g. checkpoints_y2026m05');
  return withStores(async ({ db, blobStore }) => {
    try {
      const manifest = await restoreCheckpointMonth({ db, blobStore, table });
      out.write(`restored ${manifest.table}: ${manifest.rows} checkpoints, attached for ${manifest.from.slice(0, 10)} .. ${manifest.to.slice(0, 10)}\n`);
      return 0;
    } catch (error) {
      if (error instanceof ColdStorageRefusedError) throw new UsageError(error.message);
      throw error;
    }
  });
}
