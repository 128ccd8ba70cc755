import type { Provider } from '@parcelwatch/contracts';
import {
  CarrierClientRegistry,
  createAfterShipClient,
  createDhlClient,
  createFedexClient,
  createSeventeenTrackClient,
  createUpsClient,
  createUspsClient,
  type AfterShipClient,
  type ClientCommonOptions,
  type SeventeenTrackClient,
  type TrackingClient,
} from '@parcelwatch/carriers';

/**
 * One tracking client per provider the poller may call. The aggregators also register numbers:
 * 17TRACK with `register` (40 per call), AfterShip with `create` (one per call). Give every
 * client the same CarrierClientRegistry so rate limits and circuits are per process.
 */
export type PollerClient = TrackingClient & Partial<Pick<SeventeenTrackClient, 'register'>> & Partial<Pick<AfterShipClient, 'create'>>;
export type PollerClients = Partial<Record<Provider, PollerClient>>;

export interface SandboxClientsOptions extends Omit<ClientCommonOptions, 'registry'> {
  /** The carrier sandbox's URL (`sandbox.url`). */
  baseUrl: string;
  registry?: CarrierClientRegistry;
  /** Any non-empty key works against a sandbox without configured credentials. */
  apiKey?: string;
}

/**
 * Clients for every provider the sandbox speaks that needs no per-merchant setup (TikTok Shop
 * needs a shop's token and cipher, so it is left out): the embedded stack's and tests' wiring.
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
