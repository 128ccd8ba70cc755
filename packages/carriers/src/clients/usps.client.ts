import { formBody, oauthTransports, type OAuthClientCredentials } from './oauth-client.helpers.js';
import type { OAuthTokenSource } from './oauth-token.source.js';
import { PROVIDER_DEFAULTS, trackInBatches, withRegistry, type ClientCommonOptions, type TrackingClient } from './tracking-client.js';

export interface UspsClientOptions extends ClientCommonOptions, OAuthClientCredentials {}

export interface UspsClient extends TrackingClient {
  readonly tokens: OAuthTokenSource;
}

/**
 * USPS Tracking 3.0: OAuth client credentials, then GET one number at a time with
 * expand=DETAIL. A 400 ("status not yet available", 150001) or 404 is an answer for the mapper.
 */
export function createUspsClient(options: UspsClientOptions): UspsClient {
  const resolved = withRegistry(options);
  const base = options.baseUrl ?? PROVIDER_DEFAULTS.usps.baseUrl;
  const { tokens, transport } = oauthTransports(
    'usps',
    options,
    resolved,
    () => ({
      method: 'POST',
      url: `${base}/oauth2/v3/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody({ grant_type: 'client_credentials', client_id: options.clientId, client_secret: options.clientSecret, scope: 'tracking' }),
    }),
    { answerStatuses: [400, 404] },
  );
  return {
    provider: 'usps',
    tokens,
    track(numbers, trackOptions = {}) {
      const { signal } = trackOptions;
      return trackInBatches('usps', numbers, 1, ([number]) =>
        transport.send(
          async () => ({
            method: 'GET',
            url: `${base}/tracking/v3/tracking/${encodeURIComponent(number!)}?expand=DETAIL`,
            headers: { authorization: `Bearer ${await tokens.accessToken(signal)}`, accept: 'application/json' },
          }),
          signal,
        ),
      );
    },
  };
}
