import { installAccessLayer } from '@parcelwatch/access';
import { parseOutboundAllow } from '@parcelwatch/outbound';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { startWebhookSink, type WebhookSink } from '../src/sinks/webhook-sink.js';
import { createMerchantWebhooks, type MerchantWebhooksSubsystem } from '../src/webhooks/index.js';
import { EXCEPTION, MILESTONE, seedMerchant, shipmentEvent, stepsByShipment } from './webhooks-support.js';

const logger = createLogger({ name: 'webhook-routes-test', level: 'silent' });
const clock = fixedClock('2026-11-23T09:00:00Z');

describe('webhook endpoint admin routes', () => {
  let db: Kysely<Database>;
  let app: FastifyInstance;
  let webhooks: MerchantWebhooksSubsystem;
  let sink: WebhookSink | undefined;
  let merchant: string;
  let base = '';

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    merchant = await seedMerchant(db, 'routes');
    webhooks = createMerchantWebhooks({ db, clock, logger, worker: { intervalMs: 0 }, allow: parseOutboundAllow('127.0.0.1/32').entries });
    app = Fastify({ logger: false });
    // The routes alone, every caller trusted (access off); without a layer they would answer nobody.
    installAccessLayer(app, { db, clock, logger, options: { enabled: false }, rateLimits: false });
    webhooks.registerRoutes(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = typeof address === 'object' && address !== null ? `http://127.0.0.1:${address.port}` : '';
  });

  /** Real HTTP on loopback (light-my-request's inject does not load under jest's ESM mode). */
  async function call(method: string, url: string, payload?: unknown) {
    const response = await fetch(`${base}${url}`, {
      method,
      ...(payload === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }),
    });
    const text = await response.text();
    return { statusCode: response.status, json: () => JSON.parse(text) };
  }
  afterAll(async () => {
    await sink?.close();
    await app?.close();
    await db?.destroy();
  });

  it('refuses bad input with 400/404/422 and a message saying what is wrong', async () => {
    const post = (payload: unknown) => call('POST', '/v1/webhook-endpoints', payload);
    const ftp = await post({ merchantId: merchant, url: 'ftp://example.test/hook' });
    expect(ftp.statusCode).toBe(400);
    expect(ftp.json()).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('url: must be an http(s) URL') });
    expect((await post({ merchantId: 'shop-1', url: 'https://example.test/hook' })).json().message).toMatch(/^merchantId: /);
    expect((await post({ merchantId: merchant, url: 'https://example.test/hook', eventTypes: ['shipment.delivered'] })).statusCode).toBe(400);
    expect((await post({ merchantId: merchant, url: 'https://example.test/hook', secret: 'mine' })).statusCode).toBe(400);
    expect((await post({ merchantId: newId(), url: 'https://example.test/hook' })).statusCode).toBe(422);
    expect((await call('GET', '/v1/webhook-endpoints')).statusCode).toBe(400);
    expect((await call('GET', `/v1/webhook-endpoints/${newId()}`)).statusCode).toBe(404);
    expect((await call('GET', '/v1/webhook-endpoints/not-a-uuid')).statusCode).toBe(400);
    expect((await call('PATCH', `/v1/webhook-endpoints/${newId()}`, {})).json().message).toMatch(/give url or eventTypes/);
    const replay = await call('POST', `/v1/webhook-endpoints/${newId()}/replay`, { since: '2026-11-23T10:00:00Z', until: '2026-11-23T09:00:00Z' });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().message).toMatch(/until: until must be after since/);
  });

  it('creates (secret shown once), lists, patches, replays in order with fresh signatures, rotates and deletes', async () => {
    const created = await call('POST', '/v1/webhook-endpoints', { merchantId: merchant, url: 'http://127.0.0.1:9/x', eventTypes: [EXCEPTION] });
    expect(created.statusCode).toBe(201);
    const endpoint = created.json() as { id: string; secret: string };
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const fetched = (await call('GET', `/v1/webhook-endpoints/${endpoint.id}`)).json();
    expect(fetched).toMatchObject({ id: endpoint.id, merchantId: merchant, status: 'enabled', eventTypes: [EXCEPTION] });
    expect(fetched).not.toHaveProperty('secret');
    const listed = (await call('GET', `/v1/webhook-endpoints?merchantId=${merchant}`)).json();
    expect(listed.items.map((e: { id: string }) => e.id)).toEqual([endpoint.id]);
    expect(JSON.stringify(listed)).not.toContain(endpoint.secret);

    sink = await startWebhookSink({ secret: endpoint.secret, nowSeconds: () => Math.floor(clock.now().toSeconds()) });
    const patched = await call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { url: sink.url, eventTypes: null });
    expect(patched.json()).toMatchObject({ url: sink.url, eventTypes: null });

    const [s1, s2] = [newId(), newId()];
    const since = clock.now().toISO()!;
    for (const n of [1, 2, 3]) for (const s of [s1!, s2!]) await webhooks.enqueue(db, shipmentEvent(merchant, s, n, MILESTONE));
    expect((await webhooks.worker.runOnce()).sent).toBe(6);
    const firstTimestamps = sink.received().map((r) => r.timestamp);

    const page1 = (await call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=4`)).json();
    expect(page1.items).toHaveLength(4);
    const page2 = (await call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=4&cursor=${page1.nextCursor}`)).json();
    expect(page2.items).toHaveLength(2);
    expect(page2.nextCursor).toBeNull();
    expect(page1.items[0]).toMatchObject({ status: 'delivered', attempts: 1, lastStatusClass: '2xx', lastError: null, replayOf: null });
    const byShipment = (await call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries?shipmentId=${s2}&status=delivered`)).json();
    expect(byShipment.items.map((d: { payload: { data: { step: number } } }) => d.payload.data.step)).toEqual([1, 2, 3]);

    clock.advance({ minutes: 10 });
    const replayed = await call('POST', `/v1/webhook-endpoints/${endpoint.id}/replay`, { since, shipmentId: s1 });
    expect(replayed.statusCode).toBe(202);
    expect(replayed.json()).toEqual({ replayed: 3 });
    expect((await webhooks.worker.runOnce()).sent).toBe(3);
    const all = sink.received();
    const again = all.slice(6);
    // Same bytes and message ids as the originals, in order, signed now (10 minutes later).
    const originals = all.slice(0, 6).filter((r) => r.payload['shipmentId'] === s1);
    expect(again.map((r) => r.rawBody)).toEqual(originals.map((r) => r.rawBody));
    expect(again.map((r) => r.messageId)).toEqual(originals.map((r) => r.messageId));
    expect(again.every((r) => r.timestamp === Math.floor(clock.now().toSeconds()) && r.timestamp > firstTimestamps[0]!)).toBe(true);
    expect(stepsByShipment(again.map((r) => r.payload))).toEqual(new Map([[s1, [1, 2, 3]]]));
    expect(sink.rejected()).toEqual([]);

    const rotated = (await call('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`)).json();
    expect(rotated.secret).not.toBe(endpoint.secret);
    await webhooks.enqueue(db, shipmentEvent(merchant, s1!, 4, MILESTONE));
    // The receiver still verifies with the old secret: it refuses, the delivery waits for it.
    expect(await webhooks.worker.runOnce()).toMatchObject({ sent: 0, retryLater: 1 });
    expect(sink.rejected()).toEqual([{ reason: 'bad_signature', messageId: expect.any(String) }]);
    sink.useSecret(rotated.secret);
    clock.advance({ minutes: 1 });
    expect((await webhooks.worker.runOnce()).sent).toBe(1);

    expect((await call('DELETE', `/v1/webhook-endpoints/${endpoint.id}`)).json()).toMatchObject({ status: 'deleted' });
    expect((await call('GET', `/v1/webhook-endpoints/${endpoint.id}`)).statusCode).toBe(404);
    expect((await call('POST', `/v1/webhook-endpoints/${endpoint.id}/enable`)).statusCode).toBe(404);
    expect(await webhooks.enqueue(db, shipmentEvent(merchant, s1!, 5, MILESTONE))).toBe(0);
  });
});
