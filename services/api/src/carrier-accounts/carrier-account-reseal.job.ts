import type { Logger } from '@parcelwatch/logger';
import { createPeriodicJob, systemClock, type Clock, type Service } from '@parcelwatch/service-kit';
import { resealCarrierAccounts, type CarrierAccountDeps } from './carrier-account.keeper.js';

/**
 * Finishes a key rotation: at start and every 10 minutes, carrier accounts sealed under the
 * previous key are sealed again under the current one (packages/secrets/README.md).
 */
export function createCarrierAccountResealJob(deps: CarrierAccountDeps & { logger: Logger; loopClock?: Clock; intervalMs?: number }): Service {
  const logger = deps.logger.child({ component: 'carrier-account-reseal' });
  return createPeriodicJob({
    name: 'carrier-account-reseal',
    logger,
    clock: deps.loopClock ?? systemClock,
    intervalMs: deps.intervalMs ?? 600_000,
    immediately: true,
    round: () => resealCarrierAccounts(deps),
    onSuccess: (round) => {
      if (round.resealed > 0) logger.info(round, 'secrets resealed under the current key');
      if (round.unreadable > 0) logger.warn(round, 'carrier accounts sealed under a key that is neither current nor previous: their merchants must enter them again');
    },
    failureMessage: 'reseal round failed; the next round tries again',
  });
}
