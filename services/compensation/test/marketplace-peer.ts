import { signTikTokRequest } from '@parcelwatch/marketplace';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * A TikTok Shop style marketplace on 127.0.0.1 for the executor's tests: it checks each
 * request (app key, timestamp window, signature over path + query + raw body, access token,
 * shop cipher, idempotency key, amount) and counts payouts. A repeated idempotency key gets the
 * first answer again and pays nothing. `stallFirstAnswer` applies a payout and then answers too
 * late, as a marketplace does when the client times out after it committed.
 */
export interface PeerCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  shopCipher: string;
}

export interface Payout {
  key: string;
  path: string;
  orderId: string;
  kind: 'coupon' | 'refund' | 'reship';
  amount: string | null;
  currency: string | null;
  ref: string;
}

export interface MarketplacePeer {
  url: string;
  payouts: Payout[];
  /** Every request seen, including refused and repeated ones. */
  requests: { path: string; key: string | null; outcome: string }[];
  /** Answers of the next N fresh payouts are held for `ms` after the payout is recorded. */
  stallFirstAnswer(count: number, ms: number): void;
  close(): Promise<void>;
}

type Answer = { code: number; message: string; request_id: string; data: Record<string, unknown> };

export async function startMarketplacePeer(credentials: PeerCredentials, options: { nowSeconds: () => number; orderValues?: Map<string, string> }): Promise<MarketplacePeer> {
  const app = Fastify({ logger: false });
  // The signature covers the body exactly as sent: keep it raw.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  const payouts: Payout[] = [];
  const requests: MarketplacePeer['requests'] = [];
  const answers = new Map<string, Answer>();
  let stalls = 0;
  let stallMs = 0;

  const refuse = (reply: FastifyReply, path: string, key: string | null, code: number, message: string) => {
    requests.push({ path, key, outcome: `refused ${code}` });
    return reply.send({ code, message, request_id: 'peer', data: {} });
  };

  async function handle(request: FastifyRequest, reply: FastifyReply, kind: Payout['kind'], orderIdFromPath: string | null) {
    const url = new URL(request.url, 'http://peer');
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    const key = query['idempotency_key'] ?? null;
    const raw = typeof request.body === 'string' ? request.body : '';
    if (query['app_key'] !== credentials.appKey) return refuse(reply, path, key, 36009004, 'invalid app_key');
    const timestamp = Number(query['timestamp']);
    const now = options.nowSeconds();
    if (!Number.isInteger(timestamp) || timestamp < now - 300 || timestamp > now + 30) return refuse(reply, path, key, 36009004, 'timestamp out of window');
    const { sign, ...unsigned } = query;
    if (sign !== signTikTokRequest({ appSecret: credentials.appSecret, path, query: unsigned, body: raw })) return refuse(reply, path, key, 106001, 'invalid sign');
    if (request.headers['x-tts-access-token'] !== credentials.accessToken) return refuse(reply, path, key, 105002, 'invalid access token');
    if (query['shop_cipher'] !== credentials.shopCipher) return refuse(reply, path, key, 36009004, 'unexpected shop_cipher');
    if (key === null || key.length === 0 || key.length > 255) return refuse(reply, path, key, 25001001, 'idempotency_key required');
    const previous = answers.get(key);
    if (previous !== undefined) {
      requests.push({ path, key, outcome: 'repeated' });
      return reply.send(previous);
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    const orderId = orderIdFromPath ?? String(body['order_id'] ?? '');
    let amount: string | null = null;
    let currency: string | null = null;
    if (kind === 'refund' || (kind === 'coupon' && body['coupon_type'] === 'AMOUNT_OFF')) {
      amount = String(body[kind === 'refund' ? 'refund_total' : 'amount'] ?? '');
      currency = String(body['currency'] ?? '');
      if (!/^\d+(\.\d+)?$/.test(amount) || Number(amount) <= 0 || !/^[A-Z]{3}$/.test(currency)) return refuse(reply, path, key, 25001001, 'invalid amount');
      const orderValue = options.orderValues?.get(orderId);
      if (kind === 'refund' && orderValue !== undefined && Number(amount) > Number(orderValue)) return refuse(reply, path, key, 25001001, 'refund above the order value');
    }
    const ref = `${kind}-${payouts.length + 1}`;
    payouts.push({ key, path, orderId, kind, amount, currency, ref });
    const field = kind === 'coupon' ? 'coupon_id' : kind === 'refund' ? 'return_id' : 'replacement_order_id';
    const answer: Answer = { code: 0, message: 'Success', request_id: `req-${payouts.length}`, data: { [field]: ref } };
    answers.set(key, answer);
    requests.push({ path, key, outcome: 'paid' });
    if (stalls > 0) {
      stalls -= 1;
      await new Promise((resolve) => setTimeout(resolve, stallMs));
    }
    return reply.send(answer);
  }

  app.post('/return_refund/202309/returns', (request, reply) => handle(request, reply, 'refund', null));
  app.post('/promotion/202406/coupons/compensations', (request, reply) => handle(request, reply, 'coupon', null));
  app.post<{ Params: { orderId: string } }>('/fulfillment/202309/orders/:orderId/replacements', (request, reply) => handle(request, reply, 'reship', request.params.orderId));

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    payouts,
    requests,
    stallFirstAnswer(count, ms) {
      stalls = count;
      stallMs = ms;
    },
    close: () => app.close(),
  };
}
