import type { Logger } from '@parcelwatch/logger';
import type { Clock, Service } from '@parcelwatch/service-kit';

/** Everything the archiver service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface ArchiverDeps {
  logger: Logger;
  clock: Clock;
}

/**
 * Writes proof bundles (shipment, delivery, appeal) to the archive.
 * Skeleton for now: it starts, reports health and stops; the handlers come next.
 */
export function createArchiverService(deps: ArchiverDeps): Service {
  const logger = deps.logger.child({ component: 'archiver' });
  let running = false;
  return {
    name: 'archiver',
    async start() {
      running = true;
      logger.info({ at: deps.clock.now().toISO() }, 'archiver started');
    },
    async stop() {
      running = false;
      logger.info('archiver stopped');
    },
    isHealthy: () => running,
  };
}
