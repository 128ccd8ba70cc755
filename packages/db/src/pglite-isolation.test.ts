import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { createDb, migrateToLatest, type Database } from './index.js';

let db: Kysely<Database>;
beforeAll(async () => {
  db = await createDb({ kind: 'pglite' });
  await migrateToLatest(db);
});
afterAll(async () => {
  await db.destroy();
});

it('a rollback on PGlite never undoes a concurrent transaction that commits', async () => {
  let letRollbackFinish!: () => void;
  const rollbackMayFinish = new Promise<void>((resolve) => (letRollbackFinish = resolve));
  const failing = db.transaction().execute(async (trx) => {
    await trx.insertInto('outbox').values({ topic: 't', message_key: 'a', event: JSON.stringify({ n: 'rolled back' }) }).execute();
    await rollbackMayFinish;
    throw new Error('handler failed');
  });
  const committing = db.transaction().execute(async (trx) => {
    await trx.insertInto('outbox').values({ topic: 't', message_key: 'b', event: JSON.stringify({ n: 'kept' }) }).execute();
  });
  letRollbackFinish();
  await expect(failing).rejects.toThrow('handler failed');
  await committing;
  const rows = await db.selectFrom('outbox').select('message_key').execute();
  expect(rows).toEqual([{ message_key: 'b' }]);
  const { rows: tx } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox`.execute(db);
  expect(tx[0]?.n).toBe(1);
});
