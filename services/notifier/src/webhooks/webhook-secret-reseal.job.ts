import type { Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import type { SecretBox } from '@parcelwatch/secrets';
import { createPeriodicJob, systemClock, type Clock, type Service } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { resealWebhookSecrets } from './webhook-secret.store.js';

/**
 * At start and every 10 minutes: signing secrets still in clear (written before sealing, or
 * without a key) are sealed, and those under the previous key move to the current one.
 */
export function createWebhookSecretResealJob(deps: { db: Kysely<Database>; secrets: SecretBox; logger: Logger; loopClock?: Clock; intervalMs?: number }): Service {
  const logger = deps.logger.child({ component: 'webhook-secret-reseal' });
  return createPeriodicJob({
    name: 'webhook-secret-reseal',
    logger,
    clock: deps.loopClock ?? systemClock,
    intervalMs: deps.intervalMs ?? 600_000,
    immediately: true,
    round: () => resealWebhookSecrets(deps.db, deps.secrets),
    onSuccess: (round) => {
      if (round.sealed + round.resealed > 0) logger.info(round, 'merchant webhook signing secrets sealed under the current key');
      if (round.unreadable > 0) logger.warn(round, 'merchant webhook signing secrets sealed under a key that is neither current nor previous: rotate them');
    },
    failureMessage: 'webhook secret reseal round failed; the next round tries again',
  });
}
