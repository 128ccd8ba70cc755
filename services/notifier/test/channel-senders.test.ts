import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTikTokShopMarketplace } from '@parcelwatch/marketplace';
import { SendError, type OutgoingMessage } from '../src/channels/channel-sender.js';
import { createEmailSender, messageIdFor } from '../src/channels/email.sender.js';
import { createMarketplaceMessageSender } from '../src/channels/marketplace-message.sender.js';
import { createSmsSender } from '../src/channels/sms.sender.js';
import { startMarketplaceSink, startSmsSink, startSmtpSink, type MarketplaceSink, type SmsSink, type SmtpSink } from '../src/sinks/index.js';

const message: OutgoingMessage = {
  notificationId: '6f1c2b5e-8d4a-4c1e-9b7a-1a2b3c4d5e6f',
  shipmentId: '3f1c2b5e-8d4a-4c1e-9b7a-1a2b3c4d5e6f',
  merchantId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  orderId: '576461413019',
  to: null,
  subject: 'Ihre Bestellung wurde zugestellt',
  body: 'Hallo,\n\nIhr Paket wurde zugestellt.\n',
  senderName: 'Kettle & Co',
  fromAddress: null,
};

async function sendError(promise: Promise<unknown>): Promise<SendError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SendError) return err;
    throw err;
  }
  throw new Error('expected a SendError');
}

describe('email over SMTP', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => sink.close());

  it('delivers plain-text mail with a Message-ID derived from the notification', async () => {
    const sender = createEmailSender({ smtpUrl: sink.url, defaultFrom: 'notify@shop.test' });
    const result = await sender.send({ ...message, to: 'anna@example.de' });
    await sender.close?.();
    expect(result.providerMessageId).toBe(messageIdFor(message.notificationId));
    const [mail] = sink.received();
    expect(mail).toMatchObject({ messageId: messageIdFor(message.notificationId), from: 'notify@shop.test', to: ['anna@example.de'], subject: message.subject });
    expect(mail?.text).toBe(message.body);
    expect(mail?.headers['x-parcelwatch-notification']).toBe(message.notificationId);
  });

  it('treats SMTP 4xx as retriable and 5xx as final, without the address in the error', async () => {
    const sender = createEmailSender({ smtpUrl: sink.url, defaultFrom: 'notify@shop.test' });
    sink.failWith(451);
    const temporary = await sendError(sender.send({ ...message, to: 'anna@example.de' }));
    expect([temporary.code, temporary.retriable]).toEqual(['smtp_451', true]);
    sink.failWith(550);
    const permanent = await sendError(sender.send({ ...message, to: 'anna@example.de' }));
    expect([permanent.code, permanent.retriable]).toEqual(['smtp_550', false]);
    expect(permanent.message).not.toContain('anna@example.de');
    sink.failWith(null);
    await sender.close?.();
    const closed = await sendError(createEmailSender({ smtpUrl: 'smtp://127.0.0.1:1', defaultFrom: 'n@shop.test', timeoutMs: 2_000 }).send({ ...message, to: 'anna@example.de' }));
    expect(closed.retriable).toBe(true);
  });
});

describe('SMS over a Twilio-style API', () => {
  let sink: SmsSink;
  const credentials = { accountSid: 'AC0123456789', authToken: 'secret-token' };
  beforeAll(async () => {
    sink = await startSmsSink(credentials);
  });
  afterAll(async () => sink.close());

  it('posts To, From, Body with Basic auth and returns the sid', async () => {
    const sender = createSmsSender({ baseUrl: sink.url, ...credentials, from: '+15005550006' });
    const result = await sender.send({ ...message, to: '+4915112345678', subject: null, body: 'Kettle & Co: Bestellung zugestellt' });
    expect(result.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sink.received()).toEqual([{ sid: result.providerMessageId, to: '+4915112345678', from: '+15005550006', body: 'Kettle & Co: Bestellung zugestellt' }]);
  });

  it('retries 429 and 5xx, not other 4xx, and never puts the number in the error', async () => {
    const sender = createSmsSender({ baseUrl: sink.url, ...credentials, from: '+15005550006' });
    sink.failWith(503);
    expect((await sendError(sender.send({ ...message, to: '+4915112345678' }))).retriable).toBe(true);
    sink.failWith(429);
    expect((await sendError(sender.send({ ...message, to: '+4915112345678' }))).retriable).toBe(true);
    sink.failWith(null);
    // A national number cannot be sent (no country code): refused before the provider, without the number in the error.
    const national = await sendError(sender.send({ ...message, to: '0151 1234 5678' }));
    expect([national.code, national.retriable]).toEqual(['phone_not_e164', false]);
    expect(national.message).not.toContain('1234');
    // A formatted number goes out as E.164.
    sink.failWith(null);
    const formatted = await sender.send({ ...message, to: '+49 151 1234-5678' });
    expect(sink.received().at(-1)).toMatchObject({ sid: formatted.providerMessageId, to: '+4915112345678' });
    const unauthorized = await sendError(createSmsSender({ baseUrl: sink.url, accountSid: credentials.accountSid, authToken: 'wrong', from: '+1500' }).send({ ...message, to: '+4915112345678' }));
    expect([unauthorized.code, unauthorized.retriable]).toEqual(['sms_20003', false]);
  });
});

describe('marketplace buyer message (TikTok Shop style)', () => {
  let sink: MarketplaceSink;
  const credentials = { appKey: 'app', appSecret: 'app-secret', accessToken: 'token', shopCipher: 'ROW_shop' };
  const nowSeconds = () => 1_740_000_000;
  beforeAll(async () => {
    sink = await startMarketplaceSink(credentials, { nowSeconds, buyerOf: (orderId) => (orderId === 'unknown' ? null : `buyer-${orderId}`) });
  });
  afterAll(async () => sink.close());

  const sender = (secret = credentials.appSecret) =>
    createMarketplaceMessageSender(createTikTokShopMarketplace({ baseUrl: sink.url, appKey: credentials.appKey, appSecret: secret, accessToken: credentials.accessToken, shopCipher: () => credentials.shopCipher, nowSeconds }));

  it('finds the buyer from the order, opens a conversation and sends a signed TEXT message', async () => {
    const result = await sender().send({ ...message, body: 'Ihr Paket wurde zugestellt.' });
    expect(result.providerMessageId).toBe('msg-1');
    expect(sink.received()).toEqual([{ messageId: 'msg-1', conversationId: 'conv-1', buyerUserId: 'buyer-576461413019', type: 'TEXT', text: 'Ihr Paket wurde zugestellt.' }]);
  });

  it('fails for good on a bad signature or an unknown order, and retries when the marketplace is down', async () => {
    const badSign = await sendError(sender('wrong-secret').send(message));
    expect([badSign.code, badSign.retriable]).toEqual(['marketplace_106001', false]);
    expect(sink.refusals()).toContain(106001);
    const unknown = await sendError(sender().send({ ...message, orderId: 'unknown' }));
    expect([unknown.code, unknown.retriable]).toEqual(['order_not_found', false]);
    sink.failWith(503);
    const down = await sendError(sender().send(message));
    expect([down.code, down.retriable]).toEqual(['http_503', true]);
    sink.failWith(null);
    expect(sink.received()).toHaveLength(1);
  });
});
