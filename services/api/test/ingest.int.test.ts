import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import { parseEvent } from '@parcelwatch/contracts';
import { createDb, loadBuyerTotals, type Database } from '@parcelwatch/db';
import { createTestDatabase } from '@parcelwatch/test-harness';
import { aftershipSignature, countRows, createMerchant, NOW, outboxRows, seventeenTrackSign, startTestApi, type TestApi } from './api-test-kit.js';

/** Registration and webhook intake against real PostgreSQL: concurrency and replay behave as in production. */
describe('api ingest on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let t: TestApi;
  let merchantId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 8 });
    t = await startTestApi({}, db);
    merchantId = await createMerchant(db);
  });
  afterAll(async () => {
    await t?.close();
    await db?.destroy();
    await database?.drop();
  });

  it('registers a bulk batch once, even when the same batch races itself', async () => {
    const shipments = Array.from({ length: 300 }, (_, i) => ({
      merchantId,
      orderId: `INT-${i}`,
      trackingNumber: `YT${String(1_000_000_000_000_000 + i).slice(0, 16)}`,
      destinationCountry: 'US',
      buyer: { email: `buyer${i}@example.com`, locale: 'en-US' },
    }));
    const responses = await Promise.all([t.post('/v1/shipments', { shipments }), t.post('/v1/shipments', { shipments })]);
    for (const response of responses) expect(response.status).toBe(207);
    const created = responses.reduce((sum, response) => sum + response.body.summary.created, 0);
    const existing = responses.reduce((sum, response) => sum + response.body.summary.existing, 0);
    expect(created).toBe(300);
    expect(existing).toBe(300);
    const ids = (response: { body: { results: { shipment: { id: string } }[] } }) => response.body.results.map((r) => r.shipment.id);
    expect(ids(responses[0] as never)).toEqual(ids(responses[1] as never));

    expect(await countRows(db, 'shipments')).toBe(300);
    expect(await countRows(db, 'buyer_contacts')).toBe(300);
    const events = await outboxRows(db, 'shipments');
    expect(events).toHaveLength(300);
    for (const event of events) {
      expect(parseEvent('shipments', event.event).ok).toBe(true);
      expect(JSON.stringify(event.event)).not.toMatch(/@example\.com/);
    }
    const due = await db.selectFrom('shipments').select('next_poll_at').distinct().execute();
    expect(due.map((row) => row.next_poll_at?.toISOString())).toEqual([NOW]);
  });

  it('counts every order of buyers registered by concurrent batches once, without deadlock, when each batch also races a copy of itself', async () => {
    const emails = ['ana@example.com', 'Ben@Example.com', 'cai+shop@example.com'];
    // 36 orders, 3 buyers, 6 batches each naming the buyers in a different order.
    const orders = Array.from({ length: 36 }, (_, i) => ({
      merchantId,
      orderId: `CONC-${i}`,
      trackingNumber: `YT${String(3_000_000_000_000_000 + i)}`,
      destinationCountry: 'US',
      orderValue: { amountMinor: 1_000 + i, currency: 'USD' },
      buyer: { email: emails[(i * 7 + Math.floor(i / 6)) % 3] },
    }));
    const batches = Array.from({ length: 6 }, (_, b) => orders.filter((_, i) => i % 6 === b));
    const responses = await Promise.all(batches.flatMap((batch) => [t.post('/v1/shipments', { shipments: batch }), t.post('/v1/shipments', { shipments: [...batch].reverse() })]));
    for (const response of responses) expect(response.status).toBe(207);
    expect(responses.reduce((sum, response) => sum + response.body.summary.created, 0)).toBe(36);

    const buyerOf = new Map<string, string>();
    for (const response of responses) for (const result of response.body.results) buyerOf.set(result.shipment.orderId, result.shipment.buyerId);
    const expected = new Map<string, { orders: number; spend: number }>();
    orders.forEach((order, i) => {
      const buyerId = buyerOf.get(order.orderId)!;
      const totals = expected.get(buyerId) ?? { orders: 0, spend: 0 };
      expected.set(buyerId, { orders: totals.orders + 1, spend: totals.spend + 1_000 + i });
    });
    expect(expected.size).toBe(3);
    const stored = await loadBuyerTotals(db, [...expected.keys()]);
    for (const [buyerId, { orders: count, spend }] of expected) {
      expect(stored.get(buyerId)).toEqual({ buyerId, orderCount: count, spend: [{ amountMinor: spend, currency: 'USD' }] });
    }
  });

  it('accepts a signed webhook once; concurrent replays, a replay and a bad signature get 401 and write nothing', async () => {
    const registered = await t.post('/v1/shipments', { merchantId, orderId: 'INT-W', trackingNumber: 'RR123456785CN', destinationCountry: 'GB' });
    expect(registered.status).toBe(201);
    const raw = JSON.stringify({ event: 'TRACKING_UPDATED', data: { number: 'RR123456785CN', carrier: 3011, param: null, tag: '', track_info: null } });
    const before = { outbox: await countRows(db, 'outbox'), receipts: await countRows(db, 'webhook_receipts') };
    const post = (body: string, sign: string) =>
      fetch(`${t.url}/v1/webhooks/17track`, { method: 'POST', headers: { 'content-type': 'application/json', sign }, body });

    const statuses = (await Promise.all([1, 2, 3, 4].map(() => post(raw, seventeenTrackSign(raw))))).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401]);
    const after = { outbox: await countRows(db, 'outbox'), receipts: await countRows(db, 'webhook_receipts') };
    expect(after).toEqual({ outbox: before.outbox + 1, receipts: before.receipts + 1 });
    const [snapshot] = (await outboxRows(db, 'tracking.snapshots')).slice(-1);
    expect(snapshot?.message_key).toBe(registered.body.shipment.id);
    expect(parseEvent('tracking.snapshots', snapshot?.event).ok).toBe(true);

    expect((await post(raw, seventeenTrackSign(raw))).status).toBe(401);
    expect((await post(raw, aftershipSignature(raw))).status).toBe(401);
    expect({ outbox: await countRows(db, 'outbox'), receipts: await countRows(db, 'webhook_receipts') }).toEqual(after);
  });
});
