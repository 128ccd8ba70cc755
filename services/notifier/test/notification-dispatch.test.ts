import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createIdempotentHandler, type ReceivedMessage } from '@parcelwatch/bus';
import type { Envelope } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { createEmailSender } from '../src/channels/email.sender.js';
import { createSmsSender } from '../src/channels/sms.sender.js';
import { createNotificationDispatcher, retryDelayMs } from '../src/dispatch/notification-dispatcher.js';
import { createNotificationApplier } from '../src/notification.handler.js';
import { startSmsSink, startSmtpSink, type SmsSink, type SmtpSink } from '../src/sinks/index.js';
import type { MerchantWebhookEvent, MerchantWebhooks } from '../src/webhooks/merchant-webhook.port.js';
import { compensationDecidedEvent, exceptionOpenedEvent, milestoneEvent } from './event-fixtures.js';
import { seedBuyerShipment, seedMerchant } from './notifier-seed.js';

/* Planning and dispatch on embedded PostgreSQL (PGlite, the embedded mode's engine) against real loopback servers. */
const logger = createLogger({ name: 'notifier-dispatch-test', level: 'silent' });
const clock = fixedClock('2026-11-23T12:00:00Z'); // 13:00 in Berlin
const smsCredentials = { accountSid: 'ACunit', authToken: 'unit-token' };

describe('notification dispatch', () => {
  let db: Kysely<Database>;
  let smtp: SmtpSink;
  let sms: SmsSink;
  let merchantId: string;

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    smtp = await startSmtpSink();
    sms = await startSmsSink(smsCredentials);
    merchantId = await seedMerchant(db, 'Kettle & Co', { notifications: { quietHours: null, dailyCap: 10 } });
  });
  afterAll(async () => {
    await smtp?.close();
    await sms?.close();
    await db?.destroy();
  });

  const senders = () =>
    new Map([
      ['email' as const, createEmailSender({ smtpUrl: smtp.url, defaultFrom: 'n@shop.test' })],
      ['sms' as const, createSmsSender({ baseUrl: sms.url, ...smsCredentials, from: '+15005550006' })],
    ]);
  const dispatcher = (maxAttempts = 8) => createNotificationDispatcher({ db, clock, logger, senders: senders(), notificationsTopic: 'notifications', maxAttempts });

  async function plan(events: Envelope[], merchantWebhooks?: MerchantWebhooks): Promise<void> {
    const apply = createNotificationApplier({ notificationsTopic: 'notifications', now: () => clock.now(), channels: new Set(['email', 'sms']), merchantWebhooks });
    const handler = createIdempotentHandler<Envelope>({ db, groupId: 'notifier', apply });
    const messages = events.map((event, offset) => ({ topic: 'shipment.events', partition: 0, offset: String(offset), key: event.subject, value: null, headers: {}, timestamp: '0', event })) as ReceivedMessage<Envelope>[];
    await handler(messages, { groupId: 'notifier', topic: 'shipment.events', partition: 0, logger, heartbeat: async () => undefined, isRunning: () => true });
  }

  it('sends a shipment its messages one at a time, in event order', async () => {
    const s = await seedBuyerShipment(db, { name: 'order', merchantId, locale: 'en', timezone: 'Europe/Berlin', phone: null });
    await plan([milestoneEvent(s, 'customs_cleared', '2026-11-23T11:00:00Z'), milestoneEvent(s, 'shipped', '2026-11-23T09:00:00Z')]);
    const d = dispatcher();
    expect(await d.runOnce()).toEqual({ sent: 1, failed: 0, retryLater: 0, deferred: 0, lost: 0 });
    expect(await d.runOnce()).toEqual({ sent: 1, failed: 0, retryLater: 0, deferred: 0, lost: 0 });
    expect(await d.runOnce()).toEqual({ sent: 0, failed: 0, retryLater: 0, deferred: 0, lost: 0 });
    expect(smtp.received().filter((m) => m.to[0] === s.email).map((m) => m.subject)).toEqual([`Your order ${s.orderId} has shipped`, `Your order ${s.orderId} has cleared customs`]);
  });

  it('backs off on retriable failures and gives up after the last attempt, logging each', async () => {
    const s = await seedBuyerShipment(db, { name: 'retry', merchantId, locale: 'en', timezone: 'Europe/Berlin', email: null });
    await plan([milestoneEvent(s, 'delivered', '2026-11-23T11:00:00Z')]);
    sms.failWith(503);
    const d = dispatcher(3);
    expect(await d.runOnce()).toMatchObject({ retryLater: 1 });
    expect(await d.runOnce()).toMatchObject({ retryLater: 0, failed: 0 }); // not due before the backoff
    clock.advance({ milliseconds: retryDelayMs(1) });
    expect(await d.runOnce()).toMatchObject({ retryLater: 1 });
    clock.advance({ milliseconds: retryDelayMs(2) });
    expect(await d.runOnce()).toMatchObject({ failed: 1 });
    sms.failWith(null);
    const row = await db.selectFrom('notifications').selectAll().where('shipment_id', '=', s.shipmentId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', attempts: 3, error_code: 'sms_20500', channel: 'sms' });
    const attempts = await db.selectFrom('notification_attempts').select(['attempt', 'status', 'retriable']).where('notification_id', '=', row.id).orderBy('id').execute();
    expect(attempts).toEqual([1, 2, 3].map((attempt) => ({ attempt, status: 'failed', retriable: true })));
    const events = (await db.selectFrom('outbox').select('event').where('message_key', '=', s.shipmentId).orderBy('id').execute()).map((r) => r.event as { data: { error: { retriable: boolean } } });
    expect(events.map((e) => e.data.error.retriable)).toEqual([true, true, false]);
    expect([retryDelayMs(1), retryDelayMs(2), retryDelayMs(20)]).toEqual([30_000, 60_000, 3_600_000]);
    expect(sms.received()).toHaveLength(0);
  });

  it('sends a whole round with sends in flight at once and records each outcome once', async () => {
    const shipments = [];
    for (let i = 0; i < 12; i += 1) shipments.push(await seedBuyerShipment(db, { name: `round-${i}`, merchantId, locale: 'en', timezone: 'Europe/Berlin' }));
    await plan(shipments.map((s) => milestoneEvent(s, 'delivered', '2026-11-23T11:00:00Z')));
    const [emailsBefore, smsBefore] = [smtp.received().length, sms.received().length];
    const d = createNotificationDispatcher({ db, clock, logger, senders: senders(), notificationsTopic: 'notifications', batchSize: 50, sendConcurrency: 4 });
    // Email and SMS of each shipment: 24 messages in one round, a shipment's two one after the other.
    expect(await d.runOnce()).toEqual({ sent: 24, failed: 0, retryLater: 0, deferred: 0, lost: 0 });
    expect(await d.runOnce()).toEqual({ sent: 0, failed: 0, retryLater: 0, deferred: 0, lost: 0 });
    expect(smtp.received().length - emailsBefore).toBe(12);
    expect(sms.received().length - smsBefore).toBe(12);
    const ids = shipments.map((s) => s.shipmentId);
    const rows = await db.selectFrom('notifications').select(['id', 'status', 'claim_token', 'lease_until', 'attempts']).where('shipment_id', 'in', ids).execute();
    expect(rows).toHaveLength(24);
    expect(rows.every((row) => row.status === 'sent' && row.claim_token === null && row.lease_until === null && row.attempts === 1)).toBe(true);
    const attempts = await db.selectFrom('notification_attempts').select('notification_id').where('notification_id', 'in', rows.map((row) => row.id)).execute();
    expect(attempts.map((a) => a.notification_id).sort()).toEqual(rows.map((row) => row.id).sort());
    const events = await db.selectFrom('outbox').select('event').where('topic', '=', 'notifications').where('message_key', 'in', ids).execute();
    expect(events.filter((e) => (e.event as { type: string }).type.includes('sent'))).toHaveLength(24);
  });

  it('fails at once, without sending, when the buyer address is gone by send time', async () => {
    const s = await seedBuyerShipment(db, { name: 'erased', merchantId, locale: 'en', timezone: 'Europe/Berlin', phone: null });
    await plan([milestoneEvent(s, 'shipped', '2026-11-23T09:00:00Z')]);
    await db.updateTable('buyer_contacts').set({ email: null, purged_at: clock.now().toJSDate() }).where('merchant_id', '=', merchantId).where('email', '=', s.email).execute();
    const before = smtp.received().length;
    expect(await dispatcher().runOnce()).toMatchObject({ failed: 1, sent: 0 });
    expect(smtp.received()).toHaveLength(before);
    expect(await db.selectFrom('notifications').select(['status', 'error_code']).where('shipment_id', '=', s.shipmentId).executeTakeFirstOrThrow()).toEqual({ status: 'failed', error_code: 'no_address' });
  });

  it('keeps the address a relay quotes out of the stored error, the attempt and the failed event', async () => {
    const s = await seedBuyerShipment(db, { name: 'quoted', merchantId, locale: 'en', timezone: 'Europe/Berlin', email: 'jane.quoted@example.com', phone: null });
    await plan([milestoneEvent(s, 'shipped', '2026-11-23T09:00:00Z')]);
    smtp.failWith(550, `5.1.1 <${s.email}>: Recipient address rejected: User unknown in virtual mailbox table`);
    expect(await dispatcher().runOnce()).toMatchObject({ failed: 1 });
    smtp.failWith(null);
    const row = await db.selectFrom('notifications').select(['id', 'error', 'error_code']).where('shipment_id', '=', s.shipmentId).executeTakeFirstOrThrow();
    expect(row.error_code).toBe('smtp_550');
    expect(row.error).toContain('5.1.1 <[address]>: Recipient address rejected');
    const attempt = await db.selectFrom('notification_attempts').select('error').where('notification_id', '=', row.id).executeTakeFirstOrThrow();
    const events = await db.selectFrom('outbox').select('event').where('message_key', '=', s.shipmentId).execute();
    const stored = JSON.stringify([row, attempt, events]);
    expect(events).toHaveLength(1);
    expect(stored).toContain('Recipient address rejected');
    expect(stored).not.toContain('jane.quoted');
  });

  it('hands every consumed event to merchant webhooks inside the planning transaction, once', async () => {
    const s = await seedBuyerShipment(db, { name: 'webhooks', merchantId, locale: 'en', timezone: 'Europe/Berlin' });
    const seen: { event: MerchantWebhookEvent; rowsVisible: number }[] = [];
    const merchantWebhooks: MerchantWebhooks = {
      async enqueue(trx, event) {
        // The transaction is the planner's: a row written before this call in it is visible here.
        const rows = await trx.selectFrom('processed_messages').select('message_id').where('consumer_group', '=', 'notifier').where('message_id', '=', event.sourceEventId).execute();
        seen.push({ event, rowsVisible: rows.length });
        return 1;
      },
      async enqueueMany(trx, batch) {
        let enqueued = 0;
        for (const event of batch) enqueued += await this.enqueue(trx, event);
        return enqueued;
      },
      worker: { name: 'w', start: async () => undefined, stop: async () => undefined, isHealthy: () => true, runOnce: async () => ({ sent: 0, failed: 0, retryLater: 0 }), wake: () => undefined },
      registerRoutes: () => undefined,
    };
    const events = [
      milestoneEvent(s, 'shipped', '2026-11-23T09:00:00Z'),
      exceptionOpenedEvent(s, 'not_picked_up', '2026-11-23T09:30:00Z'),
      compensationDecidedEvent(s, '2026-11-23T10:00:00Z', { tier: 2, action: 'reship', amount: null, approval: 'supervisor' }),
    ];
    await plan(events, merchantWebhooks);
    await plan(events, merchantWebhooks); // redelivered: already processed
    expect(seen.map((x) => [x.event.eventType, x.event.sourceEventId, x.rowsVisible])).toEqual(events.map((e) => [e.type, e.id, 1]));
    expect(seen[0]?.event).toEqual({ merchantId, shipmentId: s.shipmentId, sourceEventId: events[0]!.id, eventType: events[0]!.type, occurredAt: '2026-11-23T09:00:00.000Z', data: events[0]!.data });
    // Only the milestone is a buyer message here (not_picked_up is the seller's, the reship awaits approval).
    expect((await db.selectFrom('notifications').select('template').where('shipment_id', '=', s.shipmentId).execute()).map((r) => r.template)).toEqual(['shipped']);
  });
});
