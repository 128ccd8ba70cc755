import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { parseEnv } from '@parcelwatch/config';
import { z } from 'zod';
import { createRetentionJob, pruneOnce, retentionEnv, retentionOf, DEFAULT_RETENTION } from '../src/housekeeping/retention.job.js';

const retentionFromEnv = (env: Record<string, string>) => retentionOf(parseEnv(z.object(retentionEnv), env));
import { expectOnlyRecentLeft, seedRetention } from './retention.scenario.js';

const logger = createLogger({ name: 'retention-test', level: 'silent' });

describe('retention (PGlite)', () => {
  let db: Kysely<Database>;
  beforeEach(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
  });
  afterEach(async () => db?.destroy());

  it('prunes published outbox rows, dedupe ids and webhook receipts past their age, in batches, and keeps the rest', async () => {
    const { clock, expected } = await seedRetention(db);
    // Batches of 2: every table needs more than one statement.
    expect(await pruneOnce({ db, clock, batchSize: 2 })).toEqual({ ran: true, ...expected });
    await expectOnlyRecentLeft(db);
    expect(await pruneOnce({ db, clock, batchSize: 2 })).toEqual({ ran: true, outbox: 0, processedMessages: 0, webhookReceipts: 0, mailCopies: 0 });
  });

  it('prunes on start and then on its timer, as a service', async () => {
    const { clock } = await seedRetention(db);
    const job = createRetentionJob({ db, clock, logger, intervalMs: 3_600_000 });
    await job.start();
    try {
      const deadline = Date.now() + 10_000;
      while ((await db.selectFrom('webhook_receipts').select('replay_key').execute()).length > 2) {
        if (Date.now() > deadline) throw new Error('the first round did not prune');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await expectOnlyRecentLeft(db);
      expect(job.isHealthy()).toBe(true);
    } finally {
      await job.stop();
    }
  });
});

describe('retention limits', () => {
  it('reads its limits from the environment and refuses nonsense', () => {
    expect(retentionFromEnv({})).toEqual(DEFAULT_RETENTION);
    expect(DEFAULT_RETENTION.mailCopyDays).toBe(30);
    expect(
      retentionFromEnv({ RETENTION_OUTBOX_DAYS: '1', RETENTION_PROCESSED_MESSAGES_DAYS: '60', RETENTION_WEBHOOK_RECEIPTS_DAYS: '3', RETENTION_UNTIMED_WEBHOOK_RECEIPTS_DAYS: '120', RETENTION_MAIL_COPIES_DAYS: '14' }),
    ).toEqual({ outboxDays: 1, processedMessageDays: 60, webhookReceiptDays: 3, untimedWebhookReceiptDays: 120, mailCopyDays: 14 });
    expect(() => retentionFromEnv({ RETENTION_PROCESSED_MESSAGES_DAYS: '0' })).toThrow();
    expect(() => retentionFromEnv({ RETENTION_OUTBOX_DAYS: 'a week' })).toThrow();
  });
});
