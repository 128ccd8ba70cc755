import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { describeDatabaseUrl, waitForDatabase } from './database-wait.js';
import { exclusiveConnectionDialect } from './pglite-dialect.js';
import { pgliteThreadDialect } from './pglite-thread.js';

export type DbConfig =
  /**
   * `waitSeconds`: keep trying to reach the server that long before the handle is returned (a
   * service starting before its database); absent: no check, the first query tells.
   */
  | { kind: 'postgres'; url: string; max?: number; waitSeconds?: number }
  /** `thread: 'worker'` runs PGlite on a worker thread (pglite-thread.ts), beside the caller's JavaScript. */
  | { kind: 'pglite'; dataDir?: string; thread?: 'main' | 'worker' };

const INT8_OID = 20;
const DATE_OID = 1082;

/**
 * bigint as a JS number: money in minor units and identity ids stay far below 2^53, and
 * one numeric type is simpler for every caller than string-or-bigint. Refuse silently
 * losing precision rather than round.
 */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} is beyond Number.MAX_SAFE_INTEGER`);
  return value;
}

/** A calendar date (promised delivery day) has no time zone: keep the text, never a Date at some midnight. */
const parseDate = (text: string): string => text;

const pgTypeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return parseInt8;
    if (oid === DATE_OID) return parseDate;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** A kysely handle on PostgreSQL (pg Pool) or embedded PGlite; `db.destroy()` closes either. */
export async function createDb(config: DbConfig): Promise<Kysely<Database>> {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.url, max: config.max ?? 10, types: pgTypeParsers });
    // An idle client's error (the server restarted) must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    // A checked-out client's error (its backend terminated while a transaction waits on Kafka or
    // S3) has no listener otherwise: the emit throws out of pg's socket handler, crashing the
    // process or leaving the pending query unsettled. Its next query fails (retriable) and the
    // pool discards it on release.
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    if (config.waitSeconds === undefined) return db;
    const where = describeDatabaseUrl(config.url);
    try {
      await waitForDatabase(db, {
        where,
        timeoutMs: config.waitSeconds * 1000,
        onRetry: ({ reason, retryInMs }) => process.stderr.write(`parcelwatch: PostgreSQL at ${where} is not reachable yet (${reason}); retrying in ${retryInMs / 1000} s\n`),
      });
    } catch (err) {
      await db.destroy();
      throw err;
    }
    return db;
  }
  // Loaded only for the embedded database: PGlite and kysely-pglite (its codegen pulls in jiti and
  // globby) cost a service on PostgreSQL ~20 MiB of RSS for nothing.
  const [{ KyselyPGlite }, { types: pgliteTypes }] = await Promise.all([import('kysely-pglite'), import('@electric-sql/pglite')]);
  const options = {
    parsers: {
      [pgliteTypes.INT8]: (text: string) => parseInt8(text),
      [pgliteTypes.DATE]: (text: string) => parseDate(text),
    },
  };
  if (config.dataDir !== undefined) {
    // PGlite creates its own folder but not the ones above it (./data on a fresh checkout).
    await mkdir(path.dirname(path.resolve(config.dataDir)), { recursive: true });
  }
  if (config.thread === 'worker') return new Kysely<Database>({ dialect: exclusiveConnectionDialect(pgliteThreadDialect(config.dataDir)) });
  const pglite = config.dataDir === undefined ? await KyselyPGlite.create(options) : await KyselyPGlite.create(config.dataDir, options);
  return new Kysely<Database>({ dialect: exclusiveConnectionDialect(pglite.dialect) });
}
