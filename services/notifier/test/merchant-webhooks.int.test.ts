import { installAccessLayer } from '@parcelwatch/access';
import { parseOutboundAllow } from '@parcelwatch/outbound';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KafkaBus, OutboxRelay, rawParser, type RawMessage } from '@parcelwatch/bus';
import { EVENT_TYPES, newId, parseEvent } from '@parcelwatch/contracts';
import { createDb, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import { createTestDatabase, kafkaBrokers, uniqueTopic } from '@parcelwatch/test-harness';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { startWebhookSink, type WebhookSink } from '../src/sinks/webhook-sink.js';
import { createMerchantWebhooks, seededRandom, type MerchantWebhooksSubsystem } from '../src/webhooks/index.js';
import { seedMerchant, shipmentEvent, stepsByShipment } from './webhooks-support.js';

// Issue 6's done-when on PostgreSQL 15 and Kafka: a receiver that is down for a while gets every
// message once it is back, in order per shipment; every attempt reaches the `notifications` topic.

const logger = createLogger({ name: 'merchant-webhooks-int', level: 'silent' });
const clock = fixedClock('2026-11-23T09:00:00Z');
const SHIPMENTS = 4;
const EVENTS = 5;
const DISABLE_AFTER = 12;

async function waitFor(description: string, condition: () => Promise<boolean> | boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('merchant webhooks on PostgreSQL and Kafka', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let bus: KafkaBus;
  let app: FastifyInstance;
  let base = '';
  let webhooks: MerchantWebhooksSubsystem;
  const sinks: WebhookSink[] = [];
  const topic = uniqueTopic('notifications');

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 6 });
    bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'merchant-webhooks-int', logger });
    await bus.connect();
    await bus.ensureTopics([{ name: topic, partitions: 3 }]);
    webhooks = createMerchantWebhooks({
      db,
      clock,
      logger,
      notificationsTopic: topic,
      // The receivers are on loopback: allowed explicitly, as an on-premises receiver would be.
      allow: parseOutboundAllow('127.0.0.1/32').entries,
      worker: { intervalMs: 0, disableAfterFailures: DISABLE_AFTER, random: seededRandom(6), timeoutMs: 5_000, batchSize: 7 },
    });
    app = Fastify({ logger: false });
    // The routes alone, every caller trusted (access off); without a layer they would answer nobody.
    installAccessLayer(app, { db, clock, logger, options: { enabled: false }, rateLimits: false });
    webhooks.registerRoutes(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = typeof address === 'object' && address !== null ? `http://127.0.0.1:${address.port}` : '';
  });

  afterAll(async () => {
    for (const sink of sinks) await sink.close();
    await app?.close();
    await bus?.disconnect();
    await db?.destroy();
    await database?.drop();
  });

  async function call(method: string, path: string, payload?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${base}${path}`, {
      method,
      ...(payload === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function merchantWithReceiver(name: string) {
    const merchantId = await seedMerchant(db, name);
    const created = await call('POST', '/v1/webhook-endpoints', { merchantId, url: 'http://127.0.0.1:9/unset' });
    expect(created.status).toBe(201);
    const endpointId = String(created.body['id']);
    const sink = await startWebhookSink({ secret: String(created.body['secret']), nowSeconds: () => Math.floor(clock.now().toSeconds()) });
    sinks.push(sink);
    expect((await call('PATCH', `/v1/webhook-endpoints/${endpointId}`, { url: sink.url })).status).toBe(200);
    const shipments = Array.from({ length: SHIPMENTS }, () => newId());
    return { merchantId, endpointId, sink, shipments };
  }

  it('delivers every message once, in order per shipment, after a long outage (admin enable) and a short one (no action); replays; announces every attempt', async () => {
    const bad = await call('POST', '/v1/webhook-endpoints', { merchantId: newId(), url: 'file:///etc/passwd' });
    expect(bad.status).toBe(400);
    expect(String(bad.body['message'])).toMatch(/url: must be an http\(s\) URL/);
    expect((await call('POST', `/v1/webhook-endpoints/${newId()}/enable`)).status).toBe(404);

    const long = await merchantWithReceiver('long-outage');
    const short = await merchantWithReceiver('short-outage');
    const start = clock.now().toISO()!;
    await long.sink.down('refuse');
    await short.sink.down('unavailable');

    // Interleaved across shipments and merchants, each event enqueued twice (a redelivery).
    let fresh = 0;
    for (let n = 1; n <= EVENTS; n += 1) {
      for (const m of [long, short]) {
        for (const s of m.shipments) {
          const event = shipmentEvent(m.merchantId, s, n);
          fresh += await db.transaction().execute((trx) => webhooks.enqueue(trx, event));
          expect(await webhooks.enqueue(db, event)).toBe(0);
        }
      }
    }
    expect(fresh).toBe(2 * SHIPMENTS * EVENTS);

    // Each round, every queue head fails once: 4 failures per endpoint per round.
    const rounds = [];
    for (let round = 1; round <= 3; round += 1) {
      if (round === 3) await short.sink.up();
      rounds.push(await webhooks.worker.runOnce());
      clock.advance({ minutes: 10 });
    }
    // Round 3: the long outage's 12th failure in a row disables it; the short one is back.
    expect(rounds).toEqual([
      { sent: 0, retryLater: 8, failed: 0 },
      { sent: 0, retryLater: 8, failed: 0 },
      { sent: SHIPMENTS * EVENTS, retryLater: 3, failed: 1 },
    ]);
    const disabled = await call('GET', `/v1/webhook-endpoints/${long.endpointId}`);
    expect(disabled.body).toMatchObject({ status: 'disabled', consecutiveFailures: DISABLE_AFTER, disabledReason: `${DISABLE_AFTER} consecutive failed attempts (last: network_error)` });
    expect((await call('GET', `/v1/webhook-endpoints/${short.endpointId}`)).body).toMatchObject({ status: 'enabled', consecutiveFailures: 0 });
    expect(short.sink.unavailableAnswers()).toBe(2 * SHIPMENTS);

    // Back up, but disabled: nothing moves until an admin enables it; nothing was dropped.
    await long.sink.up();
    clock.advance({ hours: 2 });
    expect(await webhooks.worker.runOnce()).toEqual({ sent: 0, retryLater: 0, failed: 0 });
    const pending = await call('GET', `/v1/webhook-endpoints/${long.endpointId}/deliveries?status=pending&limit=500`);
    expect((pending.body['items'] as unknown[]).length).toBe(SHIPMENTS * EVENTS);
    const enabled = await call('POST', `/v1/webhook-endpoints/${long.endpointId}/enable`);
    // Their backoff has long run out, so none needed moving forward (dueNow counts those that did).
    expect(enabled.body).toMatchObject({ status: 'enabled', consecutiveFailures: 0, disabledReason: null, dueNow: 0 });
    for (;;) {
      const round = await webhooks.worker.runOnce();
      expect(round.retryLater + round.failed).toBe(0);
      if (round.sent === 0) break;
    }

    for (const m of [long, short]) {
      const got = m.sink.received();
      expect(got).toHaveLength(SHIPMENTS * EVENTS);
      expect(new Set(got.map((r) => r.messageId)).size).toBe(SHIPMENTS * EVENTS);
      const steps = Array.from({ length: EVENTS }, (_, i) => i + 1);
      expect(stepsByShipment(got.map((r) => r.payload))).toEqual(new Map(m.shipments.map((s) => [s, steps])));
      expect(m.sink.rejected()).toEqual([]);
    }

    // Replay one shipment of the short outage: the same bytes, in order, signed anew.
    clock.advance({ minutes: 5 });
    const replayShipment = short.shipments[1]!;
    const replay = await call('POST', `/v1/webhook-endpoints/${short.endpointId}/replay`, { since: start, shipmentId: replayShipment });
    expect(replay).toEqual({ status: 202, body: { replayed: EVENTS } });
    expect((await webhooks.worker.runOnce()).sent).toBe(EVENTS);
    const replayed = short.sink.received().slice(SHIPMENTS * EVENTS);
    const originals = short.sink.received().slice(0, SHIPMENTS * EVENTS).filter((r) => r.payload['shipmentId'] === replayShipment);
    expect(replayed.map((r) => r.rawBody)).toEqual(originals.map((r) => r.rawBody));
    expect(replayed.every((r) => r.timestamp === Math.floor(clock.now().toSeconds()))).toBe(true);
    expect(short.sink.rejected()).toEqual([]);

    // Every attempt, relayed to Kafka: valid notification events keyed by shipment.
    const relay = new OutboxRelay({ db, bus, logger });
    while ((await relay.relayOnce()) > 0);
    const expectedSent = 2 * SHIPMENTS * EVENTS + EVENTS;
    const expectedFailed = DISABLE_AFTER + 2 * SHIPMENTS;
    const received: RawMessage[] = [];
    const reader = bus.subscribe({ topics: topic, groupId: `${topic}-reader`, parse: rawParser(), handler: async (batch) => void received.push(...batch) });
    await reader.start();
    try {
      await waitFor('notification events consumed', () => received.length >= expectedSent + expectedFailed);
    } finally {
      await reader.stop();
    }
    expect(received).toHaveLength(expectedSent + expectedFailed);
    const parsed = received.map((message) => ({ key: message.key, result: parseEvent('notifications', message.value?.toString('utf8')) }));
    const events = parsed.map(({ key, result }) => {
      if (!result.ok) throw new Error(`invalid notification event: ${result.reason}`);
      expect(key).toBe(result.event.subject);
      return result.event;
    });
    expect(events.filter((e) => e.type === EVENT_TYPES.notificationSent)).toHaveLength(expectedSent);
    expect(events.filter((e) => e.type === EVENT_TYPES.notificationFailed)).toHaveLength(expectedFailed);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.every((e) => e.data.channel === 'merchant_webhook')).toBe(true);
    const sentIds = new Set(events.filter((e) => e.type === EVENT_TYPES.notificationSent).map((e) => e.data.notificationId));
    const rows = await db.selectFrom('webhook_deliveries').select(['id', 'status', 'body_sha256', 'provider_message_id']).execute();
    expect(rows.every((row) => row.status === 'delivered' && sentIds.has(row.id as never) && row.provider_message_id === null)).toBe(true);
    const sentHash = events.find((e) => e.type === EVENT_TYPES.notificationSent && e.data.notificationId === rows[0]!.id)?.data.bodySha256;
    expect(sentHash).toBe(rows[0]!.body_sha256.trim());
  });
});
