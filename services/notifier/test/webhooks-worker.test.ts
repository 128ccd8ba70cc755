import { parseOutboundAllow } from '@parcelwatch/outbound';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EVENT_TYPES, newId, notificationFailedEventSchema, notificationSentEventSchema } from '@parcelwatch/contracts';
import { claimDueWebhookDeliveries, createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { startWebhookSink, type WebhookSink } from '../src/sinks/webhook-sink.js';
import { createMerchantWebhooks, seededRandom, type MerchantWebhooksSubsystem } from '../src/webhooks/index.js';
import { EXCEPTION, MILESTONE, seedMerchant, shipmentEvent, stepsByShipment } from './webhooks-support.js';

// The worker on PGlite against a real receiver on 127.0.0.1 (the integration test repeats the
// journey on PostgreSQL 15 and Kafka).

const logger = createLogger({ name: 'webhooks-test', level: 'silent' });
const clock = fixedClock('2026-11-23T09:00:00Z');

describe('merchant webhook delivery', () => {
  let db: Kysely<Database>;
  const sinks: WebhookSink[] = [];
  let webhooks: MerchantWebhooksSubsystem;

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    webhooks = createMerchantWebhooks({
      db,
      clock,
      logger,
      notificationsTopic: 'notifications-test',
      // The receivers are on loopback: allowed explicitly, as an on-premises receiver would be.
      allow: parseOutboundAllow('127.0.0.1/32').entries,
      worker: { intervalMs: 0, disableAfterFailures: 3, random: seededRandom(1), timeoutMs: 5_000 },
    });
  });
  afterAll(async () => {
    for (const sink of sinks) await sink.close();
    await db?.destroy();
  });

  /** The worker serves every merchant in the database: a test's unreachable endpoints go when it ends. */
  async function removeEndpoints(merchantId: string) {
    for (const endpoint of await webhooks.admin.list(merchantId)) await webhooks.admin.remove(endpoint.id);
  }

  async function endpointWithSink(merchantId: string, eventTypes: string[] | null = null) {
    const created = await webhooks.admin.create({ merchantId, url: 'http://127.0.0.1:9/placeholder', eventTypes });
    const sink = await startWebhookSink({ secret: created.secret, nowSeconds: () => Math.floor(clock.now().toSeconds()) });
    sinks.push(sink);
    await webhooks.admin.update(created.id, { url: sink.url });
    return { endpoint: created, sink };
  }

  it('enqueues one delivery per subscribed, undeleted endpoint, and nothing for a redelivered event', async () => {
    const merchant = await seedMerchant(db, 'enqueue');
    const all = await webhooks.admin.create({ merchantId: merchant, url: 'http://127.0.0.1:9/all', eventTypes: null });
    await webhooks.admin.create({ merchantId: merchant, url: 'http://127.0.0.1:9/exceptions', eventTypes: [EXCEPTION] });
    const gone = await webhooks.admin.create({ merchantId: merchant, url: 'http://127.0.0.1:9/gone', eventTypes: null });
    await webhooks.admin.remove(gone.id);
    const shipment = newId();
    const event = shipmentEvent(merchant, shipment, 1, MILESTONE);
    expect(await db.transaction().execute((trx) => webhooks.enqueue(trx, event))).toBe(1);
    expect(await webhooks.enqueue(db, event)).toBe(0);
    expect(await webhooks.enqueue(db, shipmentEvent(merchant, shipment, 2, EXCEPTION))).toBe(2);
    const rows = await db.selectFrom('webhook_deliveries').selectAll().where('merchant_id', '=', merchant).orderBy('seq').execute();
    // One statement inserts an event's deliveries; their relative order across endpoints does not matter.
    expect(rows.map((r) => [r.event_type, r.endpoint_id === all.id]).sort()).toEqual([[EXCEPTION, false], [EXCEPTION, true], [MILESTONE, true]]);
    // The body is built once, carries the delivery id and no more than the event's references.
    expect(JSON.parse(rows[0]!.body)).toEqual({ id: rows[0]!.id, type: MILESTONE, occurredAt: event.occurredAt, shipmentId: shipment, merchantId: merchant, data: event.data });
    await removeEndpoints(merchant);
  });

  it('claims only the head of each (endpoint, shipment) queue, and nothing behind a leased head or for a disabled endpoint', async () => {
    const merchant = await seedMerchant(db, 'heads');
    const open = await webhooks.admin.create({ merchantId: merchant, url: 'http://127.0.0.1:9/a', eventTypes: null });
    const [s1, s2] = [newId(), newId()];
    for (const n of [1, 2, 3]) for (const s of [s1, s2]) await webhooks.enqueue(db, shipmentEvent(merchant, s!, n));
    await db.updateTable('webhook_endpoints').set({ status: 'disabled' }).where('merchant_id', '=', merchant).where('id', '<>', open.id).execute();
    const claim = () =>
      db.transaction().execute((trx) => claimDueWebhookDeliveries(trx, { now: clock.now().toJSDate(), leaseUntil: clock.now().plus({ minutes: 1 }).toJSDate(), limit: 100 }));
    const heads = (await claim()).filter((row) => row.merchant_id === merchant);
    expect(heads.map((row) => [row.shipment_id, JSON.parse(row.body).data.step])).toEqual([[s1, 1], [s2, 1]]);
    // Leased heads block their queues; nothing else of this merchant is due.
    expect((await claim()).filter((row) => row.merchant_id === merchant)).toEqual([]);
    await db.updateTable('webhook_endpoints').set({ status: 'disabled' }).where('id', '=', open.id).execute();
    await db.updateTable('webhook_deliveries').set({ lease_until: null }).where('merchant_id', '=', merchant).execute();
    expect((await claim()).filter((row) => row.merchant_id === merchant)).toEqual([]);
    await removeEndpoints(merchant);
  });

  it('retries with backoff, disables after 3 failures, keeps every delivery, and after enable delivers all once in order', async () => {
    const merchant = await seedMerchant(db, 'outage');
    const { endpoint, sink } = await endpointWithSink(merchant);
    const shipments = [newId(), newId(), newId()];
    await sink.down('unavailable');
    for (const n of [1, 2, 3, 4]) for (const s of shipments) await webhooks.enqueue(db, shipmentEvent(merchant, s, n));

    // Round 1: the three heads fail (503); the third failure in a row disables the endpoint.
    expect(await webhooks.worker.runOnce()).toEqual({ sent: 0, retryLater: 2, failed: 1 });
    const view = await webhooks.admin.get(endpoint.id);
    expect(view).toMatchObject({ status: 'disabled', consecutive_failures: 3 });
    expect(view?.disabled_reason).toMatch(/3 consecutive failed attempts \(last: http_5xx\)/);
    const heads = await db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpoint.id).where('attempts', '>', 0).execute();
    for (const head of heads) {
      const delayS = (head.next_attempt_at.getTime() - clock.now().toMillis()) / 1000;
      expect(delayS).toBeGreaterThanOrEqual(24);
      expect(delayS).toBeLessThanOrEqual(36);
      expect(head).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: '5xx' });
    }

    // A disabled endpoint gets nothing, however long we wait; nothing is dropped.
    clock.advance({ hours: 3 });
    await sink.up();
    expect(await webhooks.worker.runOnce()).toEqual({ sent: 0, retryLater: 0, failed: 0 });
    expect(sink.received()).toEqual([]);
    const waiting = await webhooks.admin.deliveries(endpoint.id, { status: 'pending', limit: 100 });
    expect(waiting).toHaveLength(12);

    const enabled = await webhooks.admin.enable(endpoint.id);
    expect(enabled?.endpoint).toMatchObject({ status: 'enabled', consecutive_failures: 0, disabled_reason: null });
    expect(await webhooks.worker.runOnce()).toEqual({ sent: 12, retryLater: 0, failed: 0 });
    expect(await webhooks.worker.runOnce()).toEqual({ sent: 0, retryLater: 0, failed: 0 });
    const got = sink.received();
    expect(new Set(got.map((r) => r.messageId)).size).toBe(12);
    expect(stepsByShipment(got.map((r) => r.payload))).toEqual(new Map(shipments.map((s) => [s, [1, 2, 3, 4]])));
    expect(sink.rejected()).toEqual([]);
    const delivered = await db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpoint.id).execute();
    expect(delivered.every((d) => d.status === 'delivered' && d.provider_message_id === null && d.last_status_code === 200)).toBe(true);

    // Every attempt is on the outbox: 3 failures, 12 successes, valid contract events.
    const outbox = await db.selectFrom('outbox').select(['topic', 'message_key', 'event']).where('topic', '=', 'notifications-test').orderBy('id').execute();
    const mine = outbox.filter((row) => (row.event as { merchantid: string }).merchantid === merchant);
    expect(mine.map((row) => (row.event as { type: string }).type).sort()).toEqual([...Array(3).fill(EVENT_TYPES.notificationFailed), ...Array(12).fill(EVENT_TYPES.notificationSent)].sort());
    for (const row of mine) {
      const event = row.event as { type: string };
      const parsed = event.type === EVENT_TYPES.notificationSent ? notificationSentEventSchema.safeParse(event) : notificationFailedEventSchema.safeParse(event);
      expect(parsed.success).toBe(true);
      expect(row.message_key).toBe((event as unknown as { subject: string }).subject);
    }
    const failed = mine.find((row) => (row.event as { type: string }).type === EVENT_TYPES.notificationFailed)!.event as { data: Record<string, unknown> };
    expect(failed.data).toMatchObject({ channel: 'merchant_webhook', status: 'failed', attempt: 1, providerMessageId: null, error: { code: 'http_5xx', message: '5xx', retriable: true } });
  });

  it('a 410 Gone disables the endpoint at once; a short outage heals without an admin', async () => {
    const merchant = await seedMerchant(db, 'gone');
    const { endpoint, sink } = await endpointWithSink(merchant);
    const shipment = newId();
    await webhooks.enqueue(db, shipmentEvent(merchant, shipment, 1));
    sink.answerNext(1, 410);
    expect(await webhooks.worker.runOnce()).toEqual({ sent: 0, retryLater: 0, failed: 1 });
    expect(await webhooks.admin.get(endpoint.id)).toMatchObject({ status: 'disabled', disabled_reason: 'the receiver answered 410 Gone' });
    // Enabled again before its backoff ran out: the delivery is moved forward and goes at once.
    expect((await webhooks.admin.enable(endpoint.id))?.dueNow).toBe(1);
    expect(await webhooks.worker.runOnce()).toEqual({ sent: 1, retryLater: 0, failed: 0 });
    expect(sink.received().map((r) => r.payload['shipmentId'])).toEqual([shipment]);

    const other = await seedMerchant(db, 'blip');
    const healing = await endpointWithSink(other);
    await healing.sink.down('refuse');
    await webhooks.enqueue(db, shipmentEvent(other, shipment, 1));
    await webhooks.enqueue(db, shipmentEvent(other, shipment, 2));
    expect(await webhooks.worker.runOnce()).toMatchObject({ sent: 0, retryLater: 1 });
    clock.advance({ seconds: 40 });
    expect(await webhooks.worker.runOnce()).toMatchObject({ sent: 0, retryLater: 1 });
    const row = await db.selectFrom('webhook_deliveries').selectAll().where('merchant_id', '=', other).where('attempts', '=', 2).executeTakeFirstOrThrow();
    expect(row.last_error).toBe('network error: no answer');
    await healing.sink.up();
    clock.advance({ minutes: 2 });
    expect(await webhooks.worker.runOnce()).toMatchObject({ sent: 2 });
    expect(healing.sink.received().map((r) => (r.payload['data'] as { step: number }).step)).toEqual([1, 2]);
    expect(await webhooks.admin.get(healing.endpoint.id)).toMatchObject({ status: 'enabled', consecutive_failures: 0 });
  });
});
