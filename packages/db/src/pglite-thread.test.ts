import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { createDb, migrateToLatest, type Database } from './index.js';

/* PGlite on a worker thread answers like PGlite on the caller's thread: same values, errors, transactions. */

let db: Kysely<Database>;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pglite-thread-'));
  db = await createDb({ kind: 'pglite', dataDir: path.join(dir, 'pglite'), thread: 'worker' });
  await migrateToLatest(db);
});
afterAll(async () => {
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

it('values cross the thread with their types: bigint as number, date as text, timestamptz as Date, jsonb, bytea', async () => {
  const at = new Date('2026-11-23T10:15:30.123Z');
  const bytes = Buffer.from([0, 1, 2, 250, 255]);
  const { rows } = await sql<{ big: number; day: string; at: Date; doc: { a: number[]; s: string }; raw: Uint8Array; missing: null }>`
    SELECT 9007199254740991::int8 AS big, '2026-12-01'::date AS day, ${at}::timestamptz AS at,
      ${JSON.stringify({ a: [1, 2], s: 'Zoë ✓' })}::jsonb AS doc, ${bytes}::bytea AS raw, NULL AS missing`.execute(db);
  expect(rows[0]!.big).toBe(9007199254740991);
  expect(rows[0]!.day).toBe('2026-12-01');
  // (Not toBeInstanceOf: the clone is a Date of Node's realm, not of jest's sandbox.)
  expect(Object.prototype.toString.call(rows[0]!.at)).toBe('[object Date]');
  expect(rows[0]!.at.toISOString()).toBe(at.toISOString());
  expect(rows[0]!.doc).toEqual({ a: [1, 2], s: 'Zoë ✓' });
  expect([...rows[0]!.raw]).toEqual([...bytes]);
  expect(rows[0]!.missing).toBeNull();
});

it('a bigint past 2^53 is refused, not rounded', async () => {
  await expect(sql`SELECT 9007199254740993::int8 AS n`.execute(db)).rejects.toThrow('beyond Number.MAX_SAFE_INTEGER');
});

it('database errors keep their SQLSTATE code and constraint', async () => {
  await db.insertInto('merchants').values({ id: '00000000-0000-4000-8000-0000000000a1', name: 'one' }).execute();
  const err = await db
    .insertInto('merchants')
    .values({ id: '00000000-0000-4000-8000-0000000000a1', name: 'again' })
    .execute()
    .then(
      () => null,
      (e: unknown) => e as { code?: string; constraint?: string; message: string },
    );
  expect(err).not.toBeNull();
  expect(err!.code).toBe('23505');
  expect(err!.constraint).toBe('merchants_pkey');
  expect(err!.message).toMatch(/duplicate key/);
});

it('reports affected rows, and a failed transaction rolls back while a concurrent one commits', async () => {
  await db.insertInto('merchants').values({ id: '00000000-0000-4000-8000-0000000000a2', name: 'two' }).execute();
  const updated = await db.updateTable('merchants').set({ name: 'renamed' }).where('id', 'in', ['00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2']).executeTakeFirst();
  expect(Number(updated.numUpdatedRows)).toBe(2);

  const failing = db.transaction().execute(async (trx) => {
    await trx.insertInto('outbox').values({ topic: 't', message_key: 'gone', event: JSON.stringify({}) }).execute();
    throw new Error('handler failed');
  });
  const committing = db.transaction().execute((trx) => trx.insertInto('outbox').values({ topic: 't', message_key: 'kept', event: JSON.stringify({}) }).execute());
  await expect(failing).rejects.toThrow('handler failed');
  await committing;
  expect(await db.selectFrom('outbox').select('message_key').where('topic', '=', 't').execute()).toEqual([{ message_key: 'kept' }]);
});

it('keeps its data on disk across a close and a reopen on the caller thread', async () => {
  await db.insertInto('merchants').values({ id: '00000000-0000-4000-8000-0000000000a3', name: 'durable' }).execute();
  await db.destroy();
  const reopened = await createDb({ kind: 'pglite', dataDir: path.join(dir, 'pglite') });
  try {
    expect(await reopened.selectFrom('merchants').select('name').where('id', '=', '00000000-0000-4000-8000-0000000000a3').executeTakeFirst()).toEqual({ name: 'durable' });
  } finally {
    await reopened.destroy();
  }
  db = await createDb({ kind: 'pglite', dataDir: path.join(dir, 'pglite'), thread: 'worker' });
});

it('a database the worker cannot open fails the first query with the reason, and closing it does not hang', async () => {
  // A data directory from some other PostgreSQL: PGlite refuses to start on it.
  const foreign = path.join(dir, 'foreign');
  await mkdir(foreign);
  await writeFile(path.join(foreign, 'PG_VERSION'), '9\n');
  const broken = await createDb({ kind: 'pglite', dataDir: foreign, thread: 'worker' });
  const failure = await sql`SELECT 1`.execute(broken).then(
    () => null,
    (err: unknown) => err as Error,
  );
  expect(failure).not.toBeNull();
  // PGlite's own reason, not just "the thread exited".
  expect(failure!.message).toMatch(/PGlite failed to initialize/);
  await broken.destroy();
});
