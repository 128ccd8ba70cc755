import { setTimeout as wait } from 'node:timers/promises';
import { TOPIC } from '@parcelwatch/contracts';
import type { Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import { createMetricsRegistry, type Clock, type Service, type ServiceHost, type ServiceUnit } from '@parcelwatch/service-kit';
import { CarrierClientRegistry } from '@parcelwatch/carriers';
import { NO_SECRET_KEY_MESSAGE, secretBoxOf } from '@parcelwatch/secrets';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import { createClientDirectory, type ClientDirectory, type MerchantAccountOptions } from './carrier-account.directory.js';
import { DEFAULT_CADENCE, type CadencePolicy } from './domain/cadence.js';
import type { PollerConfig } from './config.js';
import { accountClientFactory, createPollerClients, type PollerClients } from './poller.clients.js';
import { createPollerMetrics } from './poller.metrics.js';
import { runPollRound } from './poll.round.js';
import { runQuotaRound } from './quota.round.js';
import { runRegistrationRound, type RoundContext } from './registration.round.js';

export interface PollerOptions {
  /** Real milliseconds between ticks when nothing was due. */
  idleIntervalMs: number;
  /** Shipments per claim (one claim is one round). */
  claimLimit: number;
  /** Rounds per tick at most, so one tick ends even when work keeps coming. */
  maxRoundsPerTick: number;
  /** Clock time a claim holds its shipments; a crashed poller's claims fall due after it. */
  leaseMs: number;
  cadence: CadencePolicy;
  topics: { trackingSnapshots: string };
  /** The CloudEvents `source` of the snapshots. */
  source: string;
  /** Clock time between two reads of each 17TRACK account's quota. */
  quotaIntervalMs: number;
}

export const DEFAULT_POLLER_OPTIONS: Readonly<PollerOptions> = {
  idleIntervalMs: 1_000,
  claimLimit: 200,
  maxRoundsPerTick: 20,
  leaseMs: 10 * 60_000,
  cadence: DEFAULT_CADENCE,
  topics: { trackingSnapshots: TOPIC.trackingSnapshots },
  source: 'parcelwatch/poller',
  quotaIntervalMs: 3_600_000,
};

/** Everything the poller service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface PollerDeps {
  logger: Logger;
  clock: Clock;
  db: Kysely<Database>;
  /**
   * One client per provider, sharing one CarrierClientRegistry (see createSandboxPollerClients),
   * or a factory called once at the first start()/tick(): the embedded stack knows the carrier
   * sandbox's URL only after the sandbox has started.
   */
  clients: PollerClients | (() => PollerClients);
  /**
   * Merchants' own accounts (kept sealed by the api), which take precedence over `clients`.
   * Without it only `clients` poll.
   */
  merchantAccounts?: Omit<MerchantAccountOptions, 'db'>;
  /** Where the poller's metrics go (served at /metrics); default a registry of its own. */
  registry?: Registry;
  options?: Partial<PollerOptions>;
}

export interface PollerTickReport {
  registered: number;
  registrationFailed: number;
  polled: number;
  snapshots: number;
  failed: number;
  stopped: number;
  /** Shipments set aside for want of a carrier account (registration and polling). */
  withoutAccount: number;
  /** Numbers 17TRACK was told to stop tracking. */
  stopTracked: number;
  /** 17TRACK accounts whose quota was read this tick. */
  quotaChecked: number;
  /** Shipment ids claimed for polling, per round, in order. */
  rounds: string[][];
}

export interface PollerService extends Service {
  /** Registers and polls everything due now (bounded by maxRoundsPerTick). The loop calls it; tests too. */
  tick(): Promise<PollerTickReport>;
}

/**
 * Registers new shipments with their provider and polls due ones, publishing each answer as a
 * tracking snapshot through the outbox. Several pollers may share one database: claims use
 * FOR UPDATE SKIP LOCKED and a lease on `next_poll_at`.
 */
export function createPollerService(deps: PollerDeps): PollerService {
  const logger = deps.logger.child({ component: 'poller' });
  const options: PollerOptions = { ...DEFAULT_POLLER_OPTIONS, ...deps.options };
  let controller = new AbortController();
  let loop: Promise<void> | null = null;
  let healthy = false;
  let directory: ClientDirectory | null = null;
  const resolveDirectory = (): ClientDirectory =>
    (directory ??= createClientDirectory(typeof deps.clients === 'function' ? deps.clients() : deps.clients, deps.merchantAccounts ? { db: deps.db, ...deps.merchantAccounts } : null));
  const metrics = createPollerMetrics(deps.registry ?? createMetricsRegistry({ service: 'poller', defaultMetrics: false }), deps.db);
  let quotaReadAt: number | null = null;

  const context = (): RoundContext => ({
    db: deps.db,
    accounts: resolveDirectory(),
    metrics,
    logger,
    now: () => deps.clock.now().toJSDate(),
    leaseMs: options.leaseMs,
    claimLimit: options.claimLimit,
    cadence: options.cadence,
    signal: controller.signal,
  });

  async function tick(): Promise<PollerTickReport> {
    const report: PollerTickReport = { registered: 0, registrationFailed: 0, polled: 0, snapshots: 0, failed: 0, stopped: 0, withoutAccount: 0, stopTracked: 0, quotaChecked: 0, rounds: [] };
    const ctx = context();
    const now = deps.clock.now().toMillis();
    if (quotaReadAt === null || now - quotaReadAt >= options.quotaIntervalMs) {
      quotaReadAt = now;
      report.quotaChecked = await runQuotaRound(ctx);
    }
    for (let round = 0; round < options.maxRoundsPerTick && !ctx.signal.aborted; round += 1) {
      const registration = await runRegistrationRound(ctx);
      report.registered += registration.registered;
      report.registrationFailed += registration.failed;
      report.withoutAccount += registration.withoutAccount;
      if (registration.claimed < options.claimLimit) break;
    }
    for (let round = 0; round < options.maxRoundsPerTick && !ctx.signal.aborted; round += 1) {
      const poll = await runPollRound({ ...ctx, topic: options.topics.trackingSnapshots, source: options.source });
      if (poll.claimed > 0) report.rounds.push(poll.polledIds);
      report.polled += poll.claimed;
      report.snapshots += poll.snapshots;
      report.failed += poll.failed;
      report.stopped += poll.stopped;
      report.withoutAccount += poll.withoutAccount;
      report.stopTracked += poll.stopTracked;
      if (poll.claimed < options.claimLimit) break;
    }
    return report;
  }

  async function run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let busy = false;
      try {
        const report = await tick();
        busy = report.polled + report.registered + report.registrationFailed >= options.claimLimit;
        if (report.polled > 0 || report.registered > 0) logger.debug({ ...report, rounds: report.rounds.length }, 'poller tick');
        healthy = true;
      } catch (err) {
        // The database may be away for a moment; claims are leased, so nothing is lost.
        healthy = false;
        logger.error({ err }, 'poller tick failed');
      }
      if (busy) continue;
      await wait(options.idleIntervalMs, undefined, { signal }).catch(() => undefined);
    }
  }

  return {
    name: 'poller',
    tick,
    async start() {
      if (loop) return;
      controller = new AbortController();
      healthy = true;
      loop = run(controller.signal);
      logger.info({ at: deps.clock.now().toISO(), environmentAccounts: resolveDirectory().environmentProviders, merchantAccounts: deps.merchantAccounts !== undefined }, 'poller started');
    },
    async stop() {
      if (!loop) return;
      controller.abort();
      await loop;
      loop = null;
      healthy = false;
      logger.info('poller stopped');
    },
    isHealthy: () => loop !== null && healthy,
  };
}

/**
 * The poller as a deployment runs it, from its configuration: the clients of the environment's
 * carrier accounts and of the merchants' own (opened with PARCELWATCH_SECRET_KEY), each at its
 * provider's URL. Its main.ts and `parcelwatch start` both call this.
 */
export function buildPoller(config: PollerConfig, host: ServiceHost, adapters: { db: Kysely<Database>; registry?: Registry }): ServiceUnit<PollerService> {
  const registry = new CarrierClientRegistry();
  const clients = createPollerClients(config, { registry, nowSeconds: () => host.clock.now().toSeconds() });
  const secrets = secretBoxOf(config);
  const providers = Object.keys(clients);
  if (providers.length > 0) host.logger.info({ providers }, 'carrier accounts configured in the environment');
  if (secrets === null) host.logger.warn(`merchants' carrier accounts cannot be opened: ${NO_SECRET_KEY_MESSAGE}`);
  if (providers.length === 0 && secrets === null) host.logger.warn('no carrier account can be used: shipments wait with "no carrier account for <provider>" until one is configured');
  const cadence = config.POLLER_CADENCE_HOURS === undefined ? undefined : { ...DEFAULT_CADENCE, ...config.POLLER_CADENCE_HOURS };
  return {
    service: createPollerService({
      logger: host.logger,
      clock: host.clock,
      db: adapters.db,
      clients,
      merchantAccounts: { secrets, createClient: accountClientFactory(config, registry) },
      ...(adapters.registry ? { registry: adapters.registry } : {}),
      ...(cadence ? { options: { cadence } } : {}),
    }),
  };
}
