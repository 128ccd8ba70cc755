import type { Provider } from '@parcelwatch/contracts';
import { z } from 'zod';
import { createAfterShipClient, type AfterShipClient } from './aftership.client.js';
import type { CarrierClientRegistry, RateSpec } from './client-registry.js';
import { createDhlClient } from './dhl.client.js';
import { createFedexClient } from './fedex.client.js';
import { createSeventeenTrackClient, type SeventeenTrackClient } from './seventeen-track.client.js';
import type { TrackingClient } from './tracking-client.js';
import { createUpsClient } from './ups.client.js';
import { createUspsClient } from './usps.client.js';

/** The tracking providers a seller holds an account with (TikTok Shop tracks through the marketplace's own credentials). */
export const ACCOUNT_PROVIDERS = ['17track', 'aftership', 'usps', 'ups', 'fedex', 'dhl'] as const;
export type AccountProvider = (typeof ACCOUNT_PROVIDERS)[number];

/** A provider's credentials: an API key (17TRACK, AfterShip, DHL) or OAuth client credentials (USPS, UPS, FedEx). */
export type CarrierCredentials =
  | { provider: '17track' | 'aftership' | 'dhl'; apiKey: string }
  | { provider: 'usps' | 'ups' | 'fedex'; clientId: string; clientSecret: string };

/**
 * A tracking client with what the poller may also ask of an aggregator: 17TRACK registers
 * numbers (40 per call) and stops tracking final ones; AfterShip creates trackings.
 */
export type AccountClient = TrackingClient & Partial<Pick<SeventeenTrackClient, 'register' | 'stop' | 'quota'>> & Partial<Pick<AfterShipClient, 'create'>>;

// Credentials are printable text without spaces: what a pasted key with a stray newline or a
// quote would break is refused here rather than at the provider.
const credential = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(8, `${what} must be at least 8 characters`)
    .max(512, `${what} must be at most 512 characters`)
    .regex(/^[\x21-\x7e]+$/, `${what} must be printable ASCII without spaces`);
const apiKeyAccount = <P extends '17track' | 'aftership' | 'dhl'>(provider: P) => z.strictObject({ provider: z.literal(provider), apiKey: credential('apiKey') });
const oauthAccount = <P extends 'usps' | 'ups' | 'fedex'>(provider: P) =>
  z.strictObject({ provider: z.literal(provider), clientId: credential('clientId'), clientSecret: credential('clientSecret') });

/** A provider's credentials as a seller enters them: an API key, or OAuth client credentials, by provider. */
export const carrierCredentialsSchema = z.discriminatedUnion('provider', [
  apiKeyAccount('17track'),
  apiKeyAccount('aftership'),
  apiKeyAccount('dhl'),
  oauthAccount('usps'),
  oauthAccount('ups'),
  oauthAccount('fedex'),
]);

/** What a sealed account is bound to (its authenticated data): a value copied to another row does not open. */
export const carrierAccountSealContext = (merchantId: string, provider: AccountProvider) => `carrier-account:${merchantId}:${provider}`;

/** At most the last four characters of the key or client id, so a seller can tell accounts apart. */
export function credentialsHint(credentials: CarrierCredentials): string {
  const visible = 'apiKey' in credentials ? credentials.apiKey : credentials.clientId;
  return visible.length >= 16 ? `…${visible.slice(-4)}` : '…';
}

export interface AccountClientOptions {
  /** The provider's base URL: its production host unless overridden (CARRIER_<P>_URL, the sandbox). */
  baseUrl: string;
  /** One per process, so every client of one key or provider shares its limiter and circuit. */
  registry: CarrierClientRegistry;
  /** Overrides the provider's documented per-key rate (a raised quota; the demo's local sandbox). */
  rateLimit?: RateSpec;
  now?: () => Date;
}

/** The tracking client of one account. */
export function createAccountClient(credentials: CarrierCredentials, options: AccountClientOptions): AccountClient {
  const common = { baseUrl: options.baseUrl, registry: options.registry, ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}), ...(options.now ? { now: options.now } : {}) };
  switch (credentials.provider) {
    case '17track':
      return createSeventeenTrackClient({ ...common, apiKey: credentials.apiKey });
    case 'aftership':
      return createAfterShipClient({ ...common, apiKey: credentials.apiKey });
    case 'dhl':
      return createDhlClient({ ...common, apiKey: credentials.apiKey });
    case 'usps':
      return createUspsClient({ ...common, clientId: credentials.clientId, clientSecret: credentials.clientSecret });
    case 'ups':
      return createUpsClient({ ...common, clientId: credentials.clientId, clientSecret: credentials.clientSecret });
    case 'fedex':
      return createFedexClient({ ...common, clientId: credentials.clientId, clientSecret: credentials.clientSecret });
  }
}

export const isAccountProvider = (provider: Provider | string): provider is AccountProvider => (ACCOUNT_PROVIDERS as readonly string[]).includes(provider);
