import { createHash } from 'node:crypto';
import type { Provider } from '@parcelwatch/contracts';
import pRetry, { AbortError } from 'p-retry';
import type { CircuitBreaker } from './circuit-breaker.js';
import {
  AuthenticationError,
  CarrierClientError,
  CircuitOpenError,
  MalformedResponseError,
  NetworkError,
  ProviderUnavailableError,
  RateLimitedError,
  RequestAbortedError,
  RequestRejectedError,
  RequestTimeoutError,
} from './client.errors.js';
import type { RateLimiterSet } from './client-registry.js';
import { retryAfterMs } from './retry-after.js';
import { abortableSleep } from './token-bucket.js';

/** A provider's answer as received, with how it was fetched. Mapping it is the mappers' job. */
export interface ProviderResponse {
  provider: Provider;
  status: number;
  /** The parsed JSON body. */
  body: unknown;
  /** The body text exactly as received, and the SHA-256 (hex) of its bytes, for the evidence trail. */
  rawBody: string;
  sha256: string;
  contentType: string | null;
  /** When the answer arrived (ISO-8601 UTC). */
  fetchedAt: string;
  /** Round trip of the attempt that succeeded. */
  durationMs: number;
  /** Time from the first attempt to the answer, waits included. */
  elapsedMs: number;
  /** 1 when the first attempt succeeded. */
  attempts: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  factor: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, minTimeoutMs: 500, maxTimeoutMs: 30_000, factor: 2 };

export interface ProviderTransportOptions {
  provider: Provider;
  limiter: RateLimiterSet;
  breaker: CircuitBreaker;
  timeoutMs: number;
  retry: RetryPolicy;
  fetch?: typeof fetch;
  /** Wall clock for `fetchedAt`; Date.now by default. */
  now?: () => Date;
  /**
   * Statuses besides 2xx whose body is an answer, not a failure (DHL's 404 problem body for an
   * unknown number is what the mapper turns into `not_found`).
   */
  answerStatuses?: readonly number[];
  /** Provider rules on top of HTTP: an error code inside a 200 body (TikTok's 36009002). */
  inspect?: (answer: { status: number; body: unknown; headers: Headers }) => CarrierClientError | null;
  /** On a 401: refresh credentials (drop a cached token) and return true to try once more. */
  onUnauthorized?: () => boolean | Promise<boolean>;
}

export interface ProviderTransport {
  /** One logical request: rate-limited, circuit-guarded, timed out, retried. `build` runs per attempt. */
  send(build: () => HttpRequest | Promise<HttpRequest>, signal?: AbortSignal): Promise<ProviderResponse>;
}

export function createProviderTransport(options: ProviderTransportOptions): ProviderTransport {
  const { provider, limiter, breaker, timeoutMs, retry } = options;
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const answerStatuses = new Set(options.answerStatuses ?? []);

  async function attempt(build: () => HttpRequest | Promise<HttpRequest>, attemptNumber: number, signal: AbortSignal | undefined) {
    // Built first: building may fetch an OAuth token, which goes through this same guard.
    const request = await build();
    if (!breaker.tryAcquire()) throw new AbortError(new CircuitOpenError(breaker.retryInMs(), { provider }));
    let outcome: 'success' | 'failure' | 'neutral' = 'neutral';
    try {
      await limiter.take(signal);
      const timeout = AbortSignal.timeout(timeoutMs);
      const started = performance.now();
      let response: Response;
      let bytes: Buffer;
      try {
        response = await fetchImpl(request.url, {
          method: request.method,
          headers: request.headers ?? {},
          ...(request.body === undefined ? {} : { body: request.body }),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        bytes = Buffer.from(await response.arrayBuffer());
      } catch (err) {
        if (signal?.aborted) throw new AbortError(new RequestAbortedError({ provider, cause: err }));
        outcome = 'failure';
        if (timeout.aborted) throw new RequestTimeoutError(timeoutMs, { provider, cause: err });
        throw new NetworkError({ provider, cause: err });
      }
      const durationMs = performance.now() - started;
      const rawBody = bytes.toString('utf8');
      const status = response.status;
      const waitMs = retryAfterMs(response.headers);
      const body = parseJson(rawBody);

      if (status === 429) {
        // Everyone on this key backs off, not only this request.
        limiter.pauseFor(waitMs ?? 1_000);
        throw new RateLimitedError({ provider, status, retryAfterMs: waitMs, body: body.ok ? body.value : rawBody.slice(0, 500) });
      }
      if (status >= 500) {
        outcome = 'failure';
        throw new ProviderUnavailableError({ provider, status, retryAfterMs: waitMs, body: body.ok ? body.value : rawBody.slice(0, 500) });
      }
      const isAnswer = (status >= 200 && status < 300) || answerStatuses.has(status);
      if (!isAnswer) {
        outcome = 'success';
        const details = { provider, status, body: body.ok ? body.value : rawBody.slice(0, 500) };
        if (status === 401 || status === 403) throw new AbortError(new AuthenticationError(`not authorized (HTTP ${status})`, details));
        throw new AbortError(new RequestRejectedError(`request rejected (HTTP ${status})`, details));
      }
      if (!body.ok) {
        outcome = 'failure';
        throw new MalformedResponseError({ provider, status, body: rawBody.slice(0, 500), cause: body.error });
      }
      const inspected = options.inspect?.({ status, body: body.value, headers: response.headers });
      if (inspected) {
        outcome = inspected.kind === 'unavailable' || inspected.kind === 'server_error' ? 'failure' : inspected.kind === 'rate_limited' ? 'neutral' : 'success';
        if (inspected.kind === 'rate_limited') limiter.pauseFor(inspected.retryAfterMs ?? 1_000);
        throw inspected.retriable ? inspected : new AbortError(inspected);
      }
      outcome = 'success';
      return {
        provider,
        status,
        body: body.value,
        rawBody,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        contentType: response.headers.get('content-type'),
        fetchedAt: now().toISOString(),
        durationMs: Math.round(durationMs),
        elapsedMs: 0,
        attempts: attemptNumber,
      } satisfies ProviderResponse;
    } finally {
      if (outcome === 'success') breaker.onSuccess();
      else if (outcome === 'failure') breaker.onFailure();
      else breaker.release();
    }
  }

  async function sendWithRetry(build: () => HttpRequest | Promise<HttpRequest>, signal: AbortSignal | undefined): Promise<ProviderResponse> {
    const started = performance.now();
    // Honour Retry-After: the next attempt never starts before the provider said it may.
    let notBefore = 0;
    const response = await pRetry(
      async (attemptNumber) => {
        const wait = notBefore - performance.now();
        if (wait > 0) await abortableSleep(wait, signal);
        return attempt(build, attemptNumber, signal);
      },
      {
        retries: retry.retries,
        factor: retry.factor,
        minTimeout: retry.minTimeoutMs,
        maxTimeout: retry.maxTimeoutMs,
        // Jitter: each backoff is multiplied by a random factor in [1, 2).
        randomize: true,
        ...(signal ? { signal } : {}),
        shouldRetry: ({ error }) => error instanceof CarrierClientError && error.retriable && error.kind !== 'circuit_open',
        onFailedAttempt: ({ error }) => {
          const wait = error instanceof CarrierClientError ? error.retryAfterMs : null;
          if (wait !== null && wait > 0) notBefore = performance.now() + wait;
        },
      },
    );
    return { ...response, elapsedMs: Math.round(performance.now() - started) };
  }

  return {
    async send(build, signal) {
      try {
        return await sendWithRetry(build, signal);
      } catch (err) {
        if (err instanceof AuthenticationError && err.status === 401 && options.onUnauthorized && (await options.onUnauthorized())) {
          return sendWithRetry(build, signal);
        }
        if (signal?.aborted && !(err instanceof CarrierClientError)) throw new RequestAbortedError({ provider, cause: err });
        throw err;
      }
    },
  };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: unknown } {
  if (text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error };
  }
}
