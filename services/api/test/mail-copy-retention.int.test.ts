import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newId } from '@parcelwatch/contracts';
import { createDb, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createEmailSender, startSmtpSink, type ChannelSender, type SmtpSink } from '@parcelwatch/notifier';
import { fixedClock, type ServiceHost } from '@parcelwatch/service-kit';
import { createTestDatabase } from '@parcelwatch/test-harness';
import type { Kysely } from 'kysely';
import { waitFor } from '../../notifier/test/notifier-seed.js';
import { buildApi } from '../src/build.js';
import { loadApiConfig } from '../src/config.js';
import { pruneOnce, retentionOf } from '../src/housekeeping/retention.job.js';
import { mailCopiesIn } from '../src/buyers/mail-copies.js';

/*
 * Kept mail copies age on the pipeline clock: mail is sent through the email sender to the SMTP
 * sink that keeps .eml copies (as `parcelwatch start` runs it), the clock moves on, and the api's
 * retention job, built from its configuration (MAIL_COPY_DIR, RETENTION_MAIL_COPIES_DAYS), deletes
 * the copies past the limit and keeps the rest.
 */
const logger = createLogger({ name: 'mail-copy-retention', level: 'silent' });
const DAY = 86_400_000;

describe('retention of kept mail copies (PostgreSQL, SMTP)', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let smtp: SmtpSink;
  let sender: ChannelSender;
  let mailDir: string;
  const clock = fixedClock('2026-11-01T10:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 4 });
    mailDir = await mkdtemp(path.join(tmpdir(), 'pw-mail-retention-'));
    smtp = await startSmtpSink({ emlDirectory: mailDir, receivedAt: () => clock.now().toJSDate() });
    sender = createEmailSender({ smtpUrl: smtp.url, defaultFrom: 'care@shop.example' });
  });
  afterAll(async () => {
    await sender?.close?.();
    await smtp?.close();
    await db?.destroy();
    await database?.drop();
  });

  async function send(): Promise<string> {
    const notificationId = newId();
    await sender.send({ notificationId, shipmentId: newId(), merchantId: newId(), orderId: 'o-1', to: 'buyer@buyers.example', subject: 'Your order has shipped', body: 'On its way.', senderName: 'Shop', fromAddress: null });
    return notificationId;
  }
  const copies = async () => (await readdir(mailDir)).filter((name) => name.endsWith('.eml')).sort();
  const holds = (ids: readonly string[]) => async () => {
    const names = await copies();
    return names.length === ids.length && ids.every((id) => names.some((name) => name.includes(`-${id}@`)));
  };

  it('deletes copies older than the limit on the pipeline clock, keeps younger ones', async () => {
    const old = [await send(), await send()];
    clock.advance({ days: 20 });
    const recent = await send();
    expect(await copies()).toHaveLength(3);

    // Day 29 for the first two: inside the default 30 days.
    clock.advance({ days: 9 });
    const policy = retentionOf(loadApiConfig({}));
    expect(policy.mailCopyDays).toBe(30);
    expect(await pruneOnce({ db, clock, policy, mailCopies: mailCopiesIn(mailDir) })).toMatchObject({ ran: true, mailCopies: 0 });
    expect(await holds([...old, recent])()).toBe(true);

    // Day 31: the api's own retention job, as its configuration builds it, prunes the first two.
    clock.advance({ days: 2 });
    const config = loadApiConfig({ DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent', BLOB_DIR: path.join(mailDir, '..', `${path.basename(mailDir)}-blobs`), MAIL_COPY_DIR: mailDir });
    const host: ServiceHost = { logger, clock, onClose: () => undefined };
    const { jobs } = await buildApi(config, host, { db });
    const retention = jobs?.find((job) => job.name === 'retention');
    expect(retention).toBeDefined();
    await retention!.start();
    try {
      await waitFor('copies past 30 days pruned', holds([recent]));
    } finally {
      await retention!.stop();
    }

    // A shorter limit from the settings: 10 days reaches the last copy (11 days old).
    const shorter = retentionOf(loadApiConfig({ RETENTION_MAIL_COPIES_DAYS: '10' }));
    expect(await pruneOnce({ db, clock, policy: shorter, mailCopies: mailCopiesIn(mailDir) })).toMatchObject({ ran: true, mailCopies: 1 });
    expect(await copies()).toEqual([]);
    expect(clock.now().toMillis() - Date.parse('2026-11-01T10:00:00Z')).toBe(31 * DAY);
  });
});
