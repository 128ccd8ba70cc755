import type { Kysely } from 'kysely';
import { appendAudit, eraseBuyerPersonalData, type Database } from '@parcelwatch/db';
import type { Clock } from '@parcelwatch/service-kit';
import type { MailCopies } from './mail-copies.js';

/*
 * A buyer's erasure, the same from DELETE /v1/buyers/:id and `parcelwatch buyers erase`: their
 * personal data blanked wherever the database keeps it, messages not yet sent stopped, and the
 * kept mail copies deleted. The audit entry says who and when, and counts; never the PII.
 * Repeating it is harmless (and finishes a run whose file deletion failed).
 */
export interface BuyerErasureDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** Where mail copies are kept (MAIL_COPY_DIR); none when mail goes to a real relay. */
  mailCopies?: MailCopies | null;
}

export interface BuyerErasureView {
  buyerId: string;
  merchantId: string;
  purgedAt: string;
  shipments: number;
  contacts: number;
  notificationsStopped: number;
  mailCopiesDeleted: number;
}

/** Undefined when the buyer does not exist in `scope` (null: every merchant). */
export async function eraseBuyer(deps: BuyerErasureDeps, input: { buyerId: string; scope: readonly string[] | null; actor: string }): Promise<BuyerErasureView | undefined> {
  const at = deps.clock.now().toJSDate();
  const erased = await deps.db.transaction().execute(async (trx) => {
    const result = await eraseBuyerPersonalData(trx, { buyerId: input.buyerId, scope: input.scope, at });
    if (result === undefined) return undefined;
    await appendAudit(trx, {
      at,
      actor: input.actor,
      action: 'buyer.erased',
      targetType: 'buyer',
      targetId: result.buyerId,
      merchantId: result.merchantId,
      details: { shipments: result.shipments, contacts: result.contacts, notificationsStopped: result.notificationsStopped },
    });
    return result;
  });
  if (erased === undefined) return undefined;
  // After the commit: a copy deleted for an erasure that then rolled back would be lost evidence.
  const mailCopiesDeleted = (await deps.mailCopies?.deleteForNotifications(erased.notificationIds)) ?? 0;
  return {
    buyerId: erased.buyerId,
    merchantId: erased.merchantId,
    purgedAt: erased.purgedAt.toISOString(),
    shipments: erased.shipments,
    contacts: erased.contacts,
    notificationsStopped: erased.notificationsStopped,
    mailCopiesDeleted,
  };
}
