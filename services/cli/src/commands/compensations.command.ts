import { RetryError, retryFailedCompensation } from '@parcelwatch/compensation';
import { systemClock } from '@parcelwatch/service-kit';
import { UsageError } from './carriers.command.js';
import { CLI_ACTOR, withDb, type Output } from './command-db.js';
import { UUID } from './keys.command.js';

/*
 * `parcelwatch compensations retry <id>` on DATABASE_URL (or the embedded PGlite): sends a failed
 * payout back to execution, as POST /compensations/:id/retry does, audited as actor `cli`. The
 * running compensation service pays it on its next round, with the same idempotency key.
 */
export async function compensationsRetryCommand(id: string | undefined, out: Output = process.stdout): Promise<number> {
  if (id === undefined || !UUID.test(id)) throw new UsageError(`compensations retry needs a compensation id (a lowercase UUID)${id === undefined ? '' : `, got '${id}'`}`);
  return withDb(async (db) => {
    try {
      const row = await retryFailedCompensation({ db, clock: systemClock }, { compensationId: id, actor: CLI_ACTOR, merchantIds: null });
      out.write(`compensation ${row.id} is approved again: paid on the next execution round (same idempotency key)\n`);
      return 0;
    } catch (err) {
      if (err instanceof RetryError) throw new UsageError(err.message);
      throw err;
    }
  });
}
