import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf, canAccessMerchant, recordAudit } from '@parcelwatch/access';
import { findShipmentMerchant } from '@parcelwatch/db';
import type { Clock } from '@parcelwatch/service-kit';
import { issueLink, revokeLink, trackingLinkView, type TrackingLinkDeps } from './tracking-links.js';

const paramsSchema = z.object({ id: z.uuid() });

/**
 * GET /v1/shipments/:id/tracking-link: the buyer page's URL (ops resend it); DELETE revokes it
 * (the page answers 404 from then on, messages carry no link); POST issues a new one where none
 * is live. Another merchant's shipment is 404, as everywhere.
 */
export function registerTrackingLinkRoutes(app: FastifyInstance, deps: TrackingLinkDeps & { clock: Clock }): void {
  const shipmentOf = async (params: unknown) => {
    const parsed = paramsSchema.safeParse(params);
    return parsed.success ? findShipmentMerchant(deps.db, parsed.data.id.toLowerCase()) : undefined;
  };
  const notFound = { error: 'not_found', message: 'no such shipment' };

  app.get('/v1/shipments/:id/tracking-link', async (request, reply) => {
    const shipment = await shipmentOf(request.params);
    if (shipment === undefined || !canAccessMerchant(request, shipment.merchantId)) return reply.code(404).send(notFound);
    return { shipmentId: shipment.id, ...(await trackingLinkView(deps, shipment.id)) };
  });

  app.delete('/v1/shipments/:id/tracking-link', async (request, reply) => {
    const shipment = await shipmentOf(request.params);
    if (shipment === undefined || !canAccessMerchant(request, shipment.merchantId)) return reply.code(404).send(notFound);
    const revoked = await revokeLink(deps, shipment.id, deps.clock.now().toJSDate(), actorOf(request));
    if (revoked) await recordAudit(request, { action: 'tracking_link.revoked', targetType: 'shipment', targetId: shipment.id, merchantId: shipment.merchantId });
    return { shipmentId: shipment.id, revoked };
  });

  app.post('/v1/shipments/:id/tracking-link', async (request, reply) => {
    const shipment = await shipmentOf(request.params);
    if (shipment === undefined || !canAccessMerchant(request, shipment.merchantId)) return reply.code(404).send(notFound);
    const view = await issueLink(deps, shipment, deps.clock.now().toJSDate());
    await recordAudit(request, { action: 'tracking_link.issued', targetType: 'shipment', targetId: shipment.id, merchantId: shipment.merchantId });
    return reply.code(201).send({ shipmentId: shipment.id, ...view });
  });
}
