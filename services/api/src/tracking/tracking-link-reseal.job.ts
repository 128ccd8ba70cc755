import type { Kysely } from 'kysely';
import { listTrackingLinkTokens, replaceTrackingLinkToken, type Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import { openTrackingToken, storedTrackingToken, trackingTokenNeedsReseal, type SecretBox } from '@parcelwatch/secrets';
import { createPeriodicJob, systemClock, type Clock, type Service } from '@parcelwatch/service-kit';

export interface TrackingResealRound {
  sealed: number;
  unreadable: number;
}

/**
 * Seals live tracking tokens kept in clear (written without a key) and those sealed under the
 * previous key, a page at a time. The token itself never changes, so every link already sent
 * keeps working; only how it is kept does.
 */
export async function resealTrackingTokens(db: Kysely<Database>, box: SecretBox, pageSize = 500): Promise<TrackingResealRound> {
  const round: TrackingResealRound = { sealed: 0, unreadable: 0 };
  let afterId: string | null = null;
  for (;;) {
    const page = await listTrackingLinkTokens(db, { afterId, limit: pageSize });
    for (const link of page) {
      if (!trackingTokenNeedsReseal(box, link.token)) continue;
      const token = openTrackingToken(box, link.shipmentId, link.token);
      if (token === null) {
        round.unreadable += 1;
        continue;
      }
      if (await replaceTrackingLinkToken(db, link.id, { expected: link.token, token: storedTrackingToken(box, link.shipmentId, token) })) round.sealed += 1;
    }
    if (page.length < pageSize) return round;
    afterId = page.at(-1)!.id;
  }
}

/** At start and every 10 minutes, as the carrier accounts' reseal (a key rotation finishes by itself). */
export function createTrackingLinkResealJob(deps: { db: Kysely<Database>; secrets: SecretBox; logger: Logger; loopClock?: Clock; intervalMs?: number }): Service {
  const logger = deps.logger.child({ component: 'tracking-link-reseal' });
  return createPeriodicJob({
    name: 'tracking-link-reseal',
    logger,
    clock: deps.loopClock ?? systemClock,
    intervalMs: deps.intervalMs ?? 600_000,
    immediately: true,
    round: () => resealTrackingTokens(deps.db, deps.secrets),
    onSuccess: (round) => {
      if (round.sealed > 0) logger.info(round, 'tracking page tokens sealed under the current key');
      if (round.unreadable > 0) logger.warn(round, 'tracking page tokens sealed under a key that is neither current nor previous: revoke and issue those links again');
    },
    failureMessage: 'tracking token reseal round failed; the next round tries again',
  });
}
