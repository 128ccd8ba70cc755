import type { Provider } from '@parcelwatch/contracts';

export type CarrierClientErrorKind =
  | 'rate_limited'
  | 'unavailable'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'malformed_response'
  | 'unauthorized'
  | 'rejected'
  | 'circuit_open'
  | 'aborted';

export interface CarrierClientErrorDetails {
  provider: Provider;
  /** The provider's HTTP status, or null when no answer came (timeout, network, open circuit). */
  status?: number | null;
  /** How long the provider asked us to wait (Retry-After), in ms. */
  retryAfterMs?: number | null;
  /** The provider's error body, for the log and the evidence trail (never credentials). */
  body?: unknown;
  cause?: unknown;
}

/**
 * A failed call to a tracking provider. `retriable` says whether the same request may succeed
 * later (overload, outage, timeout, a cut body); the client retries those itself, except an
 * open circuit, which it reports at once so the caller polls again after the cool-down.
 */
export class CarrierClientError extends Error {
  override readonly name: string = 'CarrierClientError';
  readonly provider: Provider;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  readonly body: unknown;

  constructor(
    readonly kind: CarrierClientErrorKind,
    readonly retriable: boolean,
    message: string,
    details: CarrierClientErrorDetails,
  ) {
    super(`${details.provider}: ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.provider = details.provider;
    this.status = details.status ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.body = details.body;
  }
}

export class RateLimitedError extends CarrierClientError {
  override readonly name = 'RateLimitedError';
  constructor(details: CarrierClientErrorDetails) {
    super('rate_limited', true, `rate limited (HTTP ${details.status ?? '?'})`, details);
  }
}

export class ProviderUnavailableError extends CarrierClientError {
  override readonly name = 'ProviderUnavailableError';
  constructor(details: CarrierClientErrorDetails) {
    super(details.status === 503 ? 'unavailable' : 'server_error', true, `server error (HTTP ${details.status ?? '?'})`, details);
  }
}

export class RequestTimeoutError extends CarrierClientError {
  override readonly name = 'RequestTimeoutError';
  constructor(timeoutMs: number, details: CarrierClientErrorDetails) {
    super('timeout', true, `no answer within ${timeoutMs} ms`, details);
  }
}

export class NetworkError extends CarrierClientError {
  override readonly name = 'NetworkError';
  constructor(details: CarrierClientErrorDetails) {
    super('network', true, `network error: ${details.cause instanceof Error ? details.cause.message : String(details.cause)}`, details);
  }
}

/** A 2xx answer whose body is not the JSON it should be (cut short, HTML from a proxy). */
export class MalformedResponseError extends CarrierClientError {
  override readonly name = 'MalformedResponseError';
  constructor(details: CarrierClientErrorDetails) {
    super('malformed_response', true, `unreadable body (HTTP ${details.status ?? '?'})`, details);
  }
}

export class AuthenticationError extends CarrierClientError {
  override readonly name = 'AuthenticationError';
  constructor(message: string, details: CarrierClientErrorDetails) {
    super('unauthorized', false, message, details);
  }
}

/** The provider refused the request itself (bad input, unknown path): sending it again fails again. */
export class RequestRejectedError extends CarrierClientError {
  override readonly name = 'RequestRejectedError';
  constructor(message: string, details: CarrierClientErrorDetails) {
    super('rejected', false, message, details);
  }
}

export class CircuitOpenError extends CarrierClientError {
  override readonly name = 'CircuitOpenError';
  constructor(retryInMs: number, details: CarrierClientErrorDetails) {
    super('circuit_open', true, `circuit open, not calling for another ${Math.max(0, Math.round(retryInMs))} ms`, { ...details, retryAfterMs: retryInMs });
  }
}

export class RequestAbortedError extends CarrierClientError {
  override readonly name = 'RequestAbortedError';
  constructor(details: CarrierClientErrorDetails) {
    super('aborted', false, 'request aborted by the caller', details);
  }
}
