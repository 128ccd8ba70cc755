import type { Provider } from '@parcelwatch/contracts';
import type { CircuitBreakerOptions } from './circuit-breaker.js';
import { CarrierClientError } from './client.errors.js';
import { CarrierClientRegistry, RateLimiterSet, type RateSpec } from './client-registry.js';
import { createProviderTransport, DEFAULT_RETRY, type ProviderResponse, type ProviderTransport, type ProviderTransportOptions, type RetryPolicy } from './provider-transport.js';

/** What one call for a batch of numbers gave: the raw answer, or why there is none. */
export type TrackOutcome =
  | { ok: true; numbers: string[]; response: ProviderResponse }
  | { ok: false; numbers: string[]; error: CarrierClientError };

export interface TrackOptions {
  signal?: AbortSignal;
}

/** A provider's tracking API: every number asked for appears in exactly one outcome. */
export interface TrackingClient {
  readonly provider: Provider;
  track(numbers: readonly string[], options?: TrackOptions): Promise<TrackOutcome[]>;
}

/** Settings every provider client takes; defaults come from the provider's documentation. */
export interface ClientCommonOptions {
  /** Production host by default; the carrier sandbox's URL in dev and tests. */
  baseUrl?: string;
  /** Limit per API key (per client credentials, per app). */
  rateLimit?: RateSpec;
  /** Limit for the provider across all keys of this process, if the provider imposes one. */
  providerRateLimit?: RateSpec;
  circuitBreaker?: CircuitBreakerOptions;
  /** Per-attempt timeout. Default 15 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Share limiters and circuits between clients (one per process). */
  registry?: CarrierClientRegistry;
  fetch?: typeof fetch;
  now?: () => Date;
}

export interface ProviderDefaults {
  baseUrl: string;
  rateLimit: RateSpec;
  /** Numbers per call. */
  batchSize: number;
}

export const PROVIDER_DEFAULTS: Readonly<Record<Provider, ProviderDefaults>> = {
  // 3 req/s per key (SDK and third-party notes); 40 numbers per call (error -18010014).
  '17track': { baseUrl: 'https://api.17track.net', rateLimit: { requestsPerSecond: 3 }, batchSize: 40 },
  // 2025-01 limits are per endpoint (GET /trackings 6/s, POST 20/s); 5/s stays under all of them.
  aftership: { baseUrl: 'https://api.aftership.com', rateLimit: { requestsPerSecond: 5 }, batchSize: 50 },
  // The default USPS product quota is hourly; raise this to the quota USPS grants you.
  usps: { baseUrl: 'https://apis.usps.com', rateLimit: { requestsPerSecond: 1 }, batchSize: 1 },
  // UPS publishes no rate; 5/s is a polite default.
  ups: { baseUrl: 'https://onlinetools.ups.com', rateLimit: { requestsPerSecond: 5 }, batchSize: 1 },
  // 1,400 per 10 s per project; up to 30 numbers per call.
  fedex: { baseUrl: 'https://apis.fedex.com', rateLimit: { requestsPerSecond: 100 }, batchSize: 30 },
  // Starter tier: 1 call per second (and 250 a day).
  dhl: { baseUrl: 'https://api-eu.dhl.com', rateLimit: { requestsPerSecond: 1 }, batchSize: 1 },
  // 50 QPS per API per (app, shop).
  tiktok: { baseUrl: 'https://open-api.tiktokglobalshop.com', rateLimit: { requestsPerSecond: 40 }, batchSize: 1 },
};

/** The options with a registry: a client's transports must share one, even when none was given. */
export function withRegistry<T extends ClientCommonOptions>(options: T): T & { registry: CarrierClientRegistry } {
  return { ...options, registry: options.registry ?? new CarrierClientRegistry() };
}

/** Builds a transport for one client: its key's bucket, the provider's bucket and circuit. */
export function transportFor(
  provider: Provider,
  apiKey: string,
  options: ClientCommonOptions & { registry: CarrierClientRegistry },
  extra: Pick<ProviderTransportOptions, 'answerStatuses' | 'inspect' | 'onUnauthorized'> = {},
): ProviderTransport {
  const registry = options.registry;
  const buckets = [registry.bucket(`${provider}:${apiKey}`, options.rateLimit ?? PROVIDER_DEFAULTS[provider].rateLimit)];
  if (options.providerRateLimit) buckets.push(registry.bucket(provider, options.providerRateLimit));
  return createProviderTransport({
    provider,
    limiter: new RateLimiterSet(buckets),
    breaker: registry.breaker(provider, options.circuitBreaker),
    timeoutMs: options.timeoutMs ?? 15_000,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...extra,
  });
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Distinct, trimmed numbers in first-seen order (a repeated number is asked for once). */
export function uniqueNumbers(numbers: readonly string[]): string[] {
  return [...new Set(numbers.map((n) => n.trim()).filter((n) => n !== ''))];
}

/**
 * Runs one call per batch concurrently (the limiter paces them) and turns each failure into
 * an outcome, so a bad batch never hides the others' answers.
 */
export async function trackInBatches(
  provider: Provider,
  numbers: readonly string[],
  batchSize: number,
  call: (batch: string[]) => Promise<ProviderResponse>,
): Promise<TrackOutcome[]> {
  const batches = chunk(uniqueNumbers(numbers), batchSize);
  return Promise.all(
    batches.map(async (batch): Promise<TrackOutcome> => {
      try {
        return { ok: true, numbers: batch, response: await call(batch) };
      } catch (err) {
        const error = err instanceof CarrierClientError ? err : new CarrierClientError('network', true, String(err), { provider, cause: err });
        return { ok: false, numbers: batch, error };
      }
    }),
  );
}
