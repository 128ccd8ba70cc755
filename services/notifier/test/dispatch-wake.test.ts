import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EmbeddedBus } from '@parcelwatch/bus';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { createNotifierService } from '../src/app.js';
import { createEmailSender } from '../src/channels/email.sender.js';
import { startSmtpSink, type SmtpSink } from '../src/sinks/index.js';
import type { MerchantWebhooks } from '../src/webhooks/merchant-webhook.port.js';
import { exceptionOpenedEvent, milestoneEvent } from './event-fixtures.js';
import { seedBuyerShipment, seedMerchant } from './notifier-seed.js';

/*
 * The notifier wakes its senders when planning commits something due now: a buyer is told in
 * the time of a round, not after the rest of the dispatch interval. The clock here never moves
 * and the interval is an hour, so only a wake can send anything.
 */
const logger = createLogger({ name: 'notifier-wake-test', level: 'silent' });

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('notifier wake on planning', () => {
  let db: Kysely<Database>;
  let smtp: SmtpSink;

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    smtp = await startSmtpSink();
  });
  afterAll(async () => {
    await smtp?.close();
    await db?.destroy();
  });

  it('sends a message due now without waiting the interval, and wakes the webhook worker after the commit', async () => {
    const clock = fixedClock('2026-11-23T12:00:00Z'); // 13:00 in Berlin: no quiet hours
    const merchantId = await seedMerchant(db, 'Wake & Co', { notifications: { quietHours: null, dailyCap: 10 } });
    const s = await seedBuyerShipment(db, { name: 'wake', merchantId, locale: 'en', timezone: 'Europe/Berlin', phone: null });
    const wakes: { committed: number }[] = [];
    const merchantWebhooks: MerchantWebhooks = {
      enqueue: async () => 1,
      enqueueMany: async () => 1,
      worker: {
        name: 'merchant-webhooks',
        start: async () => undefined,
        stop: async () => undefined,
        isHealthy: () => true,
        runOnce: async () => ({ sent: 0, failed: 0, retryLater: 0 }),
        // What the planning transaction wrote must be visible outside it by now.
        wake: () => void db.selectFrom('processed_messages').select('message_id').where('consumer_group', '=', 'notifier').execute().then((rows) => wakes.push({ committed: rows.length })),
      },
      registerRoutes: () => undefined,
    };
    const bus = new EmbeddedBus({ logger });
    const notifier = createNotifierService({
      logger,
      clock,
      db,
      bus,
      senders: [createEmailSender({ smtpUrl: smtp.url, defaultFrom: 'n@shop.test' })],
      merchantWebhooks,
      dispatchIntervalMs: 3_600_000,
    });
    await notifier.start();
    try {
      await bus.publish(notifier.topics.shipmentEvents, [milestoneEvent(s, 'shipped', '2026-11-23T11:00:00Z')]);
      await until(() => smtp.received().some((m) => m.to[0] === s.email), 'the shipped email');
      expect(smtp.received().filter((m) => m.to[0] === s.email).map((m) => m.subject)).toEqual([`Your order ${s.orderId} has shipped`]);
      await until(() => wakes.length === 1, 'the webhook worker woken');
      expect(wakes).toEqual([{ committed: 1 }]);
      // An event that plans no buyer message (not_picked_up is the seller's) still wakes the webhook worker, and sends nothing.
      await bus.publish(notifier.topics.exceptions, [exceptionOpenedEvent(s, 'not_picked_up', '2026-11-23T11:30:00Z')]);
      await until(() => wakes.length === 2, 'the webhook worker woken again');
      expect(wakes[1]).toEqual({ committed: 2 });
      expect(await db.selectFrom('notifications').select(['template', 'status']).where('shipment_id', '=', s.shipmentId).execute()).toEqual([{ template: 'shipped', status: 'sent' }]);
      expect(clock.now().toISO()).toBe('2026-11-23T12:00:00.000Z');
    } finally {
      await notifier.stop();
      await bus.disconnect();
    }
  });
});
