import type { Kysely } from 'kysely';
import { drainCarrierPerformanceRollup, type Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import { startRoundLoop, systemClock, type Clock, type RoundLoop, type Service } from '@parcelwatch/service-kit';

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
  let loop: RoundLoop | null = null;
  let failing = false;
  return {
    name: 'performance-rollup',
    async start() {
      if (loop !== null) return;
      loop = startRoundLoop({
        clock: deps.clock ?? systemClock,
        intervalMs: deps.intervalMs ?? 15_000,
        immediately: true,
        round: () => drainCarrierPerformanceRollup(deps.db),
        onSuccess: (round) => {
          failing = false;
          if (round.pairs > 0) logger.debug(round, 'carrier performance rolled up');
        },
        onError: (err) => {
          failing = true;
          logger.error({ err }, 'carrier performance rollup failed');
        },
      });
    },
    async stop() {
      const running = loop;
      loop = null;
      await running?.stop();
    },
    isHealthy: () => loop !== null && !failing,
  };
}
