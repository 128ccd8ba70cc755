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
} from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import { startRoundLoop, type Clock, type RoundLoop, type Service } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './webhook-backoff.js';
import { attemptOutboxMessage, messageIdOf } from './webhook-message.js';
import { signMerchantWebhook } from './webhook-signature.js';

export interface WebhookWorkerOptions {
  /** Clock time between rounds (default 5 s); 0 runs none on its own (tests call runOnce). */
  intervalMs?: number;
  /** How long a claimed delivery is held before another worker may take it (default 60 s). */
  leaseMs?: number;
  /** Real time a receiver has to answer (default 10 s). */
  timeoutMs?: number;
  batchSize?: number;
  /** Endpoints sent to at the same time; one endpoint's deliveries go one after another. */
  concurrency?: number;
  /** Consecutive failed attempts that disable an endpoint (default 20). */
  disableAfterFailures?: number;
  backoff?: BackoffPolicy;
  /** [0, 1) for the backoff jitter; seeded in tests. */
  random?: () => number;
  fetch?: typeof fetch;
  /** Claims per round at most, so one round cannot run for ever on a busy queue. */
  maxBatchesPerRound?: number;
}

export interface WebhookWorkerDeps extends WebhookWorkerOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  notificationsTopic: string;
}

/** sent: delivered; retryLater: failed attempts retried on their own; failed: failed attempts that left their endpoint disabled (they wait for an admin). */
export interface WebhookRound {
  sent: number;
  failed: number;
  retryLater: number;
}

/** `wake` runs a round now (deliveries were just committed); otherwise one runs every interval. */
export type WebhookWorker = Service & { runOnce(): Promise<WebhookRound>; wake(): void };

interface SendResult {
  statusCode: number | null;
  providerMessageId: string | null;
  error: { code: string; message: string; retriable: boolean } | null;
}

function answerId(text: string): string | null {
  try {
    const parsed: unknown = JSON.parse(text);
    const id = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['id'] : undefined;
    return typeof id === 'string' && id.length > 0 ? id.slice(0, 200) : null;
  } catch {
    return null;
  }
}

// Structural checks, not instanceof: fetch's errors may come from another realm (undici, jest's vm).
function networkError(err: unknown): SendResult['error'] {
  const error = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown } };
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return { code: 'timeout', message: 'the receiver did not answer in time', retriable: true };
  const code = typeof error.cause?.code === 'string' ? error.cause.code : 'network_error';
  const message = typeof error.message === 'string' ? error.message : String(err);
  return { code: code === 'ECONNREFUSED' ? 'connection_refused' : code.toLowerCase(), message, retriable: true };
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
  const send = deps.fetch ?? fetch;
  let loop: RoundLoop | null = null;
  let started = false;

  async function post(row: ClaimedDelivery): Promise<SendResult> {
    const timestamp = Math.floor(deps.clock.now().toSeconds());
    const headers = signMerchantWebhook(row.secret, messageIdOf(row), timestamp, row.body);
    try {
      const response = await send(row.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'parcelwatch-webhooks/1', ...headers },
        body: row.body,
        // A redirect is a failure: the merchant registers the final URL, and we do not follow it elsewhere.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      if (response.status >= 200 && response.status < 300) return { statusCode: response.status, providerMessageId: answerId(text), error: null };
      // The receiver's body stays out of the log: it is the merchant's text, not ours to publish.
      return { statusCode: response.status, providerMessageId: null, error: { code: `http_${response.status}`, message: `HTTP ${response.status}`, retriable: response.status !== 410 } };
    } catch (err) {
      return { statusCode: null, providerMessageId: null, error: networkError(err) };
    }
  }

  /** Records one attempt; returns whether the endpoint is now disabled. */
  async function record(row: ClaimedDelivery, result: SendResult): Promise<'sent' | 'retry' | 'disabled'> {
    const at = deps.clock.now();
    const attempt = row.attempts + 1;
    return deps.db.transaction().execute(async (trx) => {
      const outcome = { delivery: row, attempt, at: at.toJSDate(), statusCode: result.statusCode, providerMessageId: result.providerMessageId, error: result.error };
      await enqueueOutbox(trx, [attemptOutboxMessage(deps.notificationsTopic, outcome)]);
      if (result.error === null) {
        await markWebhookDelivered(trx, row.id, { statusCode: result.statusCode ?? 200, providerMessageId: result.providerMessageId, at: at.toJSDate() });
        await recordEndpointSuccess(trx, row.endpoint_id, at.toJSDate());
        return 'sent';
      }
      const nextAttemptAt = at.plus({ milliseconds: backoffDelayMs(attempt, random, deps.backoff ?? DEFAULT_BACKOFF) });
      await markWebhookAttemptFailed(trx, row.id, { statusCode: result.statusCode, error: `${result.error.code}: ${result.error.message}`, nextAttemptAt: nextAttemptAt.toJSDate() });
      const gone = result.statusCode === 410;
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
