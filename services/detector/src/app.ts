import type { Logger } from '@parcelwatch/logger';
import type { Clock, Service } from '@parcelwatch/service-kit';

/** Everything the detector service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface DetectorDeps {
  logger: Logger;
  clock: Clock;
}

/**
 * Detects stalls, customs holds and late parcels; opens exceptions and delay events.
 * Skeleton for now: it starts, reports health and stops; the handlers come next.
 */
export function createDetectorService(deps: DetectorDeps): Service {
  const logger = deps.logger.child({ component: 'detector' });
  let running = false;
  return {
    name: 'detector',
    async start() {
      running = true;
      logger.info({ at: deps.clock.now().toISO() }, 'detector started');
    },
    async stop() {
      running = false;
      logger.info('detector stopped');
    },
    isHealthy: () => running,
  };
}
