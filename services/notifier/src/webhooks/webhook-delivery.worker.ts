import {
  claimDueWebhookDeliveries,
  enqueueOutbox,
  markWebhookAttemptFailed,
  markWebhookDelivered,
  recordEndpointFailure,
  recordEndpointSuccess,
  releaseWebhookDelivery,
  type ClaimedDelivery,
  type Database,
  transactionWithOutbox,
} from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import type { OutboundClient, OutboundResult } from '@parcelwatch/outbound';
import type { SecretBox } from '@parcelwatch/secrets';
import { startRoundLoop, type Clock, type RoundLoop, type Service } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './webhook-backoff.js';
import { attemptOutboxMessage, messageIdOf } from './webhook-message.js';
import { signingSecret } from './webhook-secret.store.js';
import { signMerchantWebhook } from './webhook-signature.js';

export interface WebhookWorkerOptions {
  /** Clock time between rounds (default 5 s); 0 runs none on its own (tests call runOnce). */
  intervalMs?: number;
  /** How long a claimed delivery is held before another worker may take it (default 60 s). */
  leaseMs?: number;
  /** Real time a receiver has to answer, connect included (default 10 s). */
  timeoutMs?: number;
  /** Real time to a connected socket (default 5 s, at most timeoutMs). */
  connectTimeoutMs?: number;
  batchSize?: number;
  /** Endpoints sent to at the same time; one endpoint's deliveries go one after another. */
  concurrency?: number;
  /** Consecutive failed attempts that disable an endpoint (default 20). */
  disableAfterFailures?: number;
  backoff?: BackoffPolicy;
  /** [0, 1) for the backoff jitter; seeded in tests. */
  random?: () => number;
  /** Claims per round at most, so one round cannot run for ever on a busy queue. */
  maxBatchesPerRound?: number;
}

export interface WebhookWorkerDeps extends WebhookWorkerOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  notificationsTopic: string;
  /** Sends to the merchant's URL only where the outbound policy allows (checked after DNS, at every attempt). */
  outbound: OutboundClient;
  /** Opens sealed signing secrets (null: only clear ones can be used). */
  secrets: SecretBox | null;
}

/** sent: delivered; retryLater: failed attempts retried on their own; failed: failed attempts that left their endpoint disabled (they wait for an admin). */
export interface WebhookRound {
  sent: number;
  failed: number;
  retryLater: number;
}

/** `wake` runs a round now (deliveries were just committed); otherwise one runs every interval. */
export type WebhookWorker = Service & { runOnce(): Promise<WebhookRound>; wake(): void };

/**
 * One attempt's outcome as recorded and published: success, or a failure naming only the status
 * class or the kind of failure. The receiver's body, exact status and network detail stay out,
 * so the deliveries api is no oracle for what answers at an address.
 */
interface SendResult {
  /** The status class's first code (200, 300, 400, 500), null when nothing answered. */
  statusClass: number | null;
  error: { code: string; message: string; retriable: boolean } | null;
  /** The endpoint asked to be forgotten (410 Gone): disabled at once. */
  gone: boolean;
}

export function sendResultOf(result: OutboundResult): SendResult {
  if (result.outcome === 'refused') return { statusClass: null, gone: false, error: { code: 'refused', message: 'refused: address not allowed', retriable: true } };
  if (result.outcome === 'timeout') return { statusClass: null, gone: false, error: { code: 'timeout', message: 'timeout', retriable: true } };
  if (result.outcome === 'network_error') return { statusClass: null, gone: false, error: { code: 'network_error', message: 'network error: no answer', retriable: true } };
  const digit = Math.min(5, Math.max(1, Math.floor(result.status / 100)));
  const statusClass = digit * 100;
  if (digit === 2) return { statusClass, gone: false, error: null };
  // A redirect is a failure: the merchant registers the final URL, and we do not follow it elsewhere.
  const message = digit === 3 ? '3xx: redirects are not followed' : `${digit}xx`;
  return { statusClass, gone: result.status === 410, error: { code: `http_${digit}xx`, message, retriable: result.status !== 410 } };
}

/**
 * Sends due merchant webhooks. A round claims the heads of the (endpoint, shipment) queues,
 * POSTs each signed body, and records every attempt (row + notification event in the outbox,
 * one transaction). Failures back off exponentially; an endpoint failing `disableAfterFailures`
 * times in a row (or answering 410 Gone) is disabled and its deliveries wait, pending, until an
 * admin enables it again. Nothing is ever dropped.
 */
export function createWebhookDeliveryWorker(deps: WebhookWorkerDeps): WebhookWorker {
  const logger = deps.logger.child({ component: 'merchant-webhooks' });
  const intervalMs = deps.intervalMs ?? 5_000;
  const leaseMs = deps.leaseMs ?? 60_000;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const threshold = deps.disableAfterFailures ?? 20;
  const random = deps.random ?? Math.random;
  const connectTimeoutMs = deps.connectTimeoutMs ?? 5_000;
  let loop: RoundLoop | null = null;
  let started = false;

  async function post(row: ClaimedDelivery): Promise<SendResult> {
    const timestamp = Math.floor(deps.clock.now().toSeconds());
    let secret: string;
    try {
      secret = signingSecret(deps.secrets, row.endpoint_id, row.secret);
    } catch (err) {
      logger.error({ endpointId: row.endpoint_id, err }, 'merchant webhook signing secret cannot be opened: rotate it, or configure the key it was sealed under');
      return { statusClass: null, gone: false, error: { code: 'secret_unreadable', message: 'not sent: the signing secret cannot be opened', retriable: true } };
    }
    const headers = signMerchantWebhook(secret, messageIdOf(row), timestamp, row.body);
    const result = await deps.outbound.send(row.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'parcelwatch-webhooks/1', ...headers },
      body: row.body,
      connectTimeoutMs: Math.min(connectTimeoutMs, timeoutMs),
      timeoutMs,
    });
    // The detail (which range refused, which socket error) is for operators, not the merchant's view.
    if (result.outcome === 'refused' || result.outcome === 'network_error') logger.info({ endpointId: row.endpoint_id, deliveryId: row.id, outcome: result.outcome, detail: result.detail }, 'merchant webhook not delivered');
    return sendResultOf(result);
  }

  /** Records one attempt; returns whether the endpoint is now disabled. */
  async function record(row: ClaimedDelivery, result: SendResult): Promise<'sent' | 'retry' | 'disabled'> {
    const at = deps.clock.now();
    const attempt = row.attempts + 1;
    return transactionWithOutbox(deps.db, async (trx) => {
      const outcome = { delivery: row, attempt, at: at.toJSDate(), error: result.error };
      await enqueueOutbox(trx, [attemptOutboxMessage(deps.notificationsTopic, outcome)]);
      if (result.error === null) {
        await markWebhookDelivered(trx, row.id, { statusCode: result.statusClass ?? 200, providerMessageId: null, at: at.toJSDate() });
        await recordEndpointSuccess(trx, row.endpoint_id, at.toJSDate());
        return 'sent';
      }
      const nextAttemptAt = at.plus({ milliseconds: backoffDelayMs(attempt, random, deps.backoff ?? DEFAULT_BACKOFF) });
      await markWebhookAttemptFailed(trx, row.id, { statusCode: result.statusClass, error: result.error.message, nextAttemptAt: nextAttemptAt.toJSDate() });
      const gone = result.gone;
      const reason = gone ? 'the receiver answered 410 Gone' : `${threshold} consecutive failed attempts (last: ${result.error.code})`;
      const endpoint = await recordEndpointFailure(trx, row.endpoint_id, { threshold, disable: gone, reason, at: at.toJSDate() });
      if (endpoint.disabledNow) logger.warn({ endpointId: row.endpoint_id, reason }, 'merchant webhook endpoint disabled');
      return endpoint.disabledNow || endpoint.consecutiveFailures >= threshold || gone ? 'disabled' : 'retry';
    });
  }

  async function deliverEndpoint(rows: ClaimedDelivery[], round: WebhookRound): Promise<void> {
    for (let i = 0; i < rows.length; i += 1) {
      const row = rows[i]!;
      const outcome = await record(row, await post(row));
      if (outcome === 'sent') round.sent += 1;
      else if (outcome === 'retry') round.retryLater += 1;
      else {
        round.failed += 1;
        // Disabled: the rest of this endpoint's claim goes back unsent, to wait with the others.
        for (const rest of rows.slice(i + 1)) await releaseWebhookDelivery(deps.db, rest.id);
        return;
      }
    }
  }

  async function runOnce(): Promise<WebhookRound> {
    const round: WebhookRound = { sent: 0, failed: 0, retryLater: 0 };
    for (let batch = 0; batch < (deps.maxBatchesPerRound ?? 20); batch += 1) {
      const now = deps.clock.now();
      const claimed = await deps.db
        .transaction()
        .execute((trx) => claimDueWebhookDeliveries(trx, { now: now.toJSDate(), leaseUntil: now.plus({ milliseconds: leaseMs }).toJSDate(), limit: deps.batchSize ?? 50 }));
      if (claimed.length === 0) break;
      const byEndpoint = new Map<string, ClaimedDelivery[]>();
      for (const row of claimed) byEndpoint.set(row.endpoint_id, [...(byEndpoint.get(row.endpoint_id) ?? []), row]);
      const groups = [...byEndpoint.values()].map((rows) => rows.sort((a, b) => a.seq - b.seq));
      const width = Math.max(1, deps.concurrency ?? 8);
      // A small pool: `width` endpoints in flight, each taking the next group when done.
      await Promise.all(
        Array.from({ length: Math.min(width, groups.length) }, async () => {
          for (let group = groups.shift(); group !== undefined; group = groups.shift()) await deliverEndpoint(group, round);
        }),
      );
    }
    return round;
  }

  return {
    name: 'merchant-webhooks',
    runOnce,
    async start() {
      if (started) return;
      started = true;
      if (intervalMs > 0) {
        loop = startRoundLoop({
          clock: deps.clock,
          intervalMs,
          round: runOnce,
          onError: (err) => logger.error({ err }, 'merchant webhook round failed; the next round retries'),
        });
      }
    },
    async stop() {
      started = false;
      const running = loop;
      loop = null;
      await running?.stop();
    },
    wake: () => loop?.wake(),
    isHealthy: () => started,
  };
}
