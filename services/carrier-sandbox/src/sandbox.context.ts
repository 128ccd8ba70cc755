import type { Provider } from '@parcelwatch/contracts';
import type { Logger } from '@parcelwatch/logger';
import type { Clock } from '@parcelwatch/service-kit';
import type { SandboxCredentials, TokenIssuer } from './auth/credentials.js';
import type { FaultInjector } from './faults/fault-injector.js';
import type { Journey, JourneyEvent } from './journeys/journey.types.js';
import type { JourneyStore } from './journeys/journey.store.js';
import type { SandboxMarketplace } from './marketplace/sandbox-marketplace.js';
import type { RequestStats } from './stats/request-stats.js';

/** A tracking a client subscribed to (17TRACK register, AfterShip create), for webhooks. */
export interface Subscription {
  provider: '17track' | 'aftership';
  trackingNumber: string;
  /** The key that registered it (17TRACK signs pushes with the account's key). */
  apiKey: string;
  /** AfterShip's tracking id. */
  id: string;
  createdAt: string;
  /** How many checkpoints the last successful push carried. */
  pushedEvents: number;
  /** 17TRACK: when stoptrack stopped it (a stopped number is not stopped again). */
  stoppedAt?: string;
}

/** What the provider routes share: the journeys, the fault plan, counters, credentials and the marketplace. */
export interface SandboxContext {
  logger: Logger;
  clock: Clock;
  store: JourneyStore;
  faults: FaultInjector;
  stats: RequestStats;
  tokens: TokenIssuer;
  credentials: SandboxCredentials;
  subscriptions: Map<string, Subscription>;
  /** The TikTok Shop seller side: orders, remedies, buyer messages and their ledger. */
  marketplace: SandboxMarketplace;
  /**
   * The checkpoints `provider` shows for `journey` now: the visible ones with this run's
   * faults applied. Each call is a poll (later polls may reword checkpoints).
   */
  checkpoints(provider: Provider, journey: Journey): JourneyEvent[];
}

export function subscriptionKey(provider: Subscription['provider'], trackingNumber: string): string {
  return `${provider}:${trackingNumber}`;
}

export function createSandboxContext(parts: Omit<SandboxContext, 'checkpoints' | 'subscriptions'>): SandboxContext {
  const polls = new Map<string, number>();
  return {
    ...parts,
    subscriptions: new Map(),
    checkpoints(provider, journey) {
      const pollKey = `${provider}:${journey.trackingNumber}`;
      const poll = (polls.get(pollKey) ?? 0) + 1;
      polls.set(pollKey, poll);
      const visible = parts.store.visibleEvents(journey, parts.clock.now());
      return parts.faults.present(provider, journey.trackingNumber, visible, poll);
    },
  };
}
