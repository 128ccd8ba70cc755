import nodemailer from 'nodemailer';
import { SendError, type ChannelSender } from './channel-sender.js';

export interface EmailSenderOptions {
  /** e.g. smtp://127.0.0.1:2525 or smtps://user:pass@mail.example.com */
  smtpUrl: string;
  /** From address when the merchant set none. */
  defaultFrom: string;
  /** Connection, greeting and socket timeouts (default 10 s); a timeout is retriable. */
  timeoutMs?: number;
  /** Pooled SMTP connections, so concurrent sends do not queue for one (default 8, NOTIFIER_SEND_CONCURRENCY's default). */
  maxConnections?: number;
}

/** The Message-ID of a notification: derived from its id, so the mail log and ours point at each other. */
export function messageIdFor(notificationId: string): string {
  return `<${notificationId}@notifier.parcelwatch>`;
}

const SMTP_PHASES = 7;

const NETWORK_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPROTOCOL']);

/** Email over SMTP (nodemailer). SMTP 4xx is temporary (retriable), 5xx permanent. */
export function createEmailSender(options: EmailSenderOptions): ChannelSender {
  const timeout = options.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    pool: true,
    maxConnections: options.maxConnections ?? 8,
    // A relay's greeting is slow; a connection is reused for many messages before it is renewed.
    maxMessages: 500,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    channel: 'email',
    // Connect, greeting, EHLO, MAIL, RCPT, DATA and the end of data, each up to the timeout.
    worstCaseSendMs: SMTP_PHASES * timeout,
    async send(message) {
      if (message.to === null) throw new SendError('no email address', 'no_address', false);
      const messageId = messageIdFor(message.notificationId);
      try {
        const info = await transport.sendMail({
          from: { name: message.senderName, address: message.fromAddress ?? options.defaultFrom },
          to: message.to,
          subject: message.subject ?? '',
          text: message.body,
          messageId,
          headers: { 'X-Parcelwatch-Notification': message.notificationId },
        });
        return { providerMessageId: typeof info.messageId === 'string' && info.messageId.length > 0 ? info.messageId : messageId };
      } catch (err) {
        const e = err as { responseCode?: number; code?: string; message?: string };
        if (typeof e.responseCode === 'number') {
          throw new SendError(`SMTP ${e.responseCode}: ${e.message ?? ''}`, `smtp_${e.responseCode}`, e.responseCode >= 400 && e.responseCode < 500, { cause: err });
        }
        const code = e.code ?? 'smtp_error';
        throw new SendError(`SMTP ${code}: ${e.message ?? ''}`, code.toLowerCase(), NETWORK_CODES.has(code) || code === 'smtp_error', { cause: err });
      }
    },
    async close() {
      transport.close();
    },
  };
}
