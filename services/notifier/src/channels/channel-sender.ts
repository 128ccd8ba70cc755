import type { BuyerChannel } from '../domain/notification-planner.js';
import { redactAddresses } from './address-redaction.js';

/** One rendered message on its way to one buyer. `to` is PII: never log it. */
export interface OutgoingMessage {
  notificationId: string;
  shipmentId: string;
  merchantId: string;
  /** The marketplace order (the marketplace channel finds the buyer through it). */
  orderId: string;
  /** Email address or phone number; null for the marketplace channel. */
  to: string | null;
  /** Email only. */
  subject: string | null;
  body: string;
  senderName: string;
  fromAddress: string | null;
}

export interface SendResult {
  /** The provider's id for the message (SMTP Message-ID, SMS sid, marketplace message id). */
  providerMessageId: string | null;
}

/** A channel's provider: email over SMTP, SMS over an HTTP API, marketplace buyer messages. */
export interface ChannelSender {
  readonly channel: BuyerChannel;
  /** The longest one send may take before the sender gives up (all its timeouts in a row); the dispatch lease covers it. */
  readonly worstCaseSendMs?: number;
  send(message: OutgoingMessage): Promise<SendResult>;
  close?(): Promise<void>;
}

/** A failed send; `retriable` ones are tried again with backoff. `message` carries no addresses (redacted here, whoever builds it). */
export class SendError extends Error {
  override readonly name = 'SendError';
  constructor(
    message: string,
    readonly code: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(redactAddresses(message), options);
  }
}
