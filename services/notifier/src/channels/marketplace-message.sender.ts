import { callTikTokShop, TikTokShopApiError, type TikTokShopCredentials } from '@parcelwatch/carriers';
import { SendError, type ChannelSender } from './channel-sender.js';

export interface MarketplaceMessageOptions extends TikTokShopCredentials {
  shopCipher: (merchantId: string) => string;
  /** Unix seconds for the signed timestamp (the Clock's). */
  nowSeconds: () => number;
  timeoutMs?: number;
}

export const CUSTOMER_SERVICE_PATHS = {
  orders: '/order/202309/orders',
  conversations: '/customer_service/202309/conversations',
  messages: (conversationId: string) => `/customer_service/202309/conversations/${encodeURIComponent(conversationId)}/messages`,
} as const;

/** Not eligible to start a conversation, forbidden to send, sensitive content: retrying changes nothing. */
const PERMANENT_CODES = new Set([45109003, 45109001, 45101006, 45101001]);

/**
 * A buyer message through a TikTok Shop style Customer Service API (202309): the order's
 * detail gives the buyer's user_id, a conversation is started (or the open one returned), and
 * a TEXT message is sent; its `content` is a serialized JSON string. Every call is signed.
 */
export function createMarketplaceMessageSender(options: MarketplaceMessageOptions): ChannelSender {
  const call = (merchantId: string, method: 'GET' | 'POST', path: string, extra: { query?: Record<string, string>; body?: unknown }) =>
    callTikTokShop(options, { method, path, shopCipher: options.shopCipher(merchantId), nowSeconds: options.nowSeconds(), timeoutMs: options.timeoutMs, ...extra });

  return {
    channel: 'marketplace_message',
    async send(message) {
      try {
        const detail = await call(message.merchantId, 'GET', CUSTOMER_SERVICE_PATHS.orders, { query: { ids: message.orderId } });
        const order = (detail['orders'] as { id?: string; user_id?: string }[] | undefined)?.find((o) => o.id === message.orderId);
        if (order?.user_id === undefined) throw new SendError(`marketplace order ${message.orderId} not found`, 'order_not_found', false);
        const conversation = await call(message.merchantId, 'POST', CUSTOMER_SERVICE_PATHS.conversations, { body: { buyer_user_id: order.user_id } });
        const conversationId = conversation['conversation_id'];
        if (typeof conversationId !== 'string') throw new SendError('marketplace returned no conversation_id', 'no_conversation', true);
        // The API caps TEXT at 2000 characters.
        const content = JSON.stringify({ content: message.body.slice(0, 2000) });
        const sent = await call(message.merchantId, 'POST', CUSTOMER_SERVICE_PATHS.messages(conversationId), { body: { type: 'TEXT', content } });
        const messageId = sent['message_id'];
        return { providerMessageId: typeof messageId === 'string' ? messageId : null };
      } catch (err) {
        if (err instanceof SendError) throw err;
        if (err instanceof TikTokShopApiError) {
          const retriable = err.retriable && !(err.code !== null && PERMANENT_CODES.has(err.code));
          throw new SendError(err.message, err.code === null ? (err.status === null ? 'unreachable' : `http_${err.status}`) : `marketplace_${err.code}`, retriable, { cause: err });
        }
        throw err;
      }
    },
  };
}
