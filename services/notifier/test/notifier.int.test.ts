import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTikTokShopMarketplace } from '@parcelwatch/marketplace';
import { KafkaBus, OutboxRelay, rawParser, type RawMessage } from '@parcelwatch/bus';
import { EVENT_TYPES, idFromName, parseEvent, type Envelope } from '@parcelwatch/contracts';
import { createDb, type Database, type Notification } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import { createTestDatabase, kafkaBrokers, uniqueTopic } from '@parcelwatch/test-harness';
import type { Kysely } from 'kysely';
import { createNotifierService, type NotifierService } from '../src/app.js';
import { createEmailSender, messageIdFor } from '../src/channels/email.sender.js';
import { createMarketplaceMessageSender } from '../src/channels/marketplace-message.sender.js';
import { createSmsSender } from '../src/channels/sms.sender.js';
import { startMarketplaceSink, startSmsSink, startSmtpSink, type MarketplaceSink, type SmsSink, type SmtpSink } from '../src/sinks/index.js';
import { bodySha256 } from '../src/templates/template-renderer.js';
import { compensationApprovedEvent, compensationDecidedEvent, delayEvent, exceptionOpenedEvent, milestoneEvent } from './event-fixtures.js';
import { seedBuyerShipment, seedMerchant, waitFor, type SeededBuyerShipment } from './notifier-seed.js';

const logger = createLogger({ name: 'notifier-int', level: 'silent' });
// Monday 23 November 2026, 13:00 in Berlin, Rome, Paris and Madrid; 04:00 in Los Angeles.
const clock = fixedClock('2026-11-23T12:00:00Z');
const sms = { accountSid: 'ACint0001', authToken: 'int-token' };
const shop = { appKey: 'int-app', appSecret: 'int-secret', accessToken: 'int-access', shopCipher: 'ROW_int' };

describe('notifier on Kafka, PostgreSQL and real SMTP, SMS and marketplace servers', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let bus: KafkaBus;
  let smtp: SmtpSink;
  let smsSink: SmsSink;
  let market: MarketplaceSink;
  const topics = {
    shipmentEvents: uniqueTopic('shipment.events'),
    exceptions: uniqueTopic('shipment.exceptions'),
    delays: uniqueTopic('shipment.delays'),
    compensations: uniqueTopic('compensations'),
    notifications: uniqueTopic('notifications'),
  };
  const groupId = `notifier-${idFromName('group', topics.shipmentEvents).slice(0, 8)}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 6 });
    bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'notifier-int', logger });
    await bus.connect();
    await bus.ensureTopics(Object.values(topics).map((name) => ({ name, partitions: 3, dlq: name !== topics.notifications })));
    smtp = await startSmtpSink();
    smsSink = await startSmsSink(sms);
    market = await startMarketplaceSink(shop, { nowSeconds: () => clock.now().toSeconds() });
  });

  afterAll(async () => {
    await smtp?.close();
    await smsSink?.close();
    await market?.close();
    await bus?.disconnect();
    await db?.destroy();
    await database?.drop();
  });

  const service = (maxBatchSize: number): NotifierService =>
    createNotifierService({
      logger,
      clock,
      db,
      bus,
      topics,
      groupId,
      maxBatchSize,
      dispatchIntervalMs: 0,
      senders: [
        createEmailSender({ smtpUrl: smtp.url, defaultFrom: 'notifications@shop.test' }),
        createSmsSender({ baseUrl: smsSink.url, ...sms, from: '+15005550006' }),
        createMarketplaceMessageSender(createTikTokShopMarketplace({ baseUrl: market.url, ...shop, shopCipher: () => shop.shopCipher, nowSeconds: () => clock.now().toSeconds() })),
      ],
    });

  const processed = async () =>
    Number((await db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).where('consumer_group', '=', groupId).executeTakeFirstOrThrow()).n);
  const rows = (): Promise<Notification[]> => db.selectFrom('notifications').selectAll().orderBy('seq').execute();
  const sinkCounts = () => ({ email: smtp.received().length, sms: smsSink.received().length, marketplace: market.received().length });
  /** Dispatch rounds until one finds nothing due. */
  async function dispatchAll(notifier: NotifierService): Promise<void> {
    for (;;) {
      const round = await notifier.dispatchDue();
      if (round.sent + round.failed + round.retryLater + round.deferred === 0) return;
    }
  }

  it('sends each message once, in the buyer language, after quiet hours and within the daily cap, and logs every attempt', async () => {
    const standard = await seedMerchant(db, 'Kettle & Co');
    const marketplace = await seedMerchant(db, 'Casa Bella', { notifications: { channels: { marketplace_message: true } } });
    const berlin = await seedBuyerShipment(db, { name: 'berlin', merchantId: standard, locale: 'de-DE', timezone: 'Europe/Berlin', estimatedDeliveryAt: '2026-11-27T12:00:00Z' });
    const la = await seedBuyerShipment(db, { name: 'la', merchantId: standard, locale: 'en-US', timezone: 'America/Los_Angeles', phone: '+13105550100' });
    const rome = await seedBuyerShipment(db, { name: 'rome', merchantId: marketplace, locale: 'it-IT', timezone: 'Europe/Rome' });
    const paris = await seedBuyerShipment(db, { name: 'paris', merchantId: marketplace, locale: 'fr-FR', timezone: 'Europe/Paris', email: null });
    const madrid = await seedBuyerShipment(db, { name: 'madrid', merchantId: standard, locale: 'es-ES', timezone: 'Europe/Madrid' });
    const buyers: SeededBuyerShipment[] = [berlin, la, rome, paris, madrid];

    const lossDecision = compensationDecidedEvent(madrid, '2026-11-23T11:30:00Z', { tier: 3, action: 'full_refund', amount: { amountMinor: 4999, currency: 'EUR' }, approval: 'manager', addOns: ['gift'] });
    const milestones: Envelope[] = [
      milestoneEvent(berlin, 'shipped', '2026-11-23T09:00:00Z'),
      milestoneEvent(berlin, 'departed_origin_country', '2026-11-23T10:00:00Z'),
      milestoneEvent(berlin, 'customs_cleared', '2026-11-23T11:00:00Z'),
      milestoneEvent(la, 'out_for_delivery', '2026-11-23T11:50:00Z'),
      milestoneEvent(paris, 'failed_attempt', '2026-11-23T11:00:00Z', 1),
    ];
    const exceptions = [exceptionOpenedEvent(rome, 'customs_hold', '2026-11-23T10:00:00Z', { carrierReason: 'duties_unpaid' }, 'customs_hold@v1:duties_unpaid')];
    // Berlin's fourth message of the day: over the cap of 3.
    const delays = [delayEvent(berlin, '2026-11-23T11:30:00Z')];
    const compensations = [
      compensationDecidedEvent(rome, '2026-11-23T11:00:00Z', { tier: 1, action: 'store_coupon', amount: { amountMinor: 500, currency: 'EUR' } }),
      lossDecision,
      compensationApprovedEvent(lossDecision, '2026-11-23T11:40:00Z'),
    ];
    // Every event twice (a redelivery), and one milestone re-published under a new envelope id.
    for (let copy = 0; copy < 2; copy += 1) {
      await bus.publish(topics.shipmentEvents, milestones);
      await bus.publish(topics.exceptions, exceptions);
      await bus.publish(topics.compensations, compensations);
    }
    await bus.publish(topics.shipmentEvents, [milestoneEvent(berlin, 'shipped', '2026-11-23T09:00:00Z', 1, 'republished-shipped')]);
    let distinctEvents = milestones.length + exceptions.length + compensations.length + 1;

    // The SMS provider is down at first: retriable, tried again with backoff.
    smsSink.failWith(503);
    // A first notifier plans and sends part of it, and stops mid-run; a second one finishes.
    const first = service(2);
    await first.start();
    try {
      await waitFor('some events planned', async () => (await processed()) >= 3);
      await first.dispatchDue();
    } finally {
      await first.stop();
    }
    const second = service(50);
    await second.start();
    try {
      await waitFor('every event planned', async () => (await processed()) === distinctEvents);
      // Berlin's fourth message of the day (over the cap of 3), published once the other three are planned.
      await bus.publish(topics.delays, delays);
      await bus.publish(topics.delays, delays);
      distinctEvents += delays.length;
      await waitFor('the delay planned', async () => (await processed()) === distinctEvents);
      expect((await rows()).length).toBe(14);

      await second.dispatchDue();
      smsSink.failWith(null);
      await dispatchAll(second);
      expect(sinkCounts()).toMatchObject({ sms: 0 });
      clock.advance({ minutes: 1 });
      await dispatchAll(second);
      // 12:01: everything but Los Angeles (04:01 there, quiet) and Berlin's fourth message (cap).
      expect(sinkCounts()).toEqual({ email: 6, sms: 2, marketplace: 3 });

      clock.set('2026-11-23T15:59:00Z');
      await dispatchAll(second);
      expect(sinkCounts()).toEqual({ email: 6, sms: 2, marketplace: 3 });
      clock.set('2026-11-23T16:00:00Z'); // 08:00 in Los Angeles
      await dispatchAll(second);
      expect(sinkCounts()).toEqual({ email: 7, sms: 3, marketplace: 3 });
      clock.set('2026-11-24T07:00:00Z'); // 08:00 in Berlin, the next day
      await dispatchAll(second);
      expect(sinkCounts()).toEqual({ email: 8, sms: 3, marketplace: 3 });
    } finally {
      await second.stop();
    }

    // A third instance on the same group, fed every event again under new envelope ids (as a
    // producer re-publishing after a crash would): the natural keys match, nothing new is sent.
    const republished = [
      [topics.shipmentEvents, milestones],
      [topics.exceptions, exceptions],
      [topics.delays, delays],
      [topics.compensations, compensations],
    ] as const;
    for (const [topic, events] of republished) await bus.publish(topic, events.map((e: Envelope) => ({ ...e, id: idFromName('republished', e.id) })));
    distinctEvents += milestones.length + exceptions.length + delays.length + compensations.length;
    const third = service(50);
    await third.start();
    try {
      await waitFor('the re-published events consumed', async () => (await processed()) === distinctEvents);
      await dispatchAll(third);
    } finally {
      await third.stop();
    }
    expect(sinkCounts()).toEqual({ email: 8, sms: 3, marketplace: 3 });
    expect((await rows()).length).toBe(14);

    // The stored log matches what the servers received, message for message.
    const all = await rows();
    expect(all.map((r) => r.status)).toEqual(Array(14).fill('sent'));
    const mails = smtp.received();
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(mails.length);
    for (const row of all) {
      if (row.channel === 'email') {
        const mail = mails.find((m) => m.messageId === messageIdFor(row.id));
        expect(mail).toBeDefined();
        expect(row.provider_message_id).toBe(messageIdFor(row.id));
        expect(bodySha256(mail!.subject, mail!.text)).toBe(row.body_sha256);
        expect(mail!.to).toEqual([buyers.find((b) => b.shipmentId === row.shipment_id)!.email]);
      } else if (row.channel === 'sms') {
        const text = smsSink.received().find((m) => m.sid === row.provider_message_id);
        expect(bodySha256(null, text!.body)).toBe(row.body_sha256);
        expect(text!.to).toBe(buyers.find((b) => b.shipmentId === row.shipment_id)!.phone);
      } else {
        const message = market.received().find((m) => m.messageId === row.provider_message_id);
        expect(bodySha256(null, message!.text)).toBe(row.body_sha256);
        expect(message!.buyerUserId).toBe(`buyer-${buyers.find((b) => b.shipmentId === row.shipment_id)!.orderId}`);
      }
    }
    const byTemplate = (b: SeededBuyerShipment) => all.filter((r) => r.shipment_id === b.shipmentId).map((r) => `${r.template}/${r.channel}`);
    expect(byTemplate(berlin)).toEqual(['shipped/email', 'departed_origin_country/email', 'customs_cleared/email', 'delay_notice/email']);
    expect(byTemplate(la)).toEqual(['out_for_delivery/email', 'out_for_delivery/sms']);
    expect(byTemplate(rome).sort()).toEqual(['customs_action_needed/email', 'customs_action_needed/marketplace_message', 'customs_action_needed/sms', 'delay_apology/email', 'delay_apology/marketplace_message']);
    expect(byTemplate(paris).sort()).toEqual(['failed_attempt/marketplace_message', 'failed_attempt/sms']);
    expect(byTemplate(madrid)).toEqual(['loss_apology/email']);

    // Language, zone and money as the buyer reads them.
    const mailOf = (b: SeededBuyerShipment, template: string) => mails.find((m) => m.messageId === messageIdFor(all.find((r) => r.shipment_id === b.shipmentId && r.template === template && r.channel === 'email')!.id))!;
    expect(mailOf(berlin, 'shipped').subject).toBe(`Ihre Bestellung ${berlin.orderId} wurde versandt`);
    expect(mailOf(berlin, 'shipped').text).toContain('Voraussichtliche Zustellung: Freitag, 27. November 2026.');
    expect(mailOf(la, 'out_for_delivery').text).toContain('Monday, November 23, 2026');
    expect(mailOf(rome, 'delay_apology').text).toMatch(/un buono sconto di 5,00\s€/);
    expect(mailOf(madrid, 'loss_apology').text).toMatch(/un reembolso completo de 49,99\s€, además de un pequeño regalo/);
    expect(market.received().map((m) => m.text).join('\n')).toMatch(/la douane|Contatta il corriere/);
    expect(smsSink.received().find((m) => m.to === paris.phone)?.body).toContain('Casa Bella: échec de la livraison 1');

    // Quiet hours and the cap: deferred, then sent at the end of the wait, never before.
    const attempts = await db.selectFrom('notification_attempts').selectAll().orderBy('id').execute();
    const sentAt = (b: SeededBuyerShipment, template: string) => all.filter((r) => r.shipment_id === b.shipmentId && r.template === template).map((r) => r.sent_at?.toISOString());
    expect(sentAt(la, 'out_for_delivery')).toEqual(['2026-11-23T16:00:00.000Z', '2026-11-23T16:00:00.000Z']);
    expect(sentAt(berlin, 'delay_notice')).toEqual(['2026-11-24T07:00:00.000Z']);
    const deferrals = attempts.filter((a) => a.status === 'deferred').map((a) => [all.find((r) => r.id === a.notification_id)!.template, a.defer_reason, a.deferred_until?.toISOString()]);
    expect(deferrals.sort()).toEqual([
      ['delay_notice', 'daily_cap', '2026-11-24T07:00:00.000Z'],
      ['out_for_delivery', 'quiet_hours', '2026-11-23T16:00:00.000Z'],
      ['out_for_delivery', 'quiet_hours', '2026-11-23T16:00:00.000Z'],
    ]);
    const smsRetries = attempts.filter((a) => a.status === 'failed');
    expect(smsRetries.map((a) => [a.error_code, a.retriable])).toEqual([
      ['sms_20500', true],
      ['sms_20500', true],
    ]);

    // The notifications topic carries the same log: sent events with the stored hashes, no PII.
    const relay = new OutboxRelay({ db, bus, logger });
    while ((await relay.relayOnce()) > 0);
    const received: RawMessage[] = [];
    const reader = bus.subscribe({ topics: topics.notifications, groupId: `${groupId}-reader`, parse: rawParser(), handler: async (batch) => void received.push(...batch) });
    await reader.start();
    const expected = 14 + 3 + 2;
    try {
      await waitFor('notification events consumed', async () => received.length >= expected);
    } finally {
      await reader.stop();
    }
    const raw = received.map((m) => m.value?.toString('utf8') ?? '');
    for (const b of buyers) for (const pii of [b.email, b.phone]) if (pii !== null) expect(raw.join('\n')).not.toContain(pii);
    const parsed = raw.map((value) => parseEvent('notifications', value));
    expect(parsed.every((p) => p.ok)).toBe(true);
    const events = parsed.flatMap((p) => (p.ok ? [p.event as Envelope<Record<string, unknown>>] : []));
    expect(new Set(events.map((e) => e.id)).size).toBe(expected);
    const sent = events.filter((e) => e.type === EVENT_TYPES.notificationSent);
    expect(sent).toHaveLength(14);
    for (const row of all) {
      const event = sent.find((e) => e.data['notificationId'] === row.id);
      expect([event?.data['bodySha256'], event?.data['providerMessageId'], event?.data['channel']]).toEqual([row.body_sha256, row.provider_message_id, row.channel]);
    }
    expect(events.filter((e) => e.type === EVENT_TYPES.notificationDeferred)).toHaveLength(3);
    expect(events.filter((e) => e.type === EVENT_TYPES.notificationFailed).map((e) => (e.data['error'] as { retriable: boolean }).retriable)).toEqual([true, true]);
  });
});
