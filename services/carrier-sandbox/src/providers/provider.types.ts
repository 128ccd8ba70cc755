import type { Provider } from '@parcelwatch/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../sandbox.context.js';

/** A status, body and headers in one provider's error shape. */
export interface ProviderReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type GatewayFailure = 'rate_limited' | 'unavailable' | 'server_error';

/** Everything the sandbox knows about one provider's wire format. */
export interface ProviderDefinition {
  provider: Provider;
  /**
   * The caller's identity for rate limits and stats (API key, OAuth client id, app key), and
   * the provider's auth error when the credentials are missing or wrong.
   */
  identify(request: FastifyRequest, ctx: SandboxContext): { key: string; error?: ProviderReply };
  /** The provider's answer to overload and outages. `retryAfterSeconds` null: no Retry-After. */
  failure(kind: GatewayFailure, retryAfterSeconds: number | null): ProviderReply;
  routes(app: FastifyInstance, ctx: SandboxContext): void;
}

/** Fastify route config that ties a route to its provider (read by the gate hooks). */
export function providerRoute(provider: Provider): { config: { provider: Provider } } {
  return { config: { provider } };
}

export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
