import type { Database, Notification, NotificationRecipient } from '@parcelwatch/db';
import { randomUUID } from 'node:crypto';
import { claimDueNotifications, loadNotificationRecipients, loadSentTriggers, renewNotificationClaim, type NotificationClaim } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import type { Clock } from '@parcelwatch/service-kit';
import { openTrackingToken, trackingPageUrl, type SecretBox } from '@parcelwatch/secrets';
import type { Kysely } from 'kysely';
import type { DateTime } from 'luxon';
import { SendError, type ChannelSender, type OutgoingMessage } from '../channels/channel-sender.js';
import { estimateForBuyer } from '../domain/buyer-estimate.js';
import type { BuyerChannel } from '../domain/notification-planner.js';
import { notificationSettingsOf } from '../domain/notification-settings.js';
import { sendTimeCheck } from '../domain/send-schedule.js';
import { bodySha256, renderNotification } from '../templates/template-renderer.js';
import { afterSend, roundKeyOf, type DispatchOutcome } from './dispatch-outcome.js';
import { createOutcomeRecorder } from './outcome-recorder.js';

/** Messages claimed per round, unless configured. */
export const DEFAULT_DISPATCH_BATCH = 100;
/** Sends in flight at once per dispatcher, unless configured: one pooled connection each. */
export const DEFAULT_SEND_CONCURRENCY = 8;

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
  /** Messages claimed per round. Default 100. */
  batchSize?: number;
  /** Sends in flight at once (one pooled provider connection each). Default 8. */
  sendConcurrency?: number;
  /** Attempts before a message that keeps failing retriably is given up. Default 8. */
  maxAttempts?: number;
  /** Told when a claim turned out to be lost: before sending (skipped) or after (not finished here). */
  onClaimLost?: (stage: ClaimLostStage) => void;
  /** Where buyer tracking pages are (TRACKING_PAGE_BASE_URL) and the key their tokens are sealed under; absent: messages carry no link. */
  trackingLinks?: TrackingLinkSettings | null;
}

export interface TrackingLinkSettings {
  baseUrl: string;
  secrets: SecretBox | null;
}

/** The buyer's tracking page, when the shipment has a live link this notifier can open. */
function trackingUrlOf(recipient: NotificationRecipient, settings: TrackingLinkSettings | null, shipmentId: string): string | null {
  if (settings === null || recipient.trackingToken === null) return null;
  const token = openTrackingToken(settings.secrets, shipmentId, recipient.trackingToken);
  return token === null ? null : trackingPageUrl(settings.baseUrl, token);
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

/** What a round reads once for all its messages: recipients, and per shipment the triggers sent in its buyer's day. */
interface RoundFacts {
  recipients: Map<string, NotificationRecipient>;
  /** Loaded for the day `dayStart` (ms) of each shipment's buyer; updated as this round sends. */
  sentToday: Map<string, { dayStart: number; triggers: Set<string> }>;
}

/** A send's outcome on its way to the database; wrapped so awaiting the send does not await the commit. */
interface Recording {
  recorded: Promise<keyof DispatchRound>;
}
const recording = (recorded: Promise<keyof DispatchRound>): Recording => ({ recorded });

/** Runs `work` over `items` with at most `limit` at a time. */
async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/**
 * Sends due buyer messages, a round at a time: one claim of a batch (with a lease and a token),
 * one read of the batch's recipients and of what each was sent today, then the sends, up to
 * `sendConcurrency` at once over the senders' pooled connections, and their outcomes recorded
 * together (see createOutcomeRecorder): each outcome, its attempt row and its `notifications`
 * event commit together, and only while the claim's token is still the row's. Before each send
 * the claim is renewed (which fails once another worker re-claimed the row), so two dispatchers
 * never both send one message. A lost database connection after the send is retried for as long
 * as the lease lasts; only a crash between send and commit (or a database away longer than the
 * lease) leaves the row claimed, to be sent again when the lease ends (at-least-once toward the
 * provider, in that window only). A shipment's messages in one round (one per channel at most)
 * go one after the other, so the daily cap counts what the round already sent.
 */
export function createNotificationDispatcher(deps: DispatcherDeps) {
  const logger = deps.logger.child({ component: 'notification-dispatch' });
  const leaseMs = deps.leaseMs ?? 120_000;
  const maxAttempts = deps.maxAttempts ?? 8;
  const sendConcurrency = deps.sendConcurrency ?? DEFAULT_SEND_CONCURRENCY;
  // One message's lease from its renewal: long enough for its slowest sender to give up.
  const sendLeaseMs = Math.max(leaseMs, ...[...deps.senders.values()].map((sender) => (sender.worstCaseSendMs ?? 0) + LEASE_MARGIN_MS));
  const recorder = createOutcomeRecorder({ db: deps.db, logger, notificationsTopic: deps.notificationsTopic, retryDelayMs });

  function claimLost(row: Notification, stage: ClaimLostStage): 'lost' {
    deps.onClaimLost?.(stage);
    logger.warn({ notificationId: row.id, shipmentId: row.shipment_id, channel: row.channel, stage }, 'notification claim lost to another worker; left to it');
    return 'lost';
  }

  /** Records an outcome; what the round counts once it is committed. */
  async function settle(claim: NotificationClaim, outcome: DispatchOutcome, retryUntil: number | null): Promise<keyof DispatchRound> {
    const { row } = outcome;
    if (!(await recorder.record(claim, outcome, retryUntil))) return claimLost(row, afterSend(outcome) ? 'after_send' : 'before_send');
    if (outcome.kind === 'sent') logger.info({ notificationId: row.id, shipmentId: row.shipment_id, channel: row.channel, template: row.template, attempt: outcome.attempt }, 'notification sent');
    if (outcome.kind === 'failed') logger.warn({ notificationId: row.id, shipmentId: row.shipment_id, channel: row.channel, attempt: outcome.attempt, code: outcome.error.code, retry: outcome.retry }, 'notification not sent');
    return roundKeyOf(outcome);
  }

  function failed(row: Notification, error: SendError, hash: string | null, at: Date): DispatchOutcome {
    return { kind: 'failed', row, attempt: row.attempts, error, hash, at, retry: error.retriable && row.attempts < maxAttempts };
  }

  function contentFor(row: Notification, recipient: NotificationRecipient, senderName: string, now: DateTime): Content {
    const trackingUrl = trackingUrlOf(recipient, deps.trackingLinks ?? null, row.shipment_id);
    const rendered = renderNotification(row.template, paramsAtSend(row, recipient, now), { locale: row.locale, timeZone: recipient.timezone, senderName, trackingUrl });
    if (row.channel === 'email') return { subject: rendered.subject, body: rendered.email };
    if (row.channel === 'sms') return { subject: null, body: rendered.sms };
    return { subject: null, body: rendered.marketplace };
  }

  /** The triggers of a shipment sent in the buyer's day that starts at `day` (read again if the round's read was for another day). */
  async function sentTriggers(facts: RoundFacts, row: Notification, day: DateTime): Promise<Set<string>> {
    const known = facts.sentToday.get(row.shipment_id);
    if (known !== undefined && known.dayStart === day.toMillis()) return known.triggers;
    const [loaded] = (await loadSentTriggers(deps.db, [{ shipmentId: row.shipment_id, from: day.toJSDate(), to: day.plus({ days: 1 }).toJSDate() }])).values();
    const entry = { dayStart: day.toMillis(), triggers: loaded ?? new Set<string>() };
    facts.sentToday.set(row.shipment_id, entry);
    return entry.triggers;
  }

  /** Decides, renews and sends one claimed message; resolves once the send is over (not its recording: the next send need not wait for a commit). */
  async function dispatchOne(row: Notification, claim: NotificationClaim, facts: RoundFacts): Promise<Recording> {
    const now = deps.clock.now().toUTC();
    const at = now.toJSDate();
    const recipient = facts.recipients.get(row.shipment_id);
    if (recipient === undefined) return recording(settle(claim, failed(row, new SendError('shipment no longer exists', 'no_shipment', false), null, at), null));
    const { settings } = notificationSettingsOf(recipient.merchantSettings);

    // Due, but sending now could still break quiet hours (a backlog) or the day's cap (retries).
    const day = now.setZone(recipient.timezone).startOf('day');
    const triggers = await sentTriggers(facts, row, day);
    const sentToday = triggers.size - (triggers.has(row.trigger) ? 1 : 0);
    const wait = sendTimeCheck({ now, zone: recipient.timezone, quietHours: settings.quietHours, dailyCap: settings.dailyCap, sentToday });
    if (wait !== null && wait.deferReason !== null) {
      return recording(settle(claim, { kind: 'deferred', row, attempt: row.attempts, until: wait.at.toJSDate(), reason: wait.deferReason, at }, null));
    }

    const sender = deps.senders.get(row.channel as BuyerChannel);
    if (sender === undefined) return recording(settle(claim, failed(row, new SendError(`no sender configured for ${row.channel}`, 'no_sender', false), null, at), null));
    const to = row.channel === 'email' ? recipient.email : row.channel === 'sms' ? recipient.phone : null;
    if ((row.channel === 'email' || row.channel === 'sms') && (to === null || to === '')) {
      const what = row.channel === 'email' ? 'email address' : 'phone number';
      return recording(settle(claim, failed(row, new SendError(`the buyer has no ${what} any more`, 'no_address', false), null, at), null));
    }
    const senderName = settings.senderName ?? recipient.merchantName;
    let content: Content;
    try {
      content = contentFor(row, recipient, senderName, now);
    } catch (err) {
      return recording(settle(claim, failed(row, new SendError(`rendering failed: ${(err as Error).message}`, 'render_failed', false, { cause: err }), null, at), null));
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
    // Still ours? A row this round reached late may have been re-claimed by another worker.
    const renewedAt = Date.now();
    if (!(await renewNotificationClaim(deps.db, claim, deps.clock.now().plus({ milliseconds: sendLeaseMs }).toJSDate()))) return recording(Promise.resolve(claimLost(row, 'before_send')));
    // The outcome of a message the provider may have must land while the renewed lease lasts.
    const retryUntil = renewedAt + sendLeaseMs - LEASE_MARGIN_MS;
    let providerMessageId: string | null;
    try {
      ({ providerMessageId } = await sender.send(message));
    } catch (err) {
      const error = err instanceof SendError ? err : new SendError(`send failed: ${(err as Error).message}`, 'send_error', true, { cause: err });
      return recording(settle(claim, failed(row, error, hash, deps.clock.now().toJSDate()), retryUntil));
    }
    // Counted at once: the shipment's next message in this round sees it for the daily cap.
    triggers.add(row.trigger);
    return recording(settle(claim, { kind: 'sent', row, attempt: row.attempts, providerMessageId, hash, at: deps.clock.now().toJSDate() }, retryUntil));
  }

  async function loadRoundFacts(claimed: readonly Notification[], now: DateTime): Promise<RoundFacts> {
    const recipients = await loadNotificationRecipients(deps.db, claimed.map((row) => row.shipment_id));
    const days = [...recipients].map(([shipmentId, recipient]) => {
      const day = now.setZone(recipient.timezone).startOf('day');
      return { shipmentId, from: day.toJSDate(), to: day.plus({ days: 1 }).toJSDate(), dayStart: day.toMillis() };
    });
    const sent = await loadSentTriggers(deps.db, days);
    return { recipients, sentToday: new Map(days.map((day) => [day.shipmentId, { dayStart: day.dayStart, triggers: sent.get(day.shipmentId) ?? new Set<string>() }])) };
  }

  async function runOnce(): Promise<DispatchRound> {
    const round: DispatchRound = { sent: 0, failed: 0, retryLater: 0, deferred: 0, lost: 0 };
    const now = deps.clock.now();
    const claimToken = randomUUID();
    const claimed = await deps.db
      .transaction()
      .execute((trx) => claimDueNotifications(trx, { now: now.toJSDate(), leaseUntil: now.plus({ milliseconds: leaseMs }).toJSDate(), limit: deps.batchSize ?? DEFAULT_DISPATCH_BATCH, claimToken }));
    if (claimed.length === 0) return round;
    // A database error here leaves the whole batch claimed: retried when the lease ends.
    const facts = await loadRoundFacts(claimed, now.toUTC());
    const byShipment = new Map<string, Notification[]>();
    for (const row of claimed) byShipment.set(row.shipment_id, [...(byShipment.get(row.shipment_id) ?? []), row]);
    const recordings: Promise<void>[] = [];
    const interrupted = (row: Notification) => (err: unknown) => {
      // A database error mid-way: the row stays claimed and is retried when its lease ends.
      logger.error({ notificationId: row.id, err }, 'notification dispatch interrupted; retried when its lease expires');
      round.retryLater += 1;
    };
    await forEachBounded([...byShipment.values()], sendConcurrency, async (rows) => {
      for (const row of rows) {
        try {
          const { recorded } = await dispatchOne(row, { id: row.id, token: claimToken }, facts);
          recordings.push(recorded.then((key) => void (round[key] += 1), interrupted(row)));
        } catch (err) {
          interrupted(row)(err);
        }
      }
    });
    await Promise.all(recordings);
    return round;
  }

  return { runOnce };
}
export type NotificationDispatcher = ReturnType<typeof createNotificationDispatcher>;
