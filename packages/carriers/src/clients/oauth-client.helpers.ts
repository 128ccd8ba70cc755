import type { Provider } from '@parcelwatch/contracts';
import type { CarrierClientRegistry } from './client-registry.js';
import { OAuthTokenSource } from './oauth-token.source.js';
import type { HttpRequest, ProviderTransport, ProviderTransportOptions } from './provider-transport.js';
import { transportFor, type ClientCommonOptions } from './tracking-client.js';

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * The transports of a client-credentials provider (USPS, UPS, FedEx): token requests and
 * tracking requests share the client's rate bucket and the provider's circuit; a 401 on a
 * tracking call drops the cached token and tries once more with a fresh one.
 */
export function oauthTransports(
  provider: Provider,
  credentials: OAuthClientCredentials,
  options: ClientCommonOptions & { registry: CarrierClientRegistry },
  tokenRequest: () => HttpRequest,
  extra: Pick<ProviderTransportOptions, 'answerStatuses' | 'inspect'> = {},
): { tokens: OAuthTokenSource; transport: ProviderTransport } {
  const tokenTransport = transportFor(provider, credentials.clientId, options);
  const tokens = new OAuthTokenSource({ provider, requestToken: (signal) => tokenTransport.send(tokenRequest, signal) });
  const transport = transportFor(provider, credentials.clientId, options, {
    ...extra,
    onUnauthorized: () => {
      tokens.invalidate();
      return true;
    },
  });
  return { tokens, transport };
}

export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
