import { countPollProblems, type Database } from '@parcelwatch/db';
import { METRIC_PREFIX } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { Counter, Gauge, type Registry } from 'prom-client';

/** What the poller shows on /metrics beside the process figures. */
export interface PollerMetrics {
  /** Claimed shipments set aside because their provider has no account, by provider. */
  noAccount: Counter<'provider'>;
  /** Numbers sent to 17TRACK's stoptrack once final, by outcome (stopped, failed). */
  stopTracking: Counter<'outcome'>;
  /** A provider's own quota counters, by account ('environment' or the merchant id). */
  quota: Gauge<'provider' | 'account' | 'figure'>;
}

export function createPollerMetrics(registry: Registry, db: Kysely<Database>): PollerMetrics {
  new Gauge({
    name: `${METRIC_PREFIX}poller_shipments_without_account`,
    help: 'Active shipments the poller cannot poll, by provider and problem (no carrier account, or one it cannot open)',
    labelNames: ['provider', 'problem'] as const,
    registers: [registry],
    // Read at scrape time from the shipments themselves, so every poller instance reports the same truth.
    async collect() {
      this.reset();
      for (const row of await countPollProblems(db)) this.set({ provider: row.provider, problem: row.problem }, row.count);
    },
  });
  return {
    noAccount: new Counter({
      name: `${METRIC_PREFIX}poller_no_account_total`,
      help: 'Claimed shipments not polled because their provider has no carrier account, by provider',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
    stopTracking: new Counter({
      name: `${METRIC_PREFIX}poller_stop_tracking_total`,
      help: 'Final shipments whose number was sent to 17TRACK stoptrack, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    quota: new Gauge({
      name: `${METRIC_PREFIX}poller_carrier_quota`,
      help: "The provider's quota counters (17TRACK getquota: total, used, remain, today_used, max_track_daily), by account",
      labelNames: ['provider', 'account', 'figure'] as const,
      registers: [registry],
    }),
  };
}
