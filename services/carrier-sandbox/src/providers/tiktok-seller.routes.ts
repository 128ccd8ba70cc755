import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CODES, type Refusal } from '../marketplace/marketplace.codes.js';
import type { LedgerRoute } from '../marketplace/marketplace.ledger.js';
import { parseIdempotencyKey, parseRemedy, type RemedyKind } from '../marketplace/remedy.request.js';
import type { MarketplaceScope } from '../marketplace/sandbox-marketplace.js';
import type { SandboxContext } from '../sandbox.context.js';
import { providerRoute } from './provider.types.js';
import { tiktokError, tiktokSuccess } from './tiktok-shop.answers.js';

type Query = Record<string, string | string[] | undefined>;

/** What a handler decided, for the ledger's request log (the gate's refusals have none). */
interface Decision {
  outcome: string;
  orderId: string | null;
}

const MAX_ORDER_IDS = 50;

function scopeOf(request: FastifyRequest): MarketplaceScope {
  const query = request.query as Query;
  return { appKey: String(query['app_key'] ?? ''), shopCipher: String(query['shop_cipher'] ?? '') };
}

/** The order a request is about, as far as it says: path, body or `ids`. */
function orderIdOf(request: FastifyRequest): string | null {
  const fromPath = (request.params as { orderId?: string } | undefined)?.orderId;
  if (fromPath) return fromPath;
  const fromBody = (request.body as { order_id?: unknown } | undefined)?.order_id;
  if (typeof fromBody === 'string') return fromBody;
  const ids = (request.query as Query)['ids'];
  return typeof ids === 'string' && ids.length > 0 ? ids : null;
}

function codeOf(payload: unknown): number | null {
  if (typeof payload !== 'string') return null;
  try {
    const code = (JSON.parse(payload) as { code?: unknown }).code;
    return typeof code === 'number' ? code : null;
  } catch {
    return null;
  }
}

/**
 * TikTok Shop's seller APIs that parcelwatch calls: remedies (refund, coupon, replacement, each
 * applied once per idempotency key), order detail (the buyer's user_id) and Customer Service
 * conversations and TEXT messages. Each route sits behind the TikTok gate (signature, token,
 * shop cipher, rate limit, faults); every request lands in the marketplace ledger with its outcome.
 */
export function registerTikTokSellerRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const market = ctx.marketplace;
  const decisions = new WeakMap<FastifyRequest, Decision>();

  const options = (route: LedgerRoute) => ({
    ...providerRoute('tiktok'),
    onSend: async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const decision = decisions.get(request);
      const query = request.query as Query;
      const key = query['idempotency_key'];
      market.ledger.recordRequest({
        at: market.now(),
        method: request.method,
        path: request.url.split('?')[0]!,
        route,
        orderId: decision?.orderId ?? orderIdOf(request),
        idempotencyKey: typeof key === 'string' ? key : null,
        // No decision: the gate answered (auth, rate limit, injected fault) before the handler ran.
        outcome: decision?.outcome ?? `refused ${codeOf(payload) ?? `http_${reply.statusCode}`}`,
        status: reply.statusCode,
      });
      return payload;
    },
  });

  const refused = (request: FastifyRequest, reply: FastifyReply, refusal: Refusal, orderId: string | null) => {
    decisions.set(request, { outcome: `refused ${refusal.code}`, orderId });
    const answer = tiktokError(refusal.code, refusal.message);
    return reply.code(answer.status).send(answer.body);
  };

  async function remedy(request: FastifyRequest, reply: FastifyReply, kind: RemedyKind, pathOrderId: string | null) {
    const key = parseIdempotencyKey((request.query as Query)['idempotency_key']);
    if (!key.ok) return refused(request, reply, key.refusal, orderIdOf(request));
    const parsed = parseRemedy(kind, request.body, pathOrderId);
    if (!parsed.ok) return refused(request, reply, parsed.refusal, orderIdOf(request));
    const result = market.applyRemedy(scopeOf(request), key.value, parsed.value);
    if (result.outcome === 'refused') return refused(request, reply, result.refusal, parsed.value.orderId);
    decisions.set(request, { outcome: result.outcome, orderId: parsed.value.orderId });
    // A stalled answer: the remedy is applied and recorded, the caller hears of it late.
    if (result.holdMs > 0) await new Promise((resolve) => setTimeout(resolve, result.holdMs));
    return reply.send(tiktokSuccess(result.answer.data, result.answer.requestId));
  }

  app.post('/return_refund/202309/returns', options('refund'), (request, reply) => remedy(request, reply, 'refund', null));
  app.post('/promotion/202406/coupons/compensations', options('coupon'), (request, reply) => remedy(request, reply, 'coupon', null));
  app.post('/fulfillment/202309/orders/:orderId/replacements', options('reship'), (request, reply) =>
    remedy(request, reply, 'reship', (request.params as { orderId: string }).orderId),
  );

  app.get('/order/202309/orders', options('order_detail'), async (request, reply) => {
    const raw = (request.query as Query)['ids'];
    const ids = typeof raw === 'string' ? raw.split(',').map((id) => id.trim()).filter((id) => id.length > 0) : [];
    if (ids.length === 0) return refused(request, reply, { code: CODES.orderInvalidParam, message: 'ids is required.' }, null);
    if (ids.length > MAX_ORDER_IDS) return refused(request, reply, { code: CODES.orderInvalidParam, message: `ids takes at most ${MAX_ORDER_IDS} order ids.` }, null);
    const orders = market.orderDetails(ids);
    decisions.set(request, { outcome: 'answered', orderId: ids.join(',') });
    return reply.send(tiktokSuccess({ orders }));
  });

  app.post('/customer_service/202309/conversations', options('conversation'), async (request, reply) => {
    const buyer = (request.body as { buyer_user_id?: unknown } | undefined)?.buyer_user_id;
    if (typeof buyer !== 'string' || buyer.trim() === '') return refused(request, reply, { code: CODES.messageInvalidParam, message: 'buyer_user_id is required.' }, null);
    const opened = market.openConversation(scopeOf(request), buyer);
    if (!opened.ok) return refused(request, reply, opened.refusal, null);
    decisions.set(request, { outcome: 'answered', orderId: opened.value.orderId });
    return reply.send(tiktokSuccess({ conversation_id: opened.value.conversationId }));
  });

  app.post('/customer_service/202309/conversations/:conversationId/messages', options('message'), async (request, reply) => {
    const { conversationId } = request.params as { conversationId: string };
    const sent = market.sendMessage(scopeOf(request), conversationId, request.body);
    if (!sent.ok) return refused(request, reply, sent.refusal, null);
    decisions.set(request, { outcome: 'answered', orderId: sent.value.orderId });
    return reply.send(tiktokSuccess({ message_id: sent.value.messageId }));
  });
}
