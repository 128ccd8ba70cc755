import type { Kysely } from 'kysely';
import { drainCarrierPerformanceRollup, type Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import { createPeriodicJob, systemClock, type Clock, type Service } from '@parcelwatch/service-kit';

export interface PerformanceRollupDeps {
  db: Kysely<Database>;
  logger: Logger;
  /** Wall time between rounds (default 15 s). The report is exact whatever the lag: it reads still-stale pairs from shipments. */
  intervalMs?: number;
  /** The loop's clock; default the system clock, so an accelerated demo clock does not spin it. */
  clock?: Clock;
}

/**
 * Keeps the carrier performance rollup (packages/db report-rollup.repository.ts) up to date:
 * every interval it re-aggregates the (merchant, day) pairs that triggers marked stale. One job
 * at a time per database (advisory lock), so every api instance may run it.
 */
export function createPerformanceRollupJob(deps: PerformanceRollupDeps): Service {
  const logger = deps.logger.child({ component: 'performance-rollup' });
  return createPeriodicJob({
    name: 'performance-rollup',
    logger,
    clock: deps.clock ?? systemClock,
    intervalMs: deps.intervalMs ?? 15_000,
    immediately: true,
    round: () => drainCarrierPerformanceRollup(deps.db),
    onSuccess: (round) => {
      if (round.pairs > 0) logger.debug(round, 'carrier performance rolled up');
    },
    failureMessage: 'carrier performance rollup failed',
  });
}
