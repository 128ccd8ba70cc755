export {
  createCarrierSandbox,
  createCarrierSandboxService,
  DEFAULT_RATE_LIMITS,
  type CarrierSandbox,
  type CarrierSandboxDeps,
  type CarrierSandboxOptions,
  type CarrierSandboxService,
} from './app.js';
export { TokenIssuer, type SandboxCredentials, type OAuthClient, type TikTokApp } from './auth/credentials.js';
export type { FaultSettings, FaultsInput, RequestFaultKind } from './faults/fault.settings.js';
export type { BatchOptions, JourneyStore, ShipmentInput } from './journeys/journey.store.js';
export type { Journey, JourneyEvent, JourneyEventKind, JourneyIncident, JourneyOutcome, JourneyRates, Lane } from './journeys/journey.types.js';
export { generateJourney, type JourneyRequest } from './journeys/journey.generator.js';
export { SandboxMarketplace, type MarketplaceScope } from './marketplace/sandbox-marketplace.js';
export { buyerUserIdFor, type MarketplaceOrderInput } from './marketplace/marketplace-orders.js';
export { LEDGER_LIMIT, type LedgerCount, type LedgerMessage, type LedgerPayout, type LedgerReport, type LedgerRequest, type LedgerRoute } from './marketplace/marketplace.ledger.js';
export type { RemedyKind } from './marketplace/remedy.request.js';
export type { ProviderStats, RateLimit, RequestLogEntry, StatsReport, WindowCounter } from './stats/request-stats.js';
export { RequestStats } from './stats/request-stats.js';
export type { WebhookDelivery, WebhookTargets } from './webhooks/webhook-dispatcher.js';
export { sandboxClientEnv, SANDBOX_SHOP } from './client-env.js';
