import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { createDb, tryLockRetention, type Database } from '@parcelwatch/db';
import { createTestDatabase } from '@parcelwatch/test-harness';
import { pruneOnce } from '../src/housekeeping/retention.job.js';
import { expectOnlyRecentLeft, seedRetention } from './retention.scenario.js';

/** Pruning on PostgreSQL 15: the same ages as on PGlite, and one round at a time across instances. */
describe('retention (PostgreSQL)', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 4 });
  });
  beforeEach(async () => {
    await sql`TRUNCATE outbox, processed_messages, webhook_receipts`.execute(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('prunes past the limits in batches and keeps the rest', async () => {
    const { clock, expected } = await seedRetention(db);
    expect(await pruneOnce({ db, clock, batchSize: 2 })).toEqual({ ran: true, ...expected });
    await expectOnlyRecentLeft(db);
  });

  it('skips its round while another instance holds the retention lock, and prunes once it is free', async () => {
    const { clock, expected } = await seedRetention(db);
    let release: () => void = () => undefined;
    let held: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const other = db.transaction().execute(async (trx) => {
      expect(await tryLockRetention(trx)).toBe(true);
      held();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await holding;
    try {
      expect(await pruneOnce({ db, clock })).toEqual({ ran: false, outbox: 0, processedMessages: 0, webhookReceipts: 0, mailCopies: 0 });
      // Nothing pruned: every receipt the scenario seeded is still there.
      expect(await db.selectFrom('webhook_receipts').select('replay_key').execute()).toHaveLength(6);
    } finally {
      release();
    }
    await other;
    expect(await pruneOnce({ db, clock })).toEqual({ ran: true, ...expected });
  });
});
