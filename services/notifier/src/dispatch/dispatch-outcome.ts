import type { ClaimFinish, NewNotificationAttempt, Notification } from '@parcelwatch/db';
import type { SendError } from '../channels/channel-sender.js';
import { deferredEvent, failedEvent, sentEvent } from '../notification-events.js';

/*
 * What one claimed message came to in a round, and what recording it writes: the claim's end
 * (the row), its attempt (the communication log) and its `notifications` event. Pure, so a round
 * can record many outcomes in one transaction.
 */

export type DispatchOutcome =
  | { kind: 'sent'; row: Notification; attempt: number; providerMessageId: string | null; hash: string; at: Date }
  /** `retry`: rescheduled with backoff (retriable and attempts left), else failed for good. */
  | { kind: 'failed'; row: Notification; attempt: number; error: SendError; hash: string | null; at: Date; retry: boolean }
  | { kind: 'deferred'; row: Notification; attempt: number; until: Date; reason: 'quiet_hours' | 'daily_cap'; at: Date };

/** How a round counts an outcome once recorded. */
export function roundKeyOf(outcome: DispatchOutcome): 'sent' | 'failed' | 'retryLater' | 'deferred' {
  if (outcome.kind === 'failed') return outcome.retry ? 'retryLater' : 'failed';
  return outcome.kind;
}

/** Whether the provider has the message (a body was sent or tried): its outcome must then land. */
export function afterSend(outcome: DispatchOutcome): boolean {
  return outcome.kind === 'sent' || (outcome.kind === 'failed' && outcome.hash !== null);
}

export function claimFinishOf(outcome: DispatchOutcome, retryDelayMs: (attempt: number) => number): ClaimFinish {
  switch (outcome.kind) {
    case 'sent':
      return { status: 'sent', sent_at: outcome.at, provider_message_id: outcome.providerMessageId, body_sha256: outcome.hash, error: null, error_code: null, defer_reason: null, updated_at: outcome.at };
    case 'failed': {
      const { error, hash, at } = outcome;
      return outcome.retry
        ? { status: 'scheduled', scheduled_for: new Date(at.getTime() + retryDelayMs(outcome.attempt)), error: error.message, error_code: error.code, body_sha256: hash, defer_reason: null, updated_at: at }
        : { status: 'failed', failed_at: at, error: error.message, error_code: error.code, body_sha256: hash, updated_at: at };
    }
    case 'deferred':
      // Not an attempt: the claim's count is given back.
      return { status: 'deferred', scheduled_for: outcome.until, defer_reason: outcome.reason, attempts: outcome.attempt - 1, updated_at: outcome.at };
  }
}

export function attemptOf(outcome: DispatchOutcome): NewNotificationAttempt {
  const notificationId = outcome.row.id;
  switch (outcome.kind) {
    case 'sent':
      return { notification_id: notificationId, attempt: outcome.attempt, status: 'sent', provider_message_id: outcome.providerMessageId, body_sha256: outcome.hash, at: outcome.at };
    case 'failed':
      return { notification_id: notificationId, attempt: outcome.attempt, status: 'failed', body_sha256: outcome.hash, error_code: outcome.error.code, error: outcome.error.message, retriable: outcome.error.retriable, at: outcome.at };
    case 'deferred':
      return { notification_id: notificationId, attempt: outcome.attempt, status: 'deferred', defer_reason: outcome.reason, deferred_until: outcome.until, at: outcome.at };
  }
}

/** The communication-log event of a finished claim (`done`: the row as the finish left it). */
export function eventOf(done: Notification, outcome: DispatchOutcome) {
  switch (outcome.kind) {
    case 'sent':
      return sentEvent(done, { attempt: outcome.attempt, providerMessageId: outcome.providerMessageId, bodySha256: outcome.hash, at: outcome.at });
    case 'failed':
      return failedEvent(done, { attempt: outcome.attempt, bodySha256: outcome.hash, at: outcome.at, error: { code: outcome.error.code, message: outcome.error.message, retriable: outcome.retry } });
    case 'deferred':
      return deferredEvent(done, { attempt: outcome.attempt, at: outcome.at, until: outcome.until, reason: outcome.reason });
  }
}
