import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf, merchantScope } from '@parcelwatch/access';
import { eraseBuyer, type BuyerErasureDeps } from './buyer-erasure.js';

const idParams = z.object({ id: z.uuid() });

/**
 * DELETE /v1/buyers/:id: erases a buyer's personal data (an admin of the buyer's merchant; the
 * route policy says who, the scope which buyers). 404 for an unknown buyer or another merchant's.
 */
export function registerBuyerRoutes(app: FastifyInstance, deps: BuyerErasureDeps): void {
  app.delete('/v1/buyers/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.code(400).send({ error: 'invalid_request', message: 'the buyer id must be a UUID' });
    const erased = await eraseBuyer(deps, { buyerId: params.data.id, scope: merchantScope(request), actor: actorOf(request) });
    if (erased === undefined) return reply.code(404).send({ error: 'not_found', message: `no buyer ${params.data.id}` });
    return reply.send(erased);
  });
}
