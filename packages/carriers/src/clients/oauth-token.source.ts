import type { ProviderResponse } from './provider-transport.js';
import { AuthenticationError, MalformedResponseError } from './client.errors.js';
import type { Provider } from '@parcelwatch/contracts';

export interface OAuthToken {
  accessToken: string;
  /** Monotonic ms after which the token must not be used. */
  expiresAt: number;
}

export interface OAuthTokenSourceOptions {
  provider: Provider;
  /** Calls the provider's token endpoint (through the same limiter, breaker and retries). */
  requestToken: (signal?: AbortSignal) => Promise<ProviderResponse>;
  /** Refresh this long before expiry, so a token never expires in flight. Default 60 s (capped at 10% of the lifetime). */
  refreshMarginMs?: number;
  now?: () => number;
}

/**
 * A client-credentials token cached until shortly before it expires. Concurrent callers share
 * one token request; `invalidate()` (on a 401) forces the next caller to fetch a new one.
 */
export class OAuthTokenSource {
  private token: OAuthToken | null = null;
  private pending: Promise<OAuthToken> | null = null;
  private readonly now: () => number;
  /** Token requests made so far (for tests and metrics). */
  requests = 0;

  constructor(private readonly options: OAuthTokenSourceOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  async accessToken(signal?: AbortSignal): Promise<string> {
    if (this.token && this.now() < this.token.expiresAt) return this.token.accessToken;
    this.pending ??= this.fetchToken(signal).finally(() => {
      this.pending = null;
    });
    return (await this.pending).accessToken;
  }

  invalidate(): void {
    this.token = null;
  }

  private async fetchToken(signal?: AbortSignal): Promise<OAuthToken> {
    this.requests += 1;
    const response = await this.options.requestToken(signal);
    const body = (response.body ?? {}) as Record<string, unknown>;
    const accessToken = body.access_token;
    // USPS and UPS send expires_in as a string, FedEx as a number.
    const expiresIn = Number(body.expires_in);
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new AuthenticationError('token endpoint answered without an access_token', { provider: this.options.provider, status: response.status });
    }
    if (!Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new MalformedResponseError({ provider: this.options.provider, status: response.status, body: { expires_in: body.expires_in } });
    }
    const lifetimeMs = expiresIn * 1000;
    const margin = Math.min(this.options.refreshMarginMs ?? 60_000, lifetimeMs * 0.1);
    this.token = { accessToken, expiresAt: this.now() + lifetimeMs - margin };
    return this.token;
  }
}
