import type { Logger } from '@parcelwatch/logger';
import type { Clock, Service } from '@parcelwatch/service-kit';

/** Everything the poller service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface PollerDeps {
  logger: Logger;
  clock: Clock;
}

/**
 * Polls carriers for due shipments and publishes tracking snapshots.
 * Skeleton for now: it starts, reports health and stops; the handlers come next.
 */
export function createPollerService(deps: PollerDeps): Service {
  const logger = deps.logger.child({ component: 'poller' });
  let running = false;
  return {
    name: 'poller',
    async start() {
      running = true;
      logger.info({ at: deps.clock.now().toISO() }, 'poller started');
    },
    async stop() {
      running = false;
      logger.info('poller stopped');
    },
    isHealthy: () => running,
  };
}
