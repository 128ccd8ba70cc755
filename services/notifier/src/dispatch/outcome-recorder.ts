import { enqueueOutbox, finishNotificationClaims, isConnectionLost, recordNotificationAttempts, transactionWithOutbox, type Database, type NotificationClaim } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import type { Kysely } from 'kysely';
import { toOutbox } from '../notification-events.js';
import { attemptOf, claimFinishOf, eventOf, type DispatchOutcome } from './dispatch-outcome.js';

/** Pauses between attempts to record a sent message's outcome while the database is away. */
const RECORD_RETRY_MS = [100, 250, 500, 1_000, 2_000];

export interface OutcomeRecorderDeps {
  db: Kysely<Database>;
  logger: Logger;
  notificationsTopic: string;
  retryDelayMs: (attempt: number) => number;
}

interface Pending {
  claim: NotificationClaim;
  outcome: DispatchOutcome;
  /** Wall time until which a lost connection is retried (the claim's lease, less a margin); null before a send. */
  retryUntil: number | null;
  resolve: (finished: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * Records a round's outcomes by group commit: outcomes that arrive while a commit is in flight
 * wait for it and then go together in the next one, so a round costs a few transactions (one
 * UPDATE of the claims, one INSERT of attempts, one of outbox rows each) instead of one per
 * message, and a sent message waits at most for one commit before its own.
 *
 * Each claim is finished only while its token is the row's; one that another worker took over is
 * reported as not finished (false). Once the provider has a message, its outcome must land: a
 * commit lost with its connection is tried again on a new one for as long as every sent claim in
 * it is still leased to us (a retry after another worker took over finds that claim lost).
 */
export function createOutcomeRecorder(deps: OutcomeRecorderDeps) {
  const pending: Pending[] = [];
  let draining = false;

  async function commit(batch: readonly Pending[]): Promise<Set<string>> {
    return transactionWithOutbox(deps.db, async (trx) => {
      const done = await finishNotificationClaims(trx, batch.map((entry) => ({ claim: entry.claim, set: claimFinishOf(entry.outcome, deps.retryDelayMs) })));
      const rows = new Map(done.map((row) => [row.id, row]));
      const finished = batch.filter((entry) => rows.has(entry.claim.id));
      await recordNotificationAttempts(trx, finished.map((entry) => attemptOf(entry.outcome)));
      await enqueueOutbox(trx, toOutbox(deps.notificationsTopic, finished.map((entry) => eventOf(rows.get(entry.claim.id)!, entry.outcome))));
      return new Set(rows.keys());
    });
  }

  async function commitWithRetry(batch: readonly Pending[]): Promise<Set<string>> {
    const deadlines = batch.flatMap((entry) => (entry.retryUntil === null ? [] : [entry.retryUntil]));
    const deadline = deadlines.length === 0 ? null : Math.min(...deadlines);
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await commit(batch);
      } catch (err) {
        const pause = RECORD_RETRY_MS[Math.min(attempt, RECORD_RETRY_MS.length - 1)]!;
        // Before a send, a lost commit is retried with the lease (the row is claimed again later).
        if (deadline === null || !isConnectionLost(err) || Date.now() + pause > deadline) throw err;
        deps.logger.warn({ outcomes: batch.length, attempt: attempt + 1, err: (err as Error).message }, 'recording sent messages failed on a lost connection; trying again');
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  async function drain(): Promise<void> {
    draining = true;
    try {
      while (pending.length > 0) {
        const batch = pending.splice(0, pending.length);
        try {
          const finished = await commitWithRetry(batch);
          for (const entry of batch) entry.resolve(finished.has(entry.claim.id));
        } catch (err) {
          for (const entry of batch) entry.reject(err);
        }
      }
    } finally {
      draining = false;
    }
  }

  return {
    /** Resolves true once the outcome is committed, false when the claim was no longer ours; rejects when the commit failed for good. */
    record(claim: NotificationClaim, outcome: DispatchOutcome, retryUntil: number | null): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        pending.push({ claim, outcome, retryUntil, resolve, reject });
        if (!draining) void drain();
      });
    },
  };
}
export type OutcomeRecorder = ReturnType<typeof createOutcomeRecorder>;
