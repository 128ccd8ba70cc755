import type { Logger } from '@parcelwatch/logger';
import type { Clock, Service } from '@parcelwatch/service-kit';

/** Everything the carrier-sandbox service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface CarrierSandboxDeps {
  logger: Logger;
  clock: Clock;
}

/**
 * Local simulator of the carrier and aggregator tracking APIs (dev, tests, demo).
 * Skeleton for now: it starts, reports health and stops; the handlers come next.
 */
export function createCarrierSandboxService(deps: CarrierSandboxDeps): Service {
  const logger = deps.logger.child({ component: 'carrier-sandbox' });
  let running = false;
  return {
    name: 'carrier-sandbox',
    async start() {
      running = true;
      logger.info({ at: deps.clock.now().toISO() }, 'carrier-sandbox started');
    },
    async stop() {
      running = false;
      logger.info('carrier-sandbox stopped');
    },
    isHealthy: () => running,
  };
}
