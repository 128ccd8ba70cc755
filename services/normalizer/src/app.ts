import type { Logger } from '@parcelwatch/logger';
import type { Clock, Service } from '@parcelwatch/service-kit';

/** Everything the normalizer service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface NormalizerDeps {
  logger: Logger;
  clock: Clock;
}

/**
 * Turns tracking snapshots into normalized checkpoints and shipment events.
 * Skeleton for now: it starts, reports health and stops; the handlers come next.
 */
export function createNormalizerService(deps: NormalizerDeps): Service {
  const logger = deps.logger.child({ component: 'normalizer' });
  let running = false;
  return {
    name: 'normalizer',
    async start() {
      running = true;
      logger.info({ at: deps.clock.now().toISO() }, 'normalizer started');
    },
    async stop() {
      running = false;
      logger.info('normalizer stopped');
    },
    isHealthy: () => running,
  };
}
