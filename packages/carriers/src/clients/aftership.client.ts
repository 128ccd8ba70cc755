import { CarrierClientError } from './client.errors.js';
import type { ProviderResponse } from './provider-transport.js';
import {
  PROVIDER_DEFAULTS,
  trackInBatches,
  transportFor,
  withRegistry,
  type ClientCommonOptions,
  type TrackingClient,
  type TrackOptions,
  type TrackOutcome,
} from './tracking-client.js';

export interface AfterShipClientOptions extends ClientCommonOptions {
  /** Sent as `as-api-key` (the legacy `aftership-api-key` is refused from 2023-10 on). */
  apiKey: string;
  version?: '2025-01';
  /** Create trackings for numbers the list does not return, then list them again. Default true. */
  autoCreate?: boolean;
}

export interface AfterShipClient extends TrackingClient {
  /** POST /trackings. Resolves to null when the tracking already exists (4003). */
  create(trackingNumber: string, details?: { slug?: string; orderId?: string }, options?: TrackOptions): Promise<ProviderResponse | null>;
}

function listedNumbers(response: ProviderResponse): Set<string> {
  const trackings = (response.body as { data?: { trackings?: unknown } } | null)?.data?.trackings;
  if (!Array.isArray(trackings)) return new Set();
  return new Set(trackings.map((t: { tracking_number?: unknown }) => t?.tracking_number).filter((n): n is string => typeof n === 'string'));
}

/** AfterShip Tracking 2025-01: list trackings by number (50 per call), creating the missing ones. */
export function createAfterShipClient(options: AfterShipClientOptions): AfterShipClient {
  const defaults = PROVIDER_DEFAULTS.aftership;
  const base = `${options.baseUrl ?? defaults.baseUrl}/tracking/${options.version ?? '2025-01'}`;
  const transport = transportFor('aftership', options.apiKey, withRegistry(options));
  const headers = { 'as-api-key': options.apiKey, 'content-type': 'application/json' };

  const list = (numbers: readonly string[], signal?: AbortSignal) =>
    trackInBatches('aftership', numbers, defaults.batchSize, (batch) =>
      transport.send(
        () => ({ method: 'GET', url: `${base}/trackings?${new URLSearchParams({ tracking_numbers: batch.join(','), limit: String(batch.length) })}`, headers }),
        signal,
      ),
    );

  const create: AfterShipClient['create'] = async (trackingNumber, details = {}, createOptions = {}) => {
    const body = { tracking_number: trackingNumber, ...(details.slug ? { slug: details.slug } : {}), ...(details.orderId ? { order_id: details.orderId } : {}) };
    try {
      return await transport.send(() => ({ method: 'POST', url: `${base}/trackings`, headers, body: JSON.stringify(body) }), createOptions.signal);
    } catch (err) {
      const code = err instanceof CarrierClientError ? (err.body as { meta?: { code?: unknown } } | undefined)?.meta?.code : undefined;
      if (code === 4003) return null;
      throw err;
    }
  };

  return {
    provider: 'aftership',
    create,
    async track(numbers, trackOptions = {}) {
      const { signal } = trackOptions;
      const outcomes = await list(numbers, signal);
      if (options.autoCreate === false) return outcomes;
      const missing = outcomes.flatMap((outcome) => {
        if (!outcome.ok) return [];
        const listed = listedNumbers(outcome.response);
        return outcome.numbers.filter((n) => !listed.has(n));
      });
      if (missing.length === 0) return outcomes;
      const created: string[] = [];
      const failed: TrackOutcome[] = [];
      await Promise.all(
        missing.map(async (number) => {
          try {
            await create(number, {}, trackOptions);
            created.push(number);
          } catch (err) {
            if (err instanceof CarrierClientError) failed.push({ ok: false, numbers: [number], error: err });
            else throw err;
          }
        }),
      );
      const relisted = await list(created, signal);
      const moved = new Set(missing);
      const kept = outcomes
        .map((outcome) => ({ ...outcome, numbers: outcome.numbers.filter((n) => !moved.has(n)) }) as TrackOutcome)
        .filter((outcome) => outcome.numbers.length > 0);
      return [...kept, ...failed, ...relisted];
    },
  };
}
