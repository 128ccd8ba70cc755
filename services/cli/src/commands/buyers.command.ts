import { eraseBuyer, mailCopiesIn } from '@parcelwatch/api';
import type { Env } from '@parcelwatch/config';
import { systemClock } from '@parcelwatch/service-kit';
import { UsageError } from './carriers.command.js';
import { CLI_ACTOR, withDb, type Output } from './command-db.js';
import { UUID } from './keys.command.js';

/*
 * `parcelwatch buyers erase <id>` on DATABASE_URL (or the embedded PGlite): the api's erasure
 * (services/api/src/buyers), so it blanks exactly what DELETE /v1/buyers/:id does, audited as
 * actor `cli`. Mail copies are deleted from MAIL_COPY_DIR, or, on the embedded database, from
 * where `parcelwatch start` keeps them (data/outbox/mail).
 */

const EMBEDDED_MAIL_COPIES = 'data/outbox/mail';

function mailCopyDir(env: Env): string | null {
  const configured = env['MAIL_COPY_DIR']?.trim();
  if (configured !== undefined && configured !== '') return configured;
  return env['DATABASE_URL'] === undefined || env['DATABASE_URL'].trim() === '' ? EMBEDDED_MAIL_COPIES : null;
}

export async function buyersEraseCommand(id: string | undefined, out: Output = process.stdout, env: Env = process.env): Promise<number> {
  if (id === undefined || !UUID.test(id)) throw new UsageError(`buyers erase needs a buyer id (a lowercase UUID)${id === undefined ? '' : `, got '${id}'`}`);
  const dir = mailCopyDir(env);
  return withDb(async (db) => {
    const erased = await eraseBuyer({ db, clock: systemClock, mailCopies: dir === null ? null : mailCopiesIn(dir) }, { buyerId: id, scope: null, actor: CLI_ACTOR });
    if (erased === undefined) throw new UsageError(`no buyer ${id}`);
    out.write(
      `erased buyer ${erased.buyerId} of merchant ${erased.merchantId} (purged at ${erased.purgedAt}): ${erased.contacts} contacts over ${erased.shipments} shipments blanked, ` +
        `${erased.notificationsStopped} unsent messages stopped, ${erased.mailCopiesDeleted} mail copies deleted\n`,
    );
    return 0;
  });
}
