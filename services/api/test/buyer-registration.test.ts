import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseEvent, type ShipmentRegisteredEvent } from '@parcelwatch/contracts';
import { loadBuyerTotals } from '@parcelwatch/db';
import { createMerchant, outboxRows, startTestApi, type ResponseBody, type TestApi } from './api-test-kit.js';

/** Buyer identity and lifetime spend as registration builds them, through the api (PGlite). */
describe('buyers across a merchant orders', () => {
  let t: TestApi;
  let merchantId: string;
  let tracking = 0;

  beforeAll(async () => {
    t = await startTestApi();
    merchantId = await createMerchant(t.db);
  });
  afterAll(async () => t.close());

  const nextTracking = () => `YT${String(7_100_000_000_000_000 + (tracking += 1))}`;
  const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
  const order = (orderId: string, buyer: Record<string, unknown> | undefined, orderValue: unknown = usd(10_000), extra: Record<string, unknown> = {}) => ({
    merchantId,
    orderId,
    trackingNumber: nextTracking(),
    destinationCountry: 'US',
    ...(orderValue === null ? {} : { orderValue }),
    ...(buyer === undefined ? {} : { buyer }),
    ...extra,
  });

  /** The registration events written since `since` rows of the shipments topic. */
  async function registeredSince(since: number): Promise<ShipmentRegisteredEvent[]> {
    return (await outboxRows(t.db, 'shipments')).slice(since).map((row) => {
      const parsed = parseEvent('shipments', row.event);
      if (!parsed.ok || parsed.event.type !== 'parcelwatch.shipment.registered.v1') throw new Error('not a registration event');
      return parsed.event as ShipmentRegisteredEvent;
    });
  }
  const outboxSize = async () => (await outboxRows(t.db, 'shipments')).length;
  const buyerOf = async (shipmentId: string) => (await t.db.selectFrom('shipments').select('buyer_id').where('id', '=', shipmentId).executeTakeFirstOrThrow()).buyer_id;
  const totals = async (buyerId: string) => (await loadBuyerTotals(t.db, [buyerId])).get(buyerId);

  it('names one buyer for the same email typed differently, and adds each new order once to the order count and spend', async () => {
    const since = await outboxSize();
    const first = await t.post('/v1/shipments', order('B-1', { email: 'jane.buyer@example.com' }, usd(12_000)));
    const second = await t.post('/v1/shipments', order('B-2', { email: 'Jane.Buyer+TikTok@EXAMPLE.com', name: 'Jane' }, usd(8_050)));
    expect([first.status, second.status]).toEqual([201, 201]);
    const buyerId = first.body.shipment.buyerId as string;
    expect(buyerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.body.shipment.buyerId).toBe(buyerId);
    expect(await buyerOf(second.body.shipment.id)).toBe(buyerId);
    // Contacts stay per order: each registration keeps the details it was given.
    const contacts = await t.db.selectFrom('buyer_contacts').select(['email', 'name']).where('id', 'in', [first.body.shipment.buyerContactId, second.body.shipment.buyerContactId]).execute();
    expect(contacts.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''))).toEqual([{ email: 'jane.buyer@example.com', name: null }, { email: 'Jane.Buyer+TikTok@EXAMPLE.com', name: 'Jane' }]);

    expect(await totals(buyerId)).toEqual({ buyerId, orderCount: 2, spend: [usd(20_050)] });
    const events = await registeredSince(since);
    expect(events.map((e) => e.data.buyer)).toEqual([
      { contactId: first.body.shipment.buyerContactId, buyerId, locale: null, timeZone: null, lifetimeSpend: usd(12_000), lifetimeSpendByCurrency: [usd(12_000)], orderCount: 1 },
      { contactId: second.body.shipment.buyerContactId, buyerId, locale: null, timeZone: null, lifetimeSpend: usd(20_050), lifetimeSpendByCurrency: [usd(20_050)], orderCount: 2 },
    ]);
    for (const event of events) expect(JSON.stringify(event).toLowerCase()).not.toContain('jane');
  });

  it('adds nothing for a repeated registration, and counts an order shipped in two parcels once', async () => {
    const buyer = { email: 'parcels@example.com' };
    const first = order('P-1', buyer, usd(30_000));
    const created = await t.post('/v1/shipments', first);
    const buyerId = created.body.shipment.buyerId as string;
    const since = await outboxSize();
    const repeat = await t.post('/v1/shipments', first);
    expect(repeat.status).toBe(200);
    const secondParcel = await t.post('/v1/shipments', { ...first, trackingNumber: nextTracking() });
    expect(secondParcel.status).toBe(201);
    expect(secondParcel.body.shipment.buyerId).toBe(buyerId);
    expect(await totals(buyerId)).toEqual({ buyerId, orderCount: 1, spend: [usd(30_000)] });
    const events = await registeredSince(since);
    expect(events.map((e) => [e.data.buyer.orderCount, e.data.buyer.lifetimeSpend])).toEqual([[1, usd(30_000)]]);
  });

  it('takes an order value from a later parcel when the first parcel had none, still counting the order once', async () => {
    const buyer = { email: 'late-value@example.com' };
    const created = await t.post('/v1/shipments', order('V-1', buyer, null));
    const buyerId = created.body.shipment.buyerId as string;
    expect(await totals(buyerId)).toEqual({ buyerId, orderCount: 1, spend: [] });
    await t.post('/v1/shipments', order('V-1', buyer, usd(4_500)));
    await t.post('/v1/shipments', order('V-1', buyer, usd(9_999)));
    expect(await totals(buyerId)).toEqual({ buyerId, orderCount: 1, spend: [usd(4_500)] });
  });

  it('applies a history once: the greater of the known and the given value, never added, on a new order or a replay', async () => {
    const since = await outboxSize();
    const history = { orders: 12, spend: usd(41_000) };
    const first = order('H-1', { email: 'loyal@example.com', history }, usd(5_000));
    const created = await t.post('/v1/shipments', first);
    const buyerId = created.body.shipment.buyerId as string;
    expect(await totals(buyerId)).toEqual({ buyerId, orderCount: 13, spend: [usd(46_000)] });
    // The same history with the next order, and a smaller one with a replay: nothing more.
    await t.post('/v1/shipments', order('H-2', { email: 'loyal@example.com', history }, usd(1_000)));
    await t.post('/v1/shipments', { ...first, buyer: { email: 'loyal@example.com', history: { orders: 3, spend: usd(100) } } });
    expect(await totals(buyerId)).toEqual({ buyerId, orderCount: 14, spend: [usd(47_000)] });
    // A greater history (the seller's corrected export), given with a replay: raised to it.
    await t.post('/v1/shipments', { ...first, buyer: { email: 'loyal@example.com', history: { orders: 20, spend: usd(60_000) } } });
    expect(await totals(buyerId)).toEqual({ buyerId, orderCount: 22, spend: [usd(66_000)] });
    const events = await registeredSince(since);
    expect(events.map((e) => [e.data.buyer.orderCount, e.data.buyer.lifetimeSpend])).toEqual([
      [13, usd(46_000)],
      [14, usd(47_000)],
    ]);
  });

  it('refuses a history without a buyer to attach it to, naming the field', async () => {
    for (const buyer of [{ name: 'No Contact', history: { orders: 2 } }, { phone: '555 123 4567', history: { orders: 2 } }]) {
      const response = await t.post('/v1/shipments', order('H-X', buyer));
      expect(response.status).toBe(400);
      expect(response.body.issues).toEqual([{ path: 'buyer.history', message: 'needs buyer.email or an E.164 buyer.phone: the history belongs to the buyer they identify' }]);
    }
    const empty = await t.post('/v1/shipments', order('H-Y', { email: 'x@example.com', history: {} }));
    expect(empty.status).toBe(400);
    expect(empty.body.issues).toEqual([{ path: 'buyer.history', message: 'must give orders, spend or both' }]);
  });

  it('identifies a buyer by an E.164 phone without an email; no buyer without either', async () => {
    const byPhone = await t.post('/v1/shipments', order('PH-1', { phone: '+44 20 7946 0958' }));
    const again = await t.post('/v1/shipments', order('PH-2', { phone: '+442079460958', name: 'Sam' }));
    expect(byPhone.body.shipment.buyerId).not.toBeNull();
    expect(again.body.shipment.buyerId).toBe(byPhone.body.shipment.buyerId);
    const since = await outboxSize();
    const local = await t.post('/v1/shipments', order('PH-3', { phone: '020 7946 0958', locale: 'en-GB' }));
    const anonymous = await t.post('/v1/shipments', order('PH-4', undefined));
    expect([local.body.shipment.buyerId, anonymous.body.shipment.buyerId]).toEqual([null, null]);
    const events = await registeredSince(since);
    expect(events.map((e) => [e.data.buyer.buyerId, e.data.buyer.lifetimeSpend, e.data.buyer.orderCount])).toEqual([
      [null, null, null],
      [null, null, null],
    ]);
  });

  it('keeps one buyer apart per merchant, and spend per currency', async () => {
    const other = await createMerchant(t.db);
    const here = await t.post('/v1/shipments', order('MC-1', { email: 'traveller@example.com' }, usd(10_000)));
    const there = await t.post('/v1/shipments', { ...order('MC-1', { email: 'traveller@example.com' }, usd(99_900)), merchantId: other });
    expect(there.body.shipment.buyerId).not.toBe(here.body.shipment.buyerId);
    const since = await outboxSize();
    await t.post('/v1/shipments', order('MC-2', { email: 'traveller@example.com' }, { amountMinor: 4_600, currency: 'EUR' }));
    const buyerId = here.body.shipment.buyerId as string;
    expect(await totals(buyerId)).toEqual({ buyerId, orderCount: 2, spend: [{ amountMinor: 4_600, currency: 'EUR' }, usd(10_000)] });
    const [event] = await registeredSince(since);
    expect(event?.data.buyer).toMatchObject({ lifetimeSpend: null, lifetimeSpendByCurrency: [{ amountMinor: 4_600, currency: 'EUR' }, usd(10_000)], orderCount: 2 });
  });

  it('reports the figures after each order when one batch carries several orders of a buyer', async () => {
    const since = await outboxSize();
    const buyer = { email: 'batch@example.com' };
    const response = await t.post('/v1/shipments', { shipments: [order('BT-1', buyer, usd(1_000)), order('BT-2', buyer, usd(2_000)), order('BT-3', buyer, usd(3_000))] });
    expect(response.status).toBe(207);
    const events = await registeredSince(since);
    expect(events.map((e) => [e.data.orderRef, e.data.buyer.orderCount, e.data.buyer.lifetimeSpend?.amountMinor])).toEqual([
      ['BT-1', 1, 1_000],
      ['BT-2', 2, 3_000],
      ['BT-3', 3, 6_000],
    ]);
  });

  it('takes the history from CSV columns, and names a bad history cell by its column', async () => {
    const header = 'merchantId,orderId,trackingNumber,destinationCountry,orderValueMinor,orderCurrency,buyerEmail,buyerHistoryOrders,buyerHistorySpendMinor,buyerHistorySpendCurrency';
    const csv = [
      header,
      `${merchantId},CSV-1,${nextTracking()},US,2500,USD,Csv.Buyer@Example.com,7,30000,USD`,
      `${merchantId},CSV-2,${nextTracking()},US,1500,USD,csv.buyer@example.com,,,`,
      `${merchantId},CSV-3,${nextTracking()},US,1500,USD,csv.buyer@example.com,many,12.50,USD`,
    ].join('\n');
    const response = await fetch(`${t.url}/v1/shipments/import`, { method: 'POST', headers: { 'content-type': 'text/csv', ...t.headers }, body: csv });
    const body = (await response.json()) as ResponseBody;
    expect(body.summary).toEqual({ created: 2, existing: 0, errors: 1 });
    expect(body.results[2].issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['buyerHistoryOrders', 'buyerHistorySpendMinor']);
    const buyerId = body.results[0].shipment.buyerId as string;
    expect(body.results[1].shipment.buyerId).toBe(buyerId);
    expect(await totals(buyerId)).toEqual({ buyerId, orderCount: 9, spend: [usd(34_000)] });
  });
});
