import { randomUUID } from 'node:crypto';
import { formBody, oauthTransports, type OAuthClientCredentials } from './oauth-client.helpers.js';
import type { OAuthTokenSource } from './oauth-token.source.js';
import { PROVIDER_DEFAULTS, trackInBatches, withRegistry, type ClientCommonOptions, type TrackingClient } from './tracking-client.js';

export interface UpsClientOptions extends ClientCommonOptions, OAuthClientCredentials {
  /** Sent as `transactionSrc`. */
  transactionSource?: string;
  locale?: string;
}

export interface UpsClient extends TrackingClient {
  readonly tokens: OAuthTokenSource;
}

/**
 * UPS Track API v1: OAuth (HTTP Basic client credentials), then GET details per number.
 * Not found is a 200 with warning TW0001; a malformed number a 400 TV1002: both go to the mapper.
 */
export function createUpsClient(options: UpsClientOptions): UpsClient {
  const resolved = withRegistry(options);
  const base = options.baseUrl ?? PROVIDER_DEFAULTS.ups.baseUrl;
  const basic = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');
  const { tokens, transport } = oauthTransports(
    'ups',
    options,
    resolved,
    () => ({
      method: 'POST',
      url: `${base}/security/v1/oauth/token`,
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody({ grant_type: 'client_credentials' }),
    }),
    { answerStatuses: [400, 404] },
  );
  const query = `locale=${encodeURIComponent(options.locale ?? 'en_US')}&returnSignature=false`;
  return {
    provider: 'ups',
    tokens,
    track(numbers, trackOptions = {}) {
      const { signal } = trackOptions;
      return trackInBatches('ups', numbers, 1, ([number]) =>
        transport.send(
          async () => ({
            method: 'GET',
            url: `${base}/api/track/v1/details/${encodeURIComponent(number!)}?${query}`,
            headers: {
              authorization: `Bearer ${await tokens.accessToken(signal)}`,
              transId: randomUUID(),
              transactionSrc: options.transactionSource ?? 'parcelwatch',
              accept: 'application/json',
            },
          }),
          signal,
        ),
      );
    },
  };
}
