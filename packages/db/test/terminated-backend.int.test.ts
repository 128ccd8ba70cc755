import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { createTestDatabase } from '@parcelwatch/test-harness';
import { createDb, isConnectionLost, type Database } from '../src/index.js';

/*
 * A backend terminated while its client is checked out (a transaction waiting on Kafka or S3
 * between two queries): pg emits 'error' on that client, which nothing listened to, so the emit
 * threw out of pg's socket handler (an uncaught error: a crashed service, or in a test run a
 * failed suite and a query that never settled). Found by test/faults/postgres-terminate.
 */
describe('createDb on PostgreSQL: a terminated backend', () => {
  let db: Kysely<Database>;
  let drop: () => Promise<void>;
  let admin: pg.Client;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  beforeAll(async () => {
    const copy = await createTestDatabase();
    drop = copy.drop;
    db = await createDb({ kind: 'postgres', url: copy.url, max: 2 });
    const url = new URL(copy.url);
    url.pathname = '/postgres';
    admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    process.on('uncaughtException', onUncaught);
  });

  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await admin.end();
    await db.destroy();
    await drop();
  });

  it('fails the transaction with a retriable error, raises nothing uncaught, and the next transaction gets a fresh connection', async () => {
    const outcome = await db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
        // Terminated between two queries, as if the transaction were waiting on a broker.
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await sql`SELECT 1`.execute(trx);
        return 'committed';
      })
      .catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(Error);
    // Retriable on a new connection (the notifier records a sent message again on this).
    expect(isConnectionLost(outcome)).toBe(true);
    expect(uncaught).toEqual([]);
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('tells a statement error apart from a lost connection', async () => {
    const outcome = await sql`SELECT 1 / 0`.execute(db).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(Error);
    expect(isConnectionLost(outcome)).toBe(false);
  });
});
