import { currencyCodeSchema } from '@parcelwatch/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SandboxContext } from '../sandbox.context.js';

const ordersSchema = z.object({
  orders: z
    .array(
      z.object({
        orderId: z.string().trim().min(1),
        value: z.object({ amountMinor: z.int().positive(), currency: currencyCodeSchema }).optional(),
        buyerUserId: z.string().trim().min(1).optional(),
        trackingNumber: z.string().trim().min(1).optional(),
      }),
    )
    .min(1)
    .max(10_000),
});

const stallsSchema = z.object({ count: z.int().min(0).max(1_000), ms: z.int().min(0).max(600_000) });

class BadRequest extends Error {
  readonly statusCode = 400;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new BadRequest(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
  return parsed.data;
}

/** /sandbox/marketplace*: the TikTok Shop seller side's ledger, its orders and its stalls. */
export function registerMarketplaceControlRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const market = ctx.marketplace;

  app.get('/sandbox/marketplace', async (request) => {
    const orderId = (request.query as { orderId?: string }).orderId;
    return market.ledger.report(orderId ? { orderId } : {});
  });
  // Remedy requests per idempotency key: how often each payout was asked for and applied.
  app.get('/sandbox/marketplace/keys', async () => ({ keys: market.ledger.keyCounts() }));
  app.delete('/sandbox/marketplace', async (_request, reply) => {
    market.ledger.reset();
    return reply.code(204).send();
  });

  app.put('/sandbox/marketplace/orders', async (request) => {
    const { orders } = parse(ordersSchema, request.body);
    const unknown = orders.filter((order) => order.trackingNumber !== undefined && !ctx.store.get(order.trackingNumber));
    if (unknown.length > 0) throw new BadRequest(`unknown tracking numbers: ${unknown.map((order) => order.trackingNumber).join(', ')}`);
    market.registerOrders(orders);
    return { orders: orders.map((order) => market.describeOrder(order.orderId)) };
  });
  app.get('/sandbox/marketplace/orders/:orderId', async (request, reply) => {
    const order = market.describeOrder((request.params as { orderId: string }).orderId);
    if (!order) return reply.code(404).send({ error: 'unknown order' });
    return order;
  });

  app.put('/sandbox/marketplace/stalls', async (request) => {
    const { count, ms } = parse(stallsSchema, request.body);
    market.stallAnswers(count, ms);
    return { count, ms };
  });
}
