import { TikTokShopApiError, type TikTokShopMarketplace } from '@parcelwatch/marketplace';
import { SendError, type ChannelSender } from './channel-sender.js';

/** Not eligible to start a conversation, forbidden to send, sensitive content: retrying changes nothing. */
const PERMANENT_CODES = new Set([45109003, 45109001, 45101006, 45101001]);

/**
 * A buyer message through the marketplace's Customer Service API: the order's buyer, a
 * conversation with them, a TEXT message (see @parcelwatch/marketplace).
 */
export function createMarketplaceMessageSender(marketplace: TikTokShopMarketplace): ChannelSender {
  return {
    channel: 'marketplace_message',
    async send(message) {
      try {
        const sent = await marketplace.sendBuyerMessage(message.merchantId, message.orderId, message.body);
        if ('orderNotFound' in sent) throw new SendError(`marketplace order ${message.orderId} not found`, 'order_not_found', false);
        return { providerMessageId: sent.messageId };
      } catch (err) {
        if (err instanceof SendError) throw err;
        if (err instanceof TikTokShopApiError) {
          const retriable = err.retriable && !(err.code !== null && PERMANENT_CODES.has(err.code));
          throw new SendError(err.message, err.code === null ? (err.status === null ? 'unreachable' : `http_${err.status}`) : `marketplace_${err.code}`, retriable, { cause: err });
        }
        // An answer without a conversation id: the marketplace may give one on the next try.
        throw new SendError((err as Error).message, 'no_conversation', true, { cause: err });
      }
    },
  };
}
