import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startSandbox, type SandboxUnderTest } from '../../test/sandbox-client.js';
import { signedCall, specSign, type SellerApp, type SignedCall } from '../../test/tiktok-seller-client.js';

/*
 * TikTok Shop's seller APIs as parcelwatch calls them (remedies, order detail, buyer messages),
 * on a real loopback listener, signed by the test's own signer written from the spec.
 */
const SHOP: SellerApp = { appKey: 'seller-app', appSecret: 'seller-secret', accessToken: 'seller-token', shopCipher: 'ROW_shop_1' };
const REFUND = '/return_refund/202309/returns';
const COUPON = '/promotion/202406/coupons/compensations';
const replacement = (orderId: string) => `/fulfillment/202309/orders/${orderId}/replacements`;

let sandbox: SandboxUnderTest;
let orderId: string;
let otherOrderId: string;

const call = (c: SignedCall) => signedCall(sandbox, SHOP, c);
const refund = (key: string, body: Record<string, unknown>, extra: Partial<SignedCall> = {}) =>
  call({ method: 'POST', path: REFUND, query: { idempotency_key: key }, body, ...extra });
const refundBody = (order: string, amount: string, currency = 'USD') => ({
  order_id: order,
  return_type: 'REFUND',
  return_reason: 'seller_compensation_tier_2',
  refund_total: amount,
  currency,
  add_ons: [],
});
const ledger = async () => (await sandbox.call('GET', '/sandbox/marketplace')).json;

beforeAll(async () => {
  sandbox = await startSandbox({
    rateLimits: { tiktok: null },
    credentials: { tiktokApps: [{ appKey: SHOP.appKey, appSecret: SHOP.appSecret, accessTokens: [SHOP.accessToken], shopCiphers: [SHOP.shopCipher, 'ROW_shop_2'] }] },
  });
  const created = await sandbox.call('POST', '/sandbox/shipments', {
    body: { shipments: [{ trackingNumber: 'LX300000001CN', shippedAt: '2025-03-01T00:00:00Z', lane: 'CN-US' }, { trackingNumber: 'LX300000002CN', shippedAt: '2025-03-02T00:00:00Z' }] },
  });
  [orderId, otherOrderId] = created.json.created.map((c: { orderId: string }) => c.orderId);
  const registered = await sandbox.call('PUT', '/sandbox/marketplace/orders', { body: { orders: [{ orderId, value: { amountMinor: 4_000, currency: 'USD' } }] } });
  expect(registered.status).toBe(200);
});
afterAll(() => sandbox.stop());
beforeEach(async () => {
  sandbox.service.faults.configure({});
  expect((await sandbox.call('DELETE', '/sandbox/marketplace')).status).toBe(204);
});

describe('the test signer', () => {
  it("reproduces TikTok's published test vector", () => {
    expect(specSign('e59af819cc', '/authorization/202309/shops', { app_key: '29a39d', timestamp: '1623812664' })).toBe(
      'b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8',
    );
  });
});

describe('remedies', () => {
  it('applies a signed refund, coupon and replacement and answers their ids', async () => {
    const refunded = await refund('k-refund-1', { ...refundBody(orderId, '12.50'), unknown_field: { nested: true } });
    expect(refunded.status).toBe(200);
    expect(refunded.json).toMatchObject({ code: 0, message: 'Success', data: { return_id: expect.stringMatching(/^\d{18}$/) } });

    const coupon = await call({ method: 'POST', path: COUPON, query: { idempotency_key: 'k-coupon-1' }, body: { order_id: orderId, coupon_type: 'AMOUNT_OFF', amount: '5.00', currency: 'USD', reason: 'tier 1' } });
    expect(coupon.json).toMatchObject({ code: 0, data: { coupon_id: expect.any(String) } });
    const voucher = await call({ method: 'POST', path: COUPON, query: { idempotency_key: 'k-coupon-2' }, body: { order_id: otherOrderId, coupon_type: 'FREE_SHIPPING' } });
    expect(voucher.json.code).toBe(0);

    const reship = await call({ method: 'POST', path: replacement(orderId), query: { idempotency_key: 'k-reship-1' }, body: { priority: true, add_ons: ['store_coupon'] } });
    const replacementId = reship.json.data.replacement_order_id;
    expect(reship.json.code).toBe(0);
    // The replacement is an order of the same buyer.
    const detail = await call({ method: 'GET', path: '/order/202309/orders', query: { ids: `${orderId},${replacementId}` } });
    const [original, replaced] = detail.json.data.orders;
    expect(replaced).toMatchObject({ id: replacementId, user_id: original.user_id, is_replacement_order: true, replaced_order_id: orderId });

    const { payouts, counts, paid } = await ledger();
    expect(payouts.map((p: { kind: string; orderId: string; amount: string | null; idempotencyKey: string }) => [p.kind, p.orderId, p.amount, p.idempotencyKey])).toEqual([
      ['refund', orderId, '12.50', 'k-refund-1'],
      ['coupon', orderId, '5.00', 'k-coupon-1'],
      ['coupon', otherOrderId, null, 'k-coupon-2'],
      ['reship', orderId, null, 'k-reship-1'],
    ]);
    expect(payouts[0]).toMatchObject({ currency: 'USD', type: 'REFUND', reference: refunded.json.data.return_id, shopCipher: SHOP.shopCipher, at: '2025-03-20T00:00:00.000Z' });
    expect(payouts[3]).toMatchObject({ priority: true, addOns: ['store_coupon'], reference: replacementId });
    expect(counts.payouts).toEqual({ total: 4, dropped: 0, byKind: { refund: 1, coupon: 2, reship: 1 } });
    expect(paid).toEqual({ refund: { USD: '12.50' }, coupon: { USD: '5.00' }, reship: {} });
  });

  it('pays a repeated idempotency key once and answers it with the first answer', async () => {
    const first = await refund('k-repeat', refundBody(otherOrderId, '3.00'));
    sandbox.clock.advance({ seconds: 20 });
    const again = await refund('k-repeat', refundBody(otherOrderId, '3.00'));
    sandbox.clock.set('2025-03-20T00:00:00Z');
    expect(first.json.code).toBe(0);
    expect(again.json).toEqual(first.json);
    // The same key for another remedy is a client bug, not a repeat.
    const reused = await refund('k-repeat', refundBody(otherOrderId, '4.00'));
    expect(reused.json.code).toBe(25001001);
    // Keys belong to a shop: another shop's same key is a new request.
    const otherShop = await refund('k-repeat', refundBody(otherOrderId, '3.00'), { app: { shopCipher: 'ROW_shop_2' } });
    expect(otherShop.json.data.return_id).not.toBe(first.json.data.return_id);

    const { payouts, counts } = await ledger();
    expect(payouts.map((p: { shopCipher: string }) => p.shopCipher)).toEqual([SHOP.shopCipher, 'ROW_shop_2']);
    expect(counts.requests.byOutcome).toEqual({ applied: 2, repeated: 1, 'refused 25001001': 1 });
  });

  it('refuses what the real API refuses, with its codes, and pays nothing', async () => {
    const body = refundBody(orderId, '1.00');
    const now = sandbox.clock.now().toSeconds();
    const cases: [string, Promise<{ json: { code: number } }>, number][] = [
      ['forged sign', refund('k-bad-1', body, { sign: specSign('not-the-secret', REFUND, { app_key: SHOP.appKey }) }), 106001],
      ['body changed after signing', refund('k-bad-2', body, { sign: specSign(SHOP.appSecret, REFUND, { app_key: SHOP.appKey, idempotency_key: 'k-bad-2', shop_cipher: SHOP.shopCipher, timestamp: String(Math.floor(now)) }, '{}') }), 106001],
      ['stale timestamp', refund('k-bad-3', body, { timestamp: now - 301 }), 36009004],
      ['timestamp ahead', refund('k-bad-4', body, { timestamp: now + 31 }), 36009004],
      ['unknown app', refund('k-bad-5', body, { app: { appKey: 'someone-else' } }), 36009004],
      ['wrong token', refund('k-bad-6', body, { app: { accessToken: 'stolen' } }), 105002],
      ['no token', refund('k-bad-7', body, { omit: ['token'] }), 105002],
      ['no shop cipher', refund('k-bad-8', body, { omit: ['shop_cipher'] }), 106013],
      ['foreign shop', refund('k-bad-9', body, { app: { shopCipher: 'ROW_not_ours' } }), 36009004],
      ['unknown order', refund('k-bad-10', refundBody('570000000000000000', '1.00')), 25007006],
      ['zero amount', refund('k-bad-11', refundBody(orderId, '0.00')), 25001001],
      ['negative amount', refund('k-bad-12', refundBody(orderId, '-1.00')), 25001001],
      ['number amount', refund('k-bad-13', { ...body, refund_total: 1 }), 25001001],
      ['too many decimals', refund('k-bad-14', refundBody(orderId, '1.005')), 25001001],
      ['not a currency', refund('k-bad-15', refundBody(orderId, '1.00', 'usd')), 25001001],
      ['other currency than the order', refund('k-bad-16', refundBody(orderId, '1.00', 'EUR')), 25001001],
      ['above the order value', refund('k-bad-17', refundBody(orderId, '40.01')), 25001001],
      ['no reason', refund('k-bad-18', { ...body, return_reason: undefined }), 25001001],
      ['unknown return type', refund('k-bad-19', { ...body, return_type: 'EXCHANGE' }), 25001001],
      ['no idempotency key', call({ method: 'POST', path: REFUND, body }), 25001001],
      ['no coupon type', call({ method: 'POST', path: COUPON, query: { idempotency_key: 'k-bad-20' }, body: { order_id: orderId, amount: '5.00', currency: 'USD' } }), 25001001],
      ['coupon without amount', call({ method: 'POST', path: COUPON, query: { idempotency_key: 'k-bad-21' }, body: { order_id: orderId, coupon_type: 'AMOUNT_OFF', currency: 'USD' } }), 25001001],
      ['replacement of an unknown order', call({ method: 'POST', path: replacement('999'), query: { idempotency_key: 'k-bad-22' }, body: { priority: false } }), 25007006],
      ['priority not a boolean', call({ method: 'POST', path: replacement(orderId), query: { idempotency_key: 'k-bad-23' }, body: { priority: 'yes' } }), 25001001],
    ];
    for (const [name, answer, code] of cases) expect([name, (await answer).json.code]).toEqual([name, code]);

    const { payouts, counts, requests } = await ledger();
    expect(payouts).toEqual([]);
    expect(counts.requests.total).toBe(cases.length);
    expect(requests.every((r: { outcome: string }) => r.outcome.startsWith('refused '))).toBe(true);
    expect(counts.requests.byOutcome['refused 106001']).toBe(2);
  });

  it('caps refunds at the order value in total, not per call', async () => {
    await sandbox.call('PUT', '/sandbox/marketplace/orders', { body: { orders: [{ orderId: 'CAP-1', value: { amountMinor: 4_000, currency: 'USD' } }] } });
    expect((await refund('k-cap-1', refundBody('CAP-1', '25.00'))).json.code).toBe(0);
    const over = await refund('k-cap-2', refundBody('CAP-1', '15.01'));
    expect([over.json.code, over.json.message]).toEqual([25001001, expect.stringContaining('15.00 USD')]);
    expect((await refund('k-cap-3', refundBody('CAP-1', '15.00'))).json.code).toBe(0);
    // The first refund's retry is still a repeat, even with nothing left to refund.
    expect((await refund('k-cap-1', refundBody('CAP-1', '25.00'))).json.code).toBe(0);
    expect((await sandbox.call('GET', '/sandbox/marketplace/orders/CAP-1')).json.refunded).toEqual({ amountMinor: 4_000, currency: 'USD' });
    expect((await ledger()).paid.refund).toEqual({ USD: '40.00' });
  });

  it('answers gate faults as TikTok does and pays once across the retry', async () => {
    sandbox.service.faults.configure({ tiktok: { retryAfterSeconds: 1, script: ['unavailable', 'rate_limited', 'malformed'] } });
    const down = await refund('k-fault', refundBody(otherOrderId, '2.00'));
    const limited = await refund('k-fault', refundBody(otherOrderId, '2.00'));
    // A cut answer: the marketplace applied the refund, the caller cannot read that it did.
    const cut = await refund('k-fault', refundBody(otherOrderId, '2.00'));
    const again = await refund('k-fault', refundBody(otherOrderId, '2.00'));
    expect([down.status, down.json.code, limited.status, limited.json.code, cut.status, cut.json, again.json.code]).toEqual([503, 36009003, 429, 36009002, 200, undefined, 0]);
    const { payouts, requests } = await ledger();
    expect(payouts.map((p: { reference: string }) => p.reference)).toEqual([again.json.data.return_id]);
    expect(requests.map((r: { outcome: string; status: number }) => [r.outcome, r.status])).toEqual([
      ['refused 36009003', 503],
      ['refused 36009002', 429],
      ['applied', 200],
      ['repeated', 200],
    ]);
    expect((await sandbox.call('GET', '/sandbox/marketplace/keys')).json).toEqual({ keys: { 'k-fault': { requests: 4, applied: 1, repeated: 1, refused: 2 } } });
  });

  it('counts remedy requests per idempotency key across an outage: refused while down, applied once after', async () => {
    sandbox.service.faults.configure({ tiktok: { outage: 503 } });
    const down = [await refund('k-outage', refundBody(otherOrderId, '1.00')), await refund('k-outage', refundBody(otherOrderId, '1.00')), await refund('k-outage', refundBody(otherOrderId, '1.00'))];
    expect(down.map((answer) => answer.status)).toEqual([503, 503, 503]);
    sandbox.service.faults.configure({});
    expect((await refund('k-outage', refundBody(otherOrderId, '1.00'))).json.code).toBe(0);
    expect((await refund('k-outage', refundBody(otherOrderId, '1.00'))).json.code).toBe(0);
    expect((await sandbox.call('GET', '/sandbox/marketplace/keys')).json.keys).toEqual({ 'k-outage': { requests: 5, applied: 1, repeated: 1, refused: 3 } });
    expect((await sandbox.call('DELETE', '/sandbox/marketplace')).status).toBe(204);
    expect((await sandbox.call('GET', '/sandbox/marketplace/keys')).json).toEqual({ keys: {} });
  });

  it('can stall an applied remedy: the caller times out, its retry gets the first answer', async () => {
    expect((await sandbox.call('PUT', '/sandbox/marketplace/stalls', { body: { count: 1, ms: 400 } })).status).toBe(200);
    const query = { app_key: SHOP.appKey, idempotency_key: 'k-stall', shop_cipher: SHOP.shopCipher, timestamp: String(Math.floor(sandbox.clock.now().toSeconds())) };
    const raw = JSON.stringify(refundBody(otherOrderId, '1.50'));
    const url = `${sandbox.service.url}${REFUND}?${new URLSearchParams({ ...query, sign: specSign(SHOP.appSecret, REFUND, query, raw) })}`;
    const timedOut = fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tts-access-token': SHOP.accessToken }, body: raw, signal: AbortSignal.timeout(100) });
    await expect(timedOut).rejects.toThrow();
    const applied = (await ledger()).payouts;
    expect(applied).toHaveLength(1);
    const retry = await refund('k-stall', refundBody(otherOrderId, '1.50'));
    expect(retry.json.data.return_id).toBe(applied[0].reference);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const { counts } = await ledger();
    expect(counts.payouts.total).toBe(1);
    expect(counts.requests.byOutcome).toEqual({ applied: 1, repeated: 1 });
  });
});

describe('buyer messages', () => {
  it('finds the buyer, opens a conversation and delivers a TEXT message', async () => {
    const detail = await call({ method: 'GET', path: '/order/202309/orders', query: { ids: `${otherOrderId},570000000000000000` } });
    expect(detail.json.code).toBe(0);
    const [order] = detail.json.data.orders;
    expect(detail.json.data.orders).toHaveLength(1);
    expect(order).toMatchObject({ id: otherOrderId, user_id: expect.stringMatching(/^\d{19}$/), tracking_number: 'LX300000002CN' });
    expect(['AWAITING_COLLECTION', 'IN_TRANSIT', 'DELIVERED']).toContain(order.status);
    // The buyer is stable: the control route and a second read agree.
    expect((await sandbox.call('GET', `/sandbox/marketplace/orders/${otherOrderId}`)).json.buyerUserId).toBe(order.user_id);

    const opened = await call({ method: 'POST', path: '/customer_service/202309/conversations', body: { buyer_user_id: order.user_id } });
    const conversationId = opened.json.data.conversation_id;
    expect(opened.json.code).toBe(0);
    const reopened = await call({ method: 'POST', path: '/customer_service/202309/conversations', body: { buyer_user_id: order.user_id } });
    expect(reopened.json.data.conversation_id).toBe(conversationId);

    const text = 'Your parcel is delayed at customs; we have added a 5.00 USD coupon to your account.';
    const path = `/customer_service/202309/conversations/${conversationId}/messages`;
    const sent = await call({ method: 'POST', path, body: { type: 'TEXT', content: JSON.stringify({ content: text }) } });
    expect(sent.json).toMatchObject({ code: 0, data: { message_id: expect.any(String) } });

    const refusals: [unknown, number][] = [
      [{ type: 'TEXT', content: text }, 45101001],
      [{ type: 'TEXT', content: JSON.stringify({ content: 'x'.repeat(2001) }) }, 45101001],
      [{ type: 'TEXT', content: JSON.stringify({ content: '  ' }) }, 45101001],
      [{ type: 'IMAGE', content: JSON.stringify({ url: 'u' }) }, 45101001],
      [{ content: JSON.stringify({ content: text }) }, 45101001],
    ];
    for (const [body, code] of refusals) expect((await call({ method: 'POST', path, body })).json.code).toBe(code);
    const elsewhere = await call({ method: 'POST', path: '/customer_service/202309/conversations/7404000000000000999/messages', body: { type: 'TEXT', content: JSON.stringify({ content: text }) } });
    expect(elsewhere.json.code).toBe(45101001);
    const otherShop = await call({ method: 'POST', path, body: { type: 'TEXT', content: JSON.stringify({ content: text }) }, app: { shopCipher: 'ROW_shop_2' } });
    expect(otherShop.json.code).toBe(45101001);
    const stranger = await call({ method: 'POST', path: '/customer_service/202309/conversations', body: { buyer_user_id: '7000000000000000001' } });
    expect(stranger.json.code).toBe(45109003);
    expect((await call({ method: 'GET', path: '/order/202309/orders' })).json.code).toBe(10001001);

    const { messages, counts, requests } = await ledger();
    expect(messages).toEqual([
      { messageId: sent.json.data.message_id, orderId: otherOrderId, conversationId, buyerUserId: order.user_id, type: 'TEXT', text, textLength: text.length, at: '2025-03-20T00:00:00.000Z' },
    ]);
    expect(counts.messages).toEqual({ total: 1, dropped: 0 });
    expect(requests.filter((r: { route: string; outcome: string }) => r.route === 'message' && r.outcome === 'answered')).toHaveLength(1);
    expect(counts.requests.byOutcome).toEqual({ answered: 4, 'refused 45101001': 7, 'refused 45109003': 1, 'refused 10001001': 1 });
  });

  it('knows the buyers of orders registered through the control route', async () => {
    const put = await sandbox.call('PUT', '/sandbox/marketplace/orders', {
      body: { orders: [{ orderId: 'DEMO-1', trackingNumber: 'LX300000001CN', buyerUserId: '7111111111111111111', value: { amountMinor: 1_999, currency: 'EUR' } }] },
    });
    expect(put.json.orders[0]).toMatchObject({ orderId: 'DEMO-1', buyerUserId: '7111111111111111111', trackingNumber: 'LX300000001CN' });
    const detail = await call({ method: 'GET', path: '/order/202309/orders', query: { ids: 'DEMO-1' } });
    expect(detail.json.data.orders[0]).toMatchObject({ user_id: '7111111111111111111', tracking_number: 'LX300000001CN', payment: { currency: 'EUR', total_amount: '19.99' } });
    expect((await call({ method: 'POST', path: '/customer_service/202309/conversations', body: { buyer_user_id: '7111111111111111111' } })).json.code).toBe(0);
    expect((await refund('k-demo', refundBody('DEMO-1', '20.00', 'EUR'))).json.code).toBe(25001001);
    const bad = await sandbox.call('PUT', '/sandbox/marketplace/orders', { body: { orders: [{ orderId: 'X', trackingNumber: 'NOPE' }] } });
    expect(bad.status).toBe(400);
    expect((await sandbox.call('PUT', '/sandbox/marketplace/orders', { body: { orders: [{ orderId: 'X', value: { amountMinor: -1, currency: 'USD' } }] } })).status).toBe(400);
  });
});
