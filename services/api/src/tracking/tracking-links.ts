import type { Kysely } from 'kysely';
import { newId } from '@parcelwatch/contracts';
import { appendAudit, findLiveTrackingLinks, findShipmentMerchant, insertTrackingLinks, revokeTrackingLink, type Database, type NewTrackingLink } from '@parcelwatch/db';
import type { Clock } from '@parcelwatch/service-kit';
import { newTrackingToken, openTrackingToken, storedTrackingToken, trackingPageUrl, trackingTokenHash, type SecretBox } from '@parcelwatch/secrets';

/** A fresh link for each shipment: a new random token, stored sealed (or clear without a key) and by hash. */
export function newTrackingLinks(shipments: readonly { id: string; merchantId: string }[], box: SecretBox | null, at: Date): NewTrackingLink[] {
  return shipments.map((shipment) => {
    const token = newTrackingToken();
    return { id: newId(at.getTime()), shipmentId: shipment.id, merchantId: shipment.merchantId, tokenHash: trackingTokenHash(token), token: storedTrackingToken(box, shipment.id, token), createdAt: at };
  });
}

export interface TrackingLinkDeps {
  db: Kysely<Database>;
  secrets: SecretBox | null;
  /** The public base the page is reached under (TRACKING_PAGE_BASE_URL, else PUBLIC_URL, else the api's address). */
  baseUrl: () => string;
}

export interface TrackingLinkView {
  url: string | null;
  /** Why there is no URL: none issued (revoked), or sealed under a key this api does not hold. */
  problem: 'revoked' | 'unreadable' | null;
  createdAt: string | null;
}

/** The tracking links of a set of shipments, as URLs; a shipment without a live (or readable) link has none. */
export async function trackingUrls(deps: TrackingLinkDeps, shipmentIds: readonly string[]): Promise<Map<string, string>> {
  const links = await findLiveTrackingLinks(deps.db, shipmentIds);
  const urls = new Map<string, string>();
  for (const [shipmentId, link] of links) {
    const token = openTrackingToken(deps.secrets, shipmentId, link.token);
    if (token !== null) urls.set(shipmentId, trackingPageUrl(deps.baseUrl(), token));
  }
  return urls;
}

export async function trackingLinkView(deps: TrackingLinkDeps, shipmentId: string): Promise<TrackingLinkView> {
  const link = (await findLiveTrackingLinks(deps.db, [shipmentId])).get(shipmentId);
  if (link === undefined) return { url: null, problem: 'revoked', createdAt: null };
  const token = openTrackingToken(deps.secrets, shipmentId, link.token);
  return { url: token === null ? null : trackingPageUrl(deps.baseUrl(), token), problem: token === null ? 'unreadable' : null, createdAt: link.createdAt.toISOString() };
}

/** Revokes the live link (the page answers 404 from now on); false when there was none. */
export function revokeLink(deps: TrackingLinkDeps, shipmentId: string, at: Date, actor: string): Promise<boolean> {
  return revokeTrackingLink(deps.db, shipmentId, at, actor);
}

/** Issues a new link where the shipment has no live one (after a revocation); idempotent. */
export async function issueLink(deps: TrackingLinkDeps, shipment: { id: string; merchantId: string }, at: Date): Promise<TrackingLinkView> {
  await insertTrackingLinks(deps.db, newTrackingLinks([shipment], deps.secrets, at));
  return trackingLinkView(deps, shipment.id);
}

/** Revokes a shipment's link as an operator's command (audited); what DELETE /v1/shipments/:id/tracking-link does. */
export async function revokeTrackingLinkOf(deps: { db: Kysely<Database>; clock: Clock }, input: { shipmentId: string; actor: string }): Promise<'revoked' | 'none' | 'no_shipment'> {
  const shipment = await findShipmentMerchant(deps.db, input.shipmentId);
  if (shipment === undefined) return 'no_shipment';
  const at = deps.clock.now().toJSDate();
  if (!(await revokeTrackingLink(deps.db, shipment.id, at, input.actor))) return 'none';
  await appendAudit(deps.db, { at, actor: input.actor, action: 'tracking_link.revoked', targetType: 'shipment', targetId: shipment.id, merchantId: shipment.merchantId, details: {} });
  return 'revoked';
}

/** Issues a link where none is live, as an operator's command (audited); undefined for an unknown shipment. */
export async function issueTrackingLink(deps: TrackingLinkDeps & { clock: Clock }, input: { shipmentId: string; actor: string }): Promise<TrackingLinkView | undefined> {
  const shipment = await findShipmentMerchant(deps.db, input.shipmentId);
  if (shipment === undefined) return undefined;
  const at = deps.clock.now().toJSDate();
  const view = await issueLink(deps, shipment, at);
  await appendAudit(deps.db, { at, actor: input.actor, action: 'tracking_link.issued', targetType: 'shipment', targetId: shipment.id, merchantId: shipment.merchantId, details: {} });
  return view;
}
