import type { Provider } from '@parcelwatch/contracts';
import {
  CarrierClientRegistry,
  carrierAccountsFromSettings,
  carrierUrls,
  createAccountClient,
  createAfterShipClient,
  createDhlClient,
  createFedexClient,
  createSeventeenTrackClient,
  createTikTokShopClient,
  createUpsClient,
  createUspsClient,
  type AccountClient,
  type CarrierCredentials,
  type ClientCommonOptions,
  type RateSpec,
} from '@parcelwatch/carriers';
import type { PollerConfig } from './config.js';

/**
 * One tracking client per provider the poller may call. The aggregators also register numbers:
 * 17TRACK with `register` (40 per call), AfterShip with `create` (one per call). Every client of a
 * process shares one CarrierClientRegistry, so rate limits and circuits are per process.
 */
export type PollerClient = AccountClient;
export type PollerClients = Partial<Record<Provider, PollerClient>>;

/**
 * The clients of the accounts the configuration holds, each at its provider's URL (the
 * production host unless CARRIER_<P>_URL says otherwise), plus TikTok Shop order tracking when
 * the marketplace is configured. A provider without an account gets no client.
 */
export function createPollerClients(config: PollerConfig, options: { registry?: CarrierClientRegistry; nowSeconds?: () => number } = {}): PollerClients {
  const registry = options.registry ?? new CarrierClientRegistry();
  const rateLimit = rateLimitOf(config);
  const accountClient = accountClientFactory(config, registry);
  const clients: PollerClients = {};
  for (const account of carrierAccountsFromSettings(config)) clients[account.provider] = accountClient(account);
  const { MARKETPLACE_APP_KEY: appKey, MARKETPLACE_APP_SECRET: appSecret, MARKETPLACE_ACCESS_TOKEN: accessToken, MARKETPLACE_SHOP_CIPHER: shopCipher } = config;
  if (appKey !== undefined && appSecret !== undefined && accessToken !== undefined && shopCipher !== undefined) {
    clients.tiktok = createTikTokShopClient({
      baseUrl: config.MARKETPLACE_URL,
      appKey,
      appSecret,
      accessToken,
      shopCipher,
      registry,
      ...(rateLimit ? { rateLimit } : {}),
      ...(options.nowSeconds ? { nowSeconds: options.nowSeconds } : {}),
    });
  }
  return clients;
}

const rateLimitOf = (config: PollerConfig): RateSpec | undefined =>
  config.POLLER_REQUESTS_PER_SECOND === undefined ? undefined : { requestsPerSecond: config.POLLER_REQUESTS_PER_SECOND };

/** The client of any account (the environment's or a merchant's) at its provider's configured URL, sharing `registry`. */
export function accountClientFactory(config: PollerConfig, registry: CarrierClientRegistry): (credentials: CarrierCredentials) => PollerClient {
  const urls = carrierUrls(config);
  const rateLimit = rateLimitOf(config);
  return (credentials) => createAccountClient(credentials, { baseUrl: urls[credentials.provider], registry, ...(rateLimit ? { rateLimit } : {}) });
}

export interface SandboxClientsOptions extends Omit<ClientCommonOptions, 'registry'> {
  /** The carrier sandbox's URL (`sandbox.url`). */
  baseUrl: string;
  registry?: CarrierClientRegistry;
  /** Any non-empty key works against a sandbox without configured credentials. */
  apiKey?: string;
}

/**
 * For tests and benchmarks that tune the clients (retries, circuit): every provider the sandbox
 * speaks that needs no per-merchant setup, at the sandbox's URL.
 */
export function createSandboxPollerClients(options: SandboxClientsOptions): PollerClients {
  const { apiKey = 'sandbox-key', registry = new CarrierClientRegistry(), ...common } = options;
  const shared = { ...common, registry };
  const oauth = { clientId: 'sandbox-client', clientSecret: 'sandbox-secret' };
  return {
    '17track': createSeventeenTrackClient({ ...shared, apiKey }),
    aftership: createAfterShipClient({ ...shared, apiKey }),
    fedex: createFedexClient({ ...shared, ...oauth }),
    ups: createUpsClient({ ...shared, ...oauth }),
    usps: createUspsClient({ ...shared, ...oauth }),
    dhl: createDhlClient({ ...shared, apiKey }),
  };
}
