export * from './client.errors.js';
export { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';
export { CarrierClientRegistry, RateLimiterSet, type RateSpec } from './client-registry.js';
export { OAuthTokenSource, type OAuthToken, type OAuthTokenSourceOptions } from './oauth-token.source.js';
export {
  createProviderTransport,
  DEFAULT_RETRY,
  type HttpRequest,
  type ProviderResponse,
  type ProviderTransport,
  type ProviderTransportOptions,
  type RetryPolicy,
} from './provider-transport.js';
export { retryAfterMs } from './retry-after.js';
export { TokenBucket, type TokenBucketOptions } from './token-bucket.js';
export {
  chunk,
  PROVIDER_DEFAULTS,
  type ClientCommonOptions,
  type ProviderDefaults,
  type TrackingClient,
  type TrackOptions,
  type TrackOutcome,
} from './tracking-client.js';
export { createSeventeenTrackClient, type SeventeenTrackClient, type SeventeenTrackClientOptions, type SeventeenTrackQuota } from './seventeen-track.client.js';
export { createAfterShipClient, type AfterShipClient, type AfterShipClientOptions } from './aftership.client.js';
export { createDhlClient, type DhlClientOptions } from './dhl.client.js';
export { createFedexClient, type FedexClient, type FedexClientOptions } from './fedex.client.js';
export { createTikTokShopClient, type TikTokShopClientOptions } from './tiktok-shop.client.js';
export { createUpsClient, type UpsClient, type UpsClientOptions } from './ups.client.js';
export { createUspsClient, type UspsClient, type UspsClientOptions } from './usps.client.js';
export type { OAuthClientCredentials } from './oauth-client.helpers.js';
export {
  ACCOUNT_PROVIDERS,
  carrierAccountSealContext,
  carrierCredentialsSchema,
  credentialsHint,
  createAccountClient, isAccountProvider, type AccountClient, type AccountClientOptions, type AccountProvider, type CarrierCredentials } from './carrier-accounts.js';
export { carrierAccountsFromSettings, carrierEnv, carrierRules, carrierUrls, type CarrierSettings } from './carrier-settings.js';
