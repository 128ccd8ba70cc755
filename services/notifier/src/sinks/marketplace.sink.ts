import { signTikTokRequest } from '@parcelwatch/marketplace';
import { closeServer, listenLoopback, sendJson } from './http-sink.helpers.js';

/*
 * A TikTok Shop style Customer Service API on loopback: it checks every request like the
 * marketplace does (app key, timestamp window, sign over path + query + raw body, access token,
 * shop cipher) and serves order detail (-> user_id), conversations and TEXT messages. For tests,
 * e2e and the embedded mode. `failWith(503)` answers every request with that HTTP status.
 */
export interface MarketplaceCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  shopCipher: string;
}

export interface ReceivedBuyerMessage {
  messageId: string;
  conversationId: string;
  buyerUserId: string;
  type: string;
  /** The TEXT message's text (content is a JSON string `{"content": "..."}`). */
  text: string;
}

export interface MarketplaceSink {
  url: string;
  received(): ReceivedBuyerMessage[];
  /** Requests refused with a marketplace error code, by code. */
  refusals(): number[];
  failWith(status: number | null): void;
  close(): Promise<void>;
}

const ok = (data: Record<string, unknown>) => ({ code: 0, message: 'Success', request_id: 'sink', data });
const refuse = (code: number, message: string) => ({ code, message, request_id: 'sink', data: {} });

export async function startMarketplaceSink(
  credentials: MarketplaceCredentials,
  options: { nowSeconds: () => number; buyerOf?: (orderId: string) => string | null; host?: string; port?: number },
): Promise<MarketplaceSink> {
  const messages: ReceivedBuyerMessage[] = [];
  const refusals: number[] = [];
  const conversations = new Map<string, string>(); // buyer -> conversation
  let failure: number | null = null;
  const buyerOf = options.buyerOf ?? ((orderId: string) => `buyer-${orderId}`);

  const { server, url } = await listenLoopback(
    (request, raw, response) => {
      const target = new URL(request.url ?? '/', 'http://sink');
      const query = Object.fromEntries(target.searchParams.entries());
      const fail = (code: number, message: string) => {
        refusals.push(code);
        sendJson(response, 200, refuse(code, message));
      };
      if (failure !== null) return sendJson(response, failure, refuse(36009003, 'internal error'));
      if (query['app_key'] !== credentials.appKey) return fail(36009004, 'invalid app_key');
      const timestamp = Number(query['timestamp']);
      const now = options.nowSeconds();
      if (!Number.isInteger(timestamp) || timestamp < now - 300 || timestamp > now + 30) return fail(36009004, 'timestamp out of window');
      const { sign, ...unsigned } = query;
      if (sign !== signTikTokRequest({ appSecret: credentials.appSecret, path: target.pathname, query: unsigned, body: raw.length > 0 ? raw : undefined })) return fail(106001, 'invalid sign');
      if (request.headers['x-tts-access-token'] !== credentials.accessToken) return fail(105002, 'access token expired');
      if (query['shop_cipher'] !== credentials.shopCipher) return fail(36009004, 'unexpected shop_cipher');

      if (request.method === 'GET' && target.pathname === '/order/202309/orders') {
        const ids = (query['ids'] ?? '').split(',').filter((id) => id.length > 0);
        const orders = ids.flatMap((id) => {
          const buyer = buyerOf(id);
          return buyer === null ? [] : [{ id, status: 'IN_TRANSIT', user_id: buyer }];
        });
        return sendJson(response, 200, ok({ orders }));
      }
      if (request.method === 'POST' && target.pathname === '/customer_service/202309/conversations') {
        const buyer = (JSON.parse(raw) as { buyer_user_id?: string }).buyer_user_id;
        if (typeof buyer !== 'string' || buyer.length === 0) return fail(45101001, 'invalid param');
        const conversation = conversations.get(buyer) ?? `conv-${conversations.size + 1}`;
        conversations.set(buyer, conversation);
        return sendJson(response, 200, ok({ conversation_id: conversation }));
      }
      const match = /^\/customer_service\/202309\/conversations\/([^/]+)\/messages$/.exec(target.pathname);
      if (request.method === 'POST' && match !== null) {
        const conversationId = decodeURIComponent(match[1]!);
        const buyer = [...conversations.entries()].find(([, c]) => c === conversationId)?.[0];
        if (buyer === undefined) return fail(45101001, 'unknown conversation');
        const body = JSON.parse(raw) as { type?: string; content?: string };
        let text: string;
        try {
          text = String((JSON.parse(body.content ?? '') as { content?: unknown }).content ?? '');
        } catch {
          return fail(45101001, 'content must be a JSON string');
        }
        if (body.type !== 'TEXT' || text.length === 0 || text.length > 2000) return fail(45101001, 'invalid TEXT message');
        const messageId = `msg-${messages.length + 1}`;
        messages.push({ messageId, conversationId, buyerUserId: buyer, type: body.type, text });
        return sendJson(response, 200, ok({ message_id: messageId }));
      }
      return fail(36009009, 'invalid path');
    },
    options,
  );
  return {
    url,
    received: () => [...messages],
    refusals: () => [...refusals],
    failWith(status) {
      failure = status;
    },
    close: () => closeServer(server),
  };
}
