import type { Database, Notification, NotificationRecipient } from '@parcelwatch/db';
import { randomUUID } from 'node:crypto';
import { claimDueNotifications, countSentIntents, enqueueOutbox, finishNotificationClaim, isConnectionLost, loadNotificationRecipient, recordNotificationAttempts, renewNotificationClaim, type NotificationClaim } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import type { Clock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import type { DateTime } from 'luxon';
import { SendError, type ChannelSender, type OutgoingMessage } from '../channels/channel-sender.js';
import { estimateForBuyer } from '../domain/buyer-estimate.js';
import type { BuyerChannel } from '../domain/notification-planner.js';
import { notificationSettingsOf } from '../domain/notification-settings.js';
import { sendTimeCheck } from '../domain/send-schedule.js';
import { deferredEvent, failedEvent, sentEvent, toOutbox } from '../notification-events.js';
import { bodySha256, renderNotification } from '../templates/template-renderer.js';

export interface DispatcherDeps {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  senders: ReadonlyMap<BuyerChannel, ChannelSender>;
  notificationsTopic: string;
  /**
   * How long a claimed message may wait in its batch before another worker may take it. Default
   * 2 min. Each message's lease is renewed just before it is sent, for at least its sender's
   * worst case, so a slow batch loses only the messages it has not reached, never one in flight.
   */
  leaseMs?: number;
  batchSize?: number;
  /** Attempts before a message that keeps failing retriably is given up. Default 8. */
  maxAttempts?: number;
  /** Told when a claim turned out to be lost: before sending (skipped) or after (not finished here). */
  onClaimLost?: (stage: ClaimLostStage) => void;
}

export type ClaimLostStage = 'before_send' | 'after_send';

export interface DispatchRound {
  sent: number;
  failed: number;
  retryLater: number;
  deferred: number;
  /** Claims found taken over by another worker (their lease ran out) and left to it. */
  lost: number;
}

/** Beyond the sender's own worst case, for the database round trips around a send. */
const LEASE_MARGIN_MS = 10_000;

/** Pauses between attempts to record a sent message's outcome while the database is away. */
const RECORD_RETRY_MS = [100, 250, 500, 1_000, 2_000];

const RETRY_BASE_MS = 30_000;
const RETRY_CAP_MS = 60 * 60_000;

/** Exponential backoff from 30 s, capped at 1 h. */
export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1));
}

interface Content {
  subject: string | null;
  body: string;
}

/** A shipped message shows the estimate as of sending (see estimateForBuyer); other templates their planned params. */
function paramsAtSend(row: Notification, recipient: NotificationRecipient, now: DateTime): unknown {
  if (row.template !== 'shipped' || typeof row.params !== 'object' || row.params === null) return row.params;
  const planned = (row.params as { estimatedDeliveryAt?: unknown }).estimatedDeliveryAt;
  const estimate = estimateForBuyer(typeof planned === 'string' ? planned : null, recipient.estimatedDeliveryAt, now, recipient.timezone);
  return { ...row.params, estimatedDeliveryAt: estimate };
}

/**
 * Sends due buyer messages. Claim (with a lease and a token) and outcome are separate
 * transactions around the provider call; the outcome, its attempt row and its `notifications`
 * event commit together, and only while the token is still the row's. Before each send the
 * claim is renewed (which fails once another worker re-claimed the row), so two dispatchers never
 * both send one message. A lost database connection after the send is retried for as long as the
 * lease lasts; only a crash between send and commit (or a database away longer than the lease)
 * leaves the row claimed, to be sent again when the lease ends (at-least-once toward the provider,
 * in that window only).
 */
export function createNotificationDispatcher(deps: DispatcherDeps) {
  const logger = deps.logger.child({ component: 'notification-dispatch' });
  const leaseMs = deps.leaseMs ?? 120_000;
  const maxAttempts = deps.maxAttempts ?? 8;
  // One message's lease from its renewal: long enough for its slowest sender to give up.
  const sendLeaseMs = Math.max(leaseMs, ...[...deps.senders.values()].map((sender) => (sender.worstCaseSendMs ?? 0) + LEASE_MARGIN_MS));

  function claimLost(row: Notification, stage: ClaimLostStage): 'lost' {
    deps.onClaimLost?.(stage);
    logger.warn({ notificationId: row.id, shipmentId: row.shipment_id, channel: row.channel, stage }, 'notification claim lost to another worker; left to it');
    return 'lost';
  }

  /**
   * Commits an outcome once the provider has the message. A lost connection here would leave the
   * row claimed and the message sent again when its lease ends, so the commit is tried again on a
   * new connection for as long as the claim is ours (its lease, less the margin); the claim token
   * still guards it, so a retry after another worker took over finds the claim lost.
   */
  async function recordAfterSend<T>(row: Notification, commit: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + sendLeaseMs - LEASE_MARGIN_MS;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await commit();
      } catch (err) {
        const pause = RECORD_RETRY_MS[Math.min(attempt, RECORD_RETRY_MS.length - 1)]!;
        if (!isConnectionLost(err) || Date.now() + pause > deadline) throw err;
        logger.warn({ notificationId: row.id, attempt: attempt + 1, err: (err as Error).message }, 'recording a sent message failed on a lost connection; trying again');
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  async function defer(row: Notification, claim: NotificationClaim, attempt: number, until: Date, reason: 'quiet_hours' | 'daily_cap', at: Date): Promise<'deferred' | 'lost'> {
    const finished = await deps.db.transaction().execute(async (trx) => {
      // Not an attempt: the claim's count is given back.
      const done = await finishNotificationClaim(trx, claim, { status: 'deferred', scheduled_for: until, defer_reason: reason, attempts: attempt - 1, updated_at: at });
      if (done === undefined) return false;
      await recordNotificationAttempts(trx, [{ notification_id: row.id, attempt, status: 'deferred', defer_reason: reason, deferred_until: until, at }]);
      await enqueueOutbox(trx, toOutbox(deps.notificationsTopic, [deferredEvent(done, { attempt, at, until, reason })]));
      return true;
    });
    return finished ? 'deferred' : claimLost(row, 'before_send');
  }

  async function fail(row: Notification, claim: NotificationClaim, attempt: number, error: SendError, hash: string | null, at: Date): Promise<'failed' | 'retryLater' | 'lost'> {
    const retry = error.retriable && attempt < maxAttempts;
    // Before a send (no hash) a lost commit is simply retried with the lease; after one, it must land.
    const commit = (run: () => Promise<boolean>) => (hash === null ? run() : recordAfterSend(row, run));
    const finished = await commit(() => deps.db.transaction().execute(async (trx) => {
      const done = await finishNotificationClaim(
        trx,
        claim,
        retry
          ? { status: 'scheduled', scheduled_for: new Date(at.getTime() + retryDelayMs(attempt)), error: error.message, error_code: error.code, body_sha256: hash, defer_reason: null, updated_at: at }
          : { status: 'failed', failed_at: at, error: error.message, error_code: error.code, body_sha256: hash, updated_at: at },
      );
      if (done === undefined) return false;
      await recordNotificationAttempts(trx, [{ notification_id: row.id, attempt, status: 'failed', body_sha256: hash, error_code: error.code, error: error.message, retriable: error.retriable, at }]);
      const event = failedEvent(done, { attempt, bodySha256: hash, at, error: { code: error.code, message: error.message, retriable: retry } });
      await enqueueOutbox(trx, toOutbox(deps.notificationsTopic, [event]));
      return true;
    }));
    if (!finished) return claimLost(row, hash === null ? 'before_send' : 'after_send');
    logger.warn({ notificationId: row.id, shipmentId: row.shipment_id, channel: row.channel, attempt, code: error.code, retry }, 'notification not sent');
    return retry ? 'retryLater' : 'failed';
  }

  function contentFor(row: Notification, recipient: NotificationRecipient, senderName: string, now: DateTime): Content {
    const rendered = renderNotification(row.template, paramsAtSend(row, recipient, now), { locale: row.locale, timeZone: recipient.timezone, senderName });
    if (row.channel === 'email') return { subject: rendered.subject, body: rendered.email };
    if (row.channel === 'sms') return { subject: null, body: rendered.sms };
    return { subject: null, body: rendered.marketplace };
  }

  async function dispatchOne(row: Notification, claim: NotificationClaim): Promise<keyof DispatchRound> {
    const attempt = row.attempts;
    const now = deps.clock.now().toUTC();
    const at = now.toJSDate();
    // Still ours? A row this batch reached late may have been re-claimed by another worker.
    if (!(await renewNotificationClaim(deps.db, claim, now.plus({ milliseconds: sendLeaseMs }).toJSDate()))) return claimLost(row, 'before_send');
    const recipient = await loadNotificationRecipient(deps.db, row.shipment_id);
    if (recipient === undefined) return fail(row, claim, attempt, new SendError('shipment no longer exists', 'no_shipment', false), null, at);
    const { settings } = notificationSettingsOf(recipient.merchantSettings);

    // Due, but sending now could still break quiet hours (a backlog) or the day's cap (retries).
    const day = now.setZone(recipient.timezone).startOf('day');
    const sentToday = await countSentIntents(deps.db, { shipmentId: row.shipment_id, exceptTrigger: row.trigger, from: day.toJSDate(), to: day.plus({ days: 1 }).toJSDate() });
    const wait = sendTimeCheck({ now, zone: recipient.timezone, quietHours: settings.quietHours, dailyCap: settings.dailyCap, sentToday });
    if (wait !== null && wait.deferReason !== null) {
      return defer(row, claim, attempt, wait.at.toJSDate(), wait.deferReason, at);
    }

    const sender = deps.senders.get(row.channel as BuyerChannel);
    if (sender === undefined) return fail(row, claim, attempt, new SendError(`no sender configured for ${row.channel}`, 'no_sender', false), null, at);
    const to = row.channel === 'email' ? recipient.email : row.channel === 'sms' ? recipient.phone : null;
    if ((row.channel === 'email' || row.channel === 'sms') && (to === null || to === '')) {
      return fail(row, claim, attempt, new SendError(`the buyer has no ${row.channel === 'email' ? 'email address' : 'phone number'} any more`, 'no_address', false), null, at);
    }
    const senderName = settings.senderName ?? recipient.merchantName;
    let content: Content;
    try {
      content = contentFor(row, recipient, senderName, now);
    } catch (err) {
      return fail(row, claim, attempt, new SendError(`rendering failed: ${(err as Error).message}`, 'render_failed', false, { cause: err }), null, at);
    }
    const hash = bodySha256(content.subject, content.body);
    const message: OutgoingMessage = {
      notificationId: row.id,
      shipmentId: row.shipment_id,
      merchantId: row.merchant_id,
      orderId: recipient.orderId,
      to,
      subject: content.subject,
      body: content.body,
      senderName,
      fromAddress: settings.fromAddress ?? null,
    };
    let providerMessageId: string | null;
    try {
      ({ providerMessageId } = await sender.send(message));
    } catch (err) {
      const error = err instanceof SendError ? err : new SendError(`send failed: ${(err as Error).message}`, 'send_error', true, { cause: err });
      return fail(row, claim, attempt, error, hash, deps.clock.now().toJSDate());
    }
    const sentAt = deps.clock.now().toJSDate();
    const recorded = await recordAfterSend(row, () => deps.db.transaction().execute(async (trx) => {
      const done = await finishNotificationClaim(trx, claim, { status: 'sent', sent_at: sentAt, provider_message_id: providerMessageId, body_sha256: hash, error: null, error_code: null, defer_reason: null, updated_at: sentAt });
      if (done === undefined) return false;
      await recordNotificationAttempts(trx, [{ notification_id: row.id, attempt, status: 'sent', provider_message_id: providerMessageId, body_sha256: hash, at: sentAt }]);
      await enqueueOutbox(trx, toOutbox(deps.notificationsTopic, [sentEvent(done, { attempt, providerMessageId, bodySha256: hash, at: sentAt })]));
      return true;
    }));
    // Sent, but the row is no longer ours: its lease outlived even the renewal. Not ours to finish.
    if (!recorded) return claimLost(row, 'after_send');
    logger.info({ notificationId: row.id, shipmentId: row.shipment_id, channel: row.channel, template: row.template, attempt }, 'notification sent');
    return 'sent';
  }

  async function runOnce(): Promise<DispatchRound> {
    const round: DispatchRound = { sent: 0, failed: 0, retryLater: 0, deferred: 0, lost: 0 };
    const now = deps.clock.now();
    const claimToken = randomUUID();
    const claimed = await deps.db
      .transaction()
      .execute((trx) => claimDueNotifications(trx, { now: now.toJSDate(), leaseUntil: now.plus({ milliseconds: leaseMs }).toJSDate(), limit: deps.batchSize ?? 20, claimToken }));
    for (const row of claimed) {
      try {
        round[await dispatchOne(row, { id: row.id, token: claimToken })] += 1;
      } catch (err) {
        // A database error mid-way: the row stays claimed and is retried when its lease ends.
        logger.error({ notificationId: row.id, err }, 'notification dispatch interrupted; retried when its lease expires');
        round.retryLater += 1;
      }
    }
    return round;
  }

  return { runOnce };
}
export type NotificationDispatcher = ReturnType<typeof createNotificationDispatcher>;
