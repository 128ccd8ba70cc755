import type { Logger } from '@parcelwatch/logger';
import type { Clock, Service } from '@parcelwatch/service-kit';

/** Everything the api service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface ApiDeps {
  logger: Logger;
  clock: Clock;
}

/**
 * HTTP front door: shipment registration, carrier webhooks, ops reports, approvals, proof downloads.
 * Skeleton for now: it starts, reports health and stops; the handlers come next.
 */
export function createApiService(deps: ApiDeps): Service {
  const logger = deps.logger.child({ component: 'api' });
  let running = false;
  return {
    name: 'api',
    async start() {
      running = true;
      logger.info({ at: deps.clock.now().toISO() }, 'api started');
    },
    async stop() {
      running = false;
      logger.info('api stopped');
    },
    isHealthy: () => running,
  };
}
