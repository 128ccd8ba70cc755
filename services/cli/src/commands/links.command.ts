import { issueTrackingLink, revokeTrackingLinkOf } from '@parcelwatch/api';
import { parseEnv } from '@parcelwatch/config';
import { secretBoxOf, secretKeySettingsSchema } from '@parcelwatch/secrets';
import { systemClock } from '@parcelwatch/service-kit';
import { UsageError } from './carriers.command.js';
import { CLI_ACTOR, withDb, type Output } from './command-db.js';
import { UUID } from './keys.command.js';

/*
 * `parcelwatch links revoke <shipment-id>` and `links issue <shipment-id>` on DATABASE_URL (or the
 * embedded PGlite): what DELETE and POST /v1/shipments/:id/tracking-link do, audited as actor
 * `cli`. A revoked link's page answers 404 at once; an issued one is printed under
 * TRACKING_PAGE_BASE_URL (else PUBLIC_URL).
 */

function shipmentIdOf(id: string | undefined, verb: string): string {
  if (id === undefined || !UUID.test(id)) throw new UsageError(`links ${verb} needs a shipment id (a lowercase UUID)${id === undefined ? '' : `, got '${id}'`}`);
  return id;
}

export async function linksRevokeCommand(id: string | undefined, out: Output = process.stdout): Promise<number> {
  const shipmentId = shipmentIdOf(id, 'revoke');
  return withDb(async (db) => {
    const outcome = await revokeTrackingLinkOf({ db, clock: systemClock }, { shipmentId, actor: CLI_ACTOR });
    if (outcome === 'no_shipment') throw new UsageError(`no shipment ${shipmentId}`);
    out.write(outcome === 'revoked' ? `revoked the tracking link of shipment ${shipmentId}: its page answers 404 from now on\n` : `shipment ${shipmentId} has no live tracking link\n`);
    return 0;
  });
}

export async function linksIssueCommand(id: string | undefined, out: Output = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const shipmentId = shipmentIdOf(id, 'issue');
  const base = env['TRACKING_PAGE_BASE_URL'] ?? env['PUBLIC_URL'];
  if (base === undefined || base.trim() === '') throw new UsageError('links issue needs TRACKING_PAGE_BASE_URL (or PUBLIC_URL): the address buyers reach the pages at');
  return withDb(async (db) => {
    const view = await issueTrackingLink({ db, clock: systemClock, secrets: secretBoxOf(parseEnv(secretKeySettingsSchema, env)), baseUrl: () => base }, { shipmentId, actor: CLI_ACTOR });
    if (view === undefined) throw new UsageError(`no shipment ${shipmentId}`);
    out.write(view.url === null ? `shipment ${shipmentId}: its link is sealed under a key this command does not have (set PARCELWATCH_SECRET_KEY)\n` : `${view.url}\n`);
    return 0;
  });
}
