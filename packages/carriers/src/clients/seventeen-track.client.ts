import { CarrierClientError } from './client.errors.js';
import type { ProviderResponse } from './provider-transport.js';
import { PROVIDER_DEFAULTS, trackInBatches, transportFor, withRegistry, type ClientCommonOptions, type TrackingClient, type TrackOptions, type TrackOutcome } from './tracking-client.js';

export interface SeventeenTrackClientOptions extends ClientCommonOptions {
  /** The account's security key, sent as the `17token` header. */
  apiKey: string;
  /** API version in the path; v2.4 by default. */
  version?: 'v2.4' | 'v2.2';
  /**
   * Register numbers that gettrackinfo reports as not registered (-18019902), then ask again
   * (registration costs quota). Default true.
   */
  autoRegister?: boolean;
}

const NOT_REGISTERED = -18019902;

export interface SeventeenTrackClient extends TrackingClient {
  /** POST register for numbers, 40 per call. Already-registered numbers come back in `rejected` (-18019901). */
  register(numbers: readonly string[], options?: TrackOptions): Promise<TrackOutcome[]>;
  /**
   * POST stoptrack for numbers that need no more tracking (final), 40 per call. 17TRACK keeps
   * tracking a registered number until told or until it expires; a stopped one can be retracked once.
   */
  stop(numbers: readonly string[], options?: TrackOptions): Promise<TrackOutcome[]>;
  /** POST getquota: the account's quota counters (throws a CarrierClientError when the call fails). */
  quota(options?: TrackOptions): Promise<SeventeenTrackQuota>;
}

/** getquota's `data` (17TRACK names), numbers only. */
export interface SeventeenTrackQuota {
  quotaTotal: number;
  quotaUsed: number;
  quotaRemain: number;
  todayUsed: number;
  maxTrackDaily: number;
}

function readQuota(response: ProviderResponse): SeventeenTrackQuota {
  const body = response.body as { code?: unknown; data?: Record<string, unknown> } | null;
  const data = body?.data;
  const number = (name: string) => (typeof data?.[name] === 'number' ? (data[name] as number) : Number.NaN);
  const quota = { quotaTotal: number('quota_total'), quotaUsed: number('quota_used'), quotaRemain: number('quota_remain'), todayUsed: number('today_used'), maxTrackDaily: number('max_track_daily') };
  if (body?.code !== 0 || Object.values(quota).some((value) => !Number.isFinite(value))) {
    throw new CarrierClientError('malformed_response', false, 'getquota answered without quota figures', { provider: '17track', status: response.status, body: response.body });
  }
  return quota;
}

/** Numbers the answer rejected with `code` (17TRACK reports per-number errors inside a 200). */
function rejectedWith(response: ProviderResponse, code: number): string[] {
  const rejected = (response.body as { data?: { rejected?: unknown } } | null)?.data?.rejected;
  if (!Array.isArray(rejected)) return [];
  return rejected
    .filter((item): item is { number: string; error?: { code?: unknown } } => typeof item?.number === 'string' && item?.error?.code === code)
    .map((item) => item.number);
}

export function createSeventeenTrackClient(options: SeventeenTrackClientOptions): SeventeenTrackClient {
  const defaults = PROVIDER_DEFAULTS['17track'];
  const base = `${options.baseUrl ?? defaults.baseUrl}/track/${options.version ?? 'v2.4'}`;
  const transport = transportFor('17track', options.apiKey, withRegistry(options));
  const headers = { '17token': options.apiKey, 'content-type': 'application/json' };
  const post = (endpoint: string, batch: string[], signal?: AbortSignal) =>
    transport.send(() => ({ method: 'POST', url: `${base}/${endpoint}`, headers, body: JSON.stringify(batch.map((number) => ({ number }))) }), signal);

  const register = (numbers: readonly string[], trackOptions: TrackOptions = {}) =>
    trackInBatches('17track', numbers, defaults.batchSize, (batch) => post('register', batch, trackOptions.signal));

  return {
    provider: '17track',
    register,
    stop: (numbers, trackOptions = {}) => trackInBatches('17track', numbers, defaults.batchSize, (batch) => post('stoptrack', batch, trackOptions.signal)),
    async quota(trackOptions = {}) {
      const response = await transport.send(() => ({ method: 'POST', url: `${base}/getquota`, headers, body: '[]' }), trackOptions.signal);
      return readQuota(response);
    },
    async track(numbers, trackOptions = {}) {
      const { signal } = trackOptions;
      const outcomes = await trackInBatches('17track', numbers, defaults.batchSize, (batch) => post('gettrackinfo', batch, signal));
      if (options.autoRegister === false) return outcomes;
      const unregistered = outcomes.flatMap((outcome) => (outcome.ok ? rejectedWith(outcome.response, NOT_REGISTERED) : []));
      if (unregistered.length === 0) return outcomes;
      const registered = await register(unregistered, trackOptions);
      const failed = registered.filter((outcome) => !outcome.ok);
      const retried = await trackInBatches(
        '17track',
        registered.flatMap((outcome) => (outcome.ok ? outcome.numbers : [])),
        defaults.batchSize,
        (batch) => post('gettrackinfo', batch, signal),
      );
      // A number answered "not registered" is reported by its retry (or its failed registration) only.
      const moved = new Set(unregistered);
      const kept = outcomes
        .map((outcome) => ({ ...outcome, numbers: outcome.numbers.filter((n) => !moved.has(n)) }) as TrackOutcome)
        .filter((outcome) => outcome.numbers.length > 0);
      return [...kept, ...failed, ...retried];
    },
  };
}
