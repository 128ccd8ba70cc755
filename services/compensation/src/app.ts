import type { Logger } from '@parcelwatch/logger';
import type { Clock, Service } from '@parcelwatch/service-kit';

/** Everything the compensation service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface CompensationDeps {
  logger: Logger;
  clock: Clock;
}

/**
 * Decides tiered delay compensation, routes approvals and executes them.
 * Skeleton for now: it starts, reports health and stops; the handlers come next.
 */
export function createCompensationService(deps: CompensationDeps): Service {
  const logger = deps.logger.child({ component: 'compensation' });
  let running = false;
  return {
    name: 'compensation',
    async start() {
      running = true;
      logger.info({ at: deps.clock.now().toISO() }, 'compensation started');
    },
    async stop() {
      running = false;
      logger.info('compensation stopped');
    },
    isHealthy: () => running,
  };
}
