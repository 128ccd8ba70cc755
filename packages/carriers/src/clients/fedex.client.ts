import { randomUUID } from 'node:crypto';
import { formBody, oauthTransports, type OAuthClientCredentials } from './oauth-client.helpers.js';
import type { OAuthTokenSource } from './oauth-token.source.js';
import { PROVIDER_DEFAULTS, trackInBatches, withRegistry, type ClientCommonOptions, type TrackingClient } from './tracking-client.js';

export interface FedexClientOptions extends ClientCommonOptions, OAuthClientCredentials {}

export interface FedexClient extends TrackingClient {
  readonly tokens: OAuthTokenSource;
}

/**
 * FedEx Track API v1: OAuth (form client credentials, ~1 h tokens), then POST up to 30
 * numbers per call with detailed scans. Per-number "not found" errors come inside the 200.
 */
export function createFedexClient(options: FedexClientOptions): FedexClient {
  const resolved = withRegistry(options);
  const defaults = PROVIDER_DEFAULTS.fedex;
  const base = options.baseUrl ?? defaults.baseUrl;
  const { tokens, transport } = oauthTransports('fedex', options, resolved, () => ({
    method: 'POST',
    url: `${base}/oauth/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody({ grant_type: 'client_credentials', client_id: options.clientId, client_secret: options.clientSecret }),
  }));
  return {
    provider: 'fedex',
    tokens,
    track(numbers, trackOptions = {}) {
      const { signal } = trackOptions;
      return trackInBatches('fedex', numbers, defaults.batchSize, (batch) =>
        transport.send(
          async () => ({
            method: 'POST',
            url: `${base}/track/v1/trackingnumbers`,
            headers: {
              authorization: `Bearer ${await tokens.accessToken(signal)}`,
              'content-type': 'application/json',
              'x-locale': 'en_US',
              'x-customer-transaction-id': randomUUID(),
            },
            body: JSON.stringify({ includeDetailedScans: true, trackingInfo: batch.map((trackingNumber) => ({ trackingNumberInfo: { trackingNumber } })) }),
          }),
          signal,
        ),
      );
    },
  };
}
