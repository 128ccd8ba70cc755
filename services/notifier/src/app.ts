import type { Logger } from '@parcelwatch/logger';
import type { Clock, Service } from '@parcelwatch/service-kit';

/** Everything the notifier service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface NotifierDeps {
  logger: Logger;
  clock: Clock;
}

/**
 * Tells buyers about milestones, exceptions and delays on every channel.
 * Skeleton for now: it starts, reports health and stops; the handlers come next.
 */
export function createNotifierService(deps: NotifierDeps): Service {
  const logger = deps.logger.child({ component: 'notifier' });
  let running = false;
  return {
    name: 'notifier',
    async start() {
      running = true;
      logger.info({ at: deps.clock.now().toISO() }, 'notifier started');
    },
    async stop() {
      running = false;
      logger.info('notifier stopped');
    },
    isHealthy: () => running,
  };
}
