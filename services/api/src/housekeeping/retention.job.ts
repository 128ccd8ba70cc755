import type { Kysely } from 'kysely';
import { z } from 'zod';
import { databaseNow, deletePublishedOutbox, deleteUntimedWebhookReceiptsBefore, deleteWebhookReceiptsBefore, pruneProcessedMessages, tryLockRetention, type Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import { createPeriodicJob, systemClock, type Clock, type Service } from '@parcelwatch/service-kit';
import type { MailCopies } from '../buyers/mail-copies.js';

/**
 * How long the messaging plumbing keeps what it no longer needs, and how long copies of buyer
 * mail are kept. Business data (shipments, checkpoints, exceptions, notifications,
 * compensations, proofs, the audit log) is never pruned here.
 */
export interface RetentionPolicy {
  /** Published outbox rows (kept for inspection only; unpublished rows are never pruned). */
  outboxDays: number;
  /**
   * Consumer dedupe ids. Must outlive any redelivery: at least the longest retention of the
   * topics the groups read (30 days for tracking.snapshots, notifications, compensations).
   */
  processedMessageDays: number;
  /** Carrier webhook receipts (replay protection); the signature window itself is 5 minutes. */
  webhookReceiptDays: number;
  /**
   * Receipts of pushes without a signed time (17TRACK): the receipt is their only replay guard,
   * and the intake refuses such a push whose newest event is older than this.
   */
  untimedWebhookReceiptDays: number;
  /** Kept copies of buyer mail (MAIL_COPY_DIR): personal data, kept only as long as they help support. */
  mailCopyDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { outboxDays: 7, processedMessageDays: 35, webhookReceiptDays: 2, untimedWebhookReceiptDays: 90, mailCopyDays: 30 };

const days = z.coerce.number().int().min(1).max(3_650);
/** The retention settings, part of the api's config schema. */
export const retentionEnv = {
  RETENTION_OUTBOX_DAYS: days.default(DEFAULT_RETENTION.outboxDays),
  RETENTION_PROCESSED_MESSAGES_DAYS: days.default(DEFAULT_RETENTION.processedMessageDays),
  RETENTION_WEBHOOK_RECEIPTS_DAYS: days.default(DEFAULT_RETENTION.webhookReceiptDays),
  RETENTION_UNTIMED_WEBHOOK_RECEIPTS_DAYS: days.default(DEFAULT_RETENTION.untimedWebhookReceiptDays),
  RETENTION_MAIL_COPIES_DAYS: days.default(DEFAULT_RETENTION.mailCopyDays),
};
export type RetentionSettings = z.output<z.ZodObject<typeof retentionEnv>>;

export function retentionOf(settings: RetentionSettings): RetentionPolicy {
  return {
    outboxDays: settings.RETENTION_OUTBOX_DAYS,
    processedMessageDays: settings.RETENTION_PROCESSED_MESSAGES_DAYS,
    webhookReceiptDays: settings.RETENTION_WEBHOOK_RECEIPTS_DAYS,
    untimedWebhookReceiptDays: settings.RETENTION_UNTIMED_WEBHOOK_RECEIPTS_DAYS,
    mailCopyDays: settings.RETENTION_MAIL_COPIES_DAYS,
  };
}

export interface PruneDeps {
  db: Kysely<Database>;
  /** The pipeline clock: webhook receipts are stamped with it (the replay window is measured on it). */
  clock: Clock;
  policy?: RetentionPolicy;
  /** Rows per delete statement (default 5,000): short transactions, no long lock on a busy table. */
  batchSize?: number;
  /** Kept mail copies, aged on the pipeline clock (their names carry the receipt time); none: nothing to prune. */
  mailCopies?: MailCopies | null;
}

export interface PruneReport {
  /** False when another instance held the round's lock: nothing was pruned by this one. */
  ran: boolean;
  outbox: number;
  processedMessages: number;
  webhookReceipts: number;
  mailCopies: number;
}

const DAY_MS = 86_400_000;

/**
 * One pruning round: each table in batches, each batch its own transaction holding the
 * retention lock, until a batch comes back short. The outbox and the dedupe ids are stamped by
 * the database (`now()`), so their ages are measured on its clock.
 */
export async function pruneOnce(deps: PruneDeps): Promise<PruneReport> {
  const policy = deps.policy ?? DEFAULT_RETENTION;
  const limit = deps.batchSize ?? 5_000;
  const dbNow = (await databaseNow(deps.db)).getTime();
  const report: PruneReport = { ran: true, outbox: 0, processedMessages: 0, webhookReceipts: 0, mailCopies: 0 };
  const tables: [keyof Omit<PruneReport, 'ran' | 'mailCopies'>, (trx: Kysely<Database>) => Promise<number>][] = [
    ['outbox', (trx) => deletePublishedOutbox(trx, new Date(dbNow - policy.outboxDays * DAY_MS), limit)],
    ['processedMessages', (trx) => pruneProcessedMessages(trx, new Date(dbNow - policy.processedMessageDays * DAY_MS), limit)],
    ['webhookReceipts', (trx) => deleteWebhookReceiptsBefore(trx, new Date(deps.clock.now().toMillis() - policy.webhookReceiptDays * DAY_MS), limit)],
    ['webhookReceipts', (trx) => deleteUntimedWebhookReceiptsBefore(trx, new Date(deps.clock.now().toMillis() - policy.untimedWebhookReceiptDays * DAY_MS), limit)],
  ];
  for (const [name, prune] of tables) {
    for (;;) {
      const deleted = await deps.db.transaction().execute(async (trx) => ((await tryLockRetention(trx)) ? prune(trx) : null));
      if (deleted === null) return { ...report, ran: false };
      report[name] += deleted;
      if (deleted < limit) break;
    }
  }
  // Files, not rows: the round that won the lock above prunes them.
  if (deps.mailCopies) report.mailCopies = await deps.mailCopies.deleteReceivedBefore(new Date(deps.clock.now().toMillis() - policy.mailCopyDays * DAY_MS));
  return report;
}

export interface RetentionJobDeps extends PruneDeps {
  logger: Logger;
  /** Wall time between rounds (default 1 hour). */
  intervalMs?: number;
  /** The loop's clock; default the system clock, so an accelerated demo clock does not spin it. */
  loopClock?: Clock;
}

/**
 * Prunes the messaging plumbing on a timer (`pruneOnce`). One round at a time per database
 * (advisory lock), so every api instance may run it.
 */
export function createRetentionJob(deps: RetentionJobDeps): Service {
  const logger = deps.logger.child({ component: 'retention' });
  const job = createPeriodicJob({
    name: 'retention',
    logger,
    clock: deps.loopClock ?? systemClock,
    intervalMs: deps.intervalMs ?? 3_600_000,
    immediately: true,
    round: () => pruneOnce(deps),
    onSuccess: (round) => {
      if (round.outbox + round.processedMessages + round.webhookReceipts + round.mailCopies > 0) logger.info(round, 'pruned past retention');
    },
    failureMessage: 'retention round failed; the next round tries again',
  });
  return {
    ...job,
    async start() {
      logger.info({ policy: deps.policy ?? DEFAULT_RETENTION }, 'retention: pruning published outbox rows, dedupe ids, webhook receipts and kept mail copies past their age');
      await job.start();
    },
  };
}
