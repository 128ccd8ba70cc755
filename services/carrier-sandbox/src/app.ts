import type { Provider } from '@parcelwatch/contracts';
import type { Logger } from '@parcelwatch/logger';
import type { Clock, Service } from '@parcelwatch/service-kit';
import type { FastifyInstance } from 'fastify';
import { TokenIssuer, type SandboxCredentials } from './auth/credentials.js';
import { createFaultInjector, type FaultInjector } from './faults/fault-injector.js';
import type { FaultsInput } from './faults/fault.settings.js';
import { createJourneyStore, type JourneyStore } from './journeys/journey.store.js';
import { DEFAULT_JOURNEY_RATES, type JourneyRates } from './journeys/journey.types.js';
import { SandboxMarketplace } from './marketplace/sandbox-marketplace.js';
import { SANDBOX_PROVIDERS } from './providers/index.js';
import { createSandboxContext, type SandboxContext } from './sandbox.context.js';
import { buildSandboxServer } from './sandbox.server.js';
import { RequestStats, type RateLimit } from './stats/request-stats.js';
import { createWebhookDispatcher, type WebhookDispatcher, type WebhookTargets } from './webhooks/webhook-dispatcher.js';

/**
 * What the sandbox enforces per API key unless told otherwise: the providers' documented
 * per-second limits where they publish one (17TRACK 3/s, AfterShip 10/s, FedEx 1,400 per
 * 10 s, DHL 1/s, TikTok Shop 50/s); USPS (an hourly quota) and UPS (unpublished) get 10/s.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<Provider, RateLimit>> = {
  '17track': { limit: 3, windowMs: 1_000 },
  aftership: { limit: 10, windowMs: 1_000 },
  usps: { limit: 10, windowMs: 1_000 },
  ups: { limit: 10, windowMs: 1_000 },
  fedex: { limit: 1_400, windowMs: 10_000 },
  dhl: { limit: 1, windowMs: 1_000 },
  tiktok: { limit: 50, windowMs: 1_000 },
};

export interface CarrierSandboxOptions {
  /** Same seed, same journeys (and the same random fault draws for the same requests). */
  seed?: number;
  host?: string;
  /** 0 (the default) picks a free port; read it from `service.url` after start(). */
  port?: number;
  journeyRates?: Partial<JourneyRates>;
  faults?: FaultsInput;
  /** Per-provider limits per API key; null turns a provider's limit off. */
  rateLimits?: Partial<Record<Provider, RateLimit | null>>;
  credentials?: SandboxCredentials;
  /** Lifetime of OAuth tokens (USPS, UPS, FedEx), real seconds. */
  tokenTtlSeconds?: number;
  webhooks?: WebhookTargets;
  /** Push webhooks every this many real ms while running; off when absent. */
  webhookIntervalMs?: number;
}

/** Everything the carrier-sandbox service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface CarrierSandboxDeps {
  logger: Logger;
  clock: Clock;
  options?: CarrierSandboxOptions;
}

export interface CarrierSandbox {
  app: FastifyInstance;
  ctx: SandboxContext;
  journeys: JourneyStore;
  faults: FaultInjector;
  stats: RequestStats;
  tokens: TokenIssuer;
  webhooks: WebhookDispatcher;
  /** TikTok Shop's seller side: register orders, stall answers, read the ledger of payouts and messages. */
  marketplace: SandboxMarketplace;
}

/** The sandbox without a listener: tests drive it with `app.inject()`. */
export function createCarrierSandbox(deps: CarrierSandboxDeps): CarrierSandbox {
  const options = deps.options ?? {};
  const seed = options.seed ?? 1;
  const rateLimits: Partial<Record<Provider, RateLimit | null>> = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const journeys = createJourneyStore({ seed, rates: { ...DEFAULT_JOURNEY_RATES, ...options.journeyRates }, now: () => deps.clock.now() });
  const faults = createFaultInjector(seed, options.faults);
  const stats = new RequestStats(rateLimits);
  const tokens = new TokenIssuer(options.tokenTtlSeconds ?? 3_600);
  const marketplace = new SandboxMarketplace({ store: journeys, clock: deps.clock });
  const ctx = createSandboxContext({
    logger: deps.logger,
    clock: deps.clock,
    store: journeys,
    faults,
    stats,
    tokens,
    credentials: options.credentials ?? {},
    marketplace,
  });
  const webhooks = createWebhookDispatcher(ctx, options.webhooks);
  const app = buildSandboxServer({ ctx, providers: SANDBOX_PROVIDERS, webhooks });
  return { app, ctx, journeys, faults, stats, tokens, webhooks, marketplace };
}

export interface CarrierSandboxService extends Service, Omit<CarrierSandbox, 'app' | 'ctx'> {
  /** Base URL of the provider APIs, e.g. http://127.0.0.1:41234; throws before start(). */
  readonly url: string;
}

/**
 * Local simulator of the carrier and aggregator tracking APIs (dev, tests, demo): the
 * providers' wire formats on loopback, backed by seeded journeys that follow the clock.
 */
export function createCarrierSandboxService(deps: CarrierSandboxDeps): CarrierSandboxService {
  const logger = deps.logger.child({ component: 'carrier-sandbox' });
  const sandbox = createCarrierSandbox({ ...deps, logger });
  const options = deps.options ?? {};
  let url: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  return {
    name: 'carrier-sandbox',
    journeys: sandbox.journeys,
    faults: sandbox.faults,
    stats: sandbox.stats,
    tokens: sandbox.tokens,
    webhooks: sandbox.webhooks,
    marketplace: sandbox.marketplace,
    get url() {
      if (url === null) throw new Error('carrier-sandbox is not listening; call start() first');
      return url;
    },
    async start() {
      const host = options.host ?? '127.0.0.1';
      await sandbox.app.listen({ host, port: options.port ?? 0 });
      const address = sandbox.app.server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      url = `http://${host}:${port}`;
      if (options.webhookIntervalMs) {
        timer = setInterval(() => {
          sandbox.webhooks.flush().catch((err: unknown) => logger.warn({ err }, 'webhook flush failed'));
        }, options.webhookIntervalMs);
        timer.unref();
      }
      logger.info({ url, seed: options.seed ?? 1, at: deps.clock.now().toISO() }, 'carrier-sandbox started');
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (url !== null) await sandbox.app.close();
      url = null;
      logger.info('carrier-sandbox stopped');
    },
    isHealthy: () => url !== null,
  };
}
