import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseEvent } from '@parcelwatch/contracts';
import { countRows, createMerchant, grantKitKey, NOW, outboxRows, startTestApi, type TestApi } from './api-test-kit.js';

const buyer = {
  name: 'Jane Buyer',
  email: 'jane.buyer@example.com',
  phone: '+1 555 123 4567',
  address: { line1: '12 Elm Street', city: 'Springfield', postalCode: '62704', country: 'us' },
  locale: 'en-US',
  timezone: 'America/Chicago',
};

describe('POST /v1/shipments', () => {
  let t: TestApi;
  let merchantId: string;

  beforeAll(async () => {
    t = await startTestApi();
    merchantId = await createMerchant(t.db);
  });
  afterAll(async () => t.close());

  const shipment = (overrides: Record<string, unknown> = {}) => ({
    merchantId,
    orderId: 'ORD-1001',
    trackingNumber: 'YT1234567890123456',
    destinationCountry: 'US',
    originCountry: 'cn',
    promisedDeliveryDate: '2026-03-20',
    orderValue: { amountMinor: 2599, currency: 'USD' },
    buyer,
    ...overrides,
  });

  it('registers one shipment (201), stores the contact apart and announces it without PII', async () => {
    const before = await outboxRows(t.db, 'shipments');
    const response = await t.post('/v1/shipments', shipment());
    expect(response.status).toBe(201);
    expect(response.body.status).toBe('created');
    const created = response.body.shipment;
    expect(created).toMatchObject({ merchantId, orderId: 'ORD-1001', trackingNumber: 'YT1234567890123456', carrier: 'yunexpress', provider: '17track', status: 'pending', originCountry: 'CN', destinationCountry: 'US' });
    expect(JSON.stringify(response.body)).not.toContain('jane.buyer@example.com');

    const row = await t.db.selectFrom('shipments').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.next_poll_at?.toISOString()).toBe(NOW);
    expect(row.buyer_timezone).toBe('America/Chicago');
    expect(row.order_value_minor).toBe(2599);
    const contact = await t.db.selectFrom('buyer_contacts').selectAll().where('id', '=', row.buyer_contact_id ?? '').executeTakeFirstOrThrow();
    // Kept as SMS providers take it (E.164), whatever formatting the seller sent.
    expect(contact).toMatchObject({ email: 'jane.buyer@example.com', phone: '+15551234567', name: 'Jane Buyer', locale: 'en-US' });

    const events = (await outboxRows(t.db, 'shipments')).slice(before.length);
    expect(events).toHaveLength(1);
    const [message] = events;
    expect(message?.message_key).toBe(created.id);
    const parsed = parseEvent('shipments', message?.event);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.event.type !== 'parcelwatch.shipment.registered.v1') throw new Error('not a registration');
    expect(parsed.event.data).toMatchObject({ shipmentId: created.id, carrier: 'yunexpress', registrationSource: 'api', buyer: { contactId: contact.id, locale: 'en-US', timeZone: 'America/Chicago' } });
    const serialized = JSON.stringify(message?.event);
    for (const pii of ['jane.buyer@example.com', '555 123 4567', 'Jane Buyer', 'Elm Street', '62704', 'Springfield']) expect(serialized).not.toContain(pii);
  });

  it('returns the existing shipment (200) for a repeat, even with spaces and dashes in the number, and writes nothing', async () => {
    const outbox = await countRows(t.db, 'outbox');
    const contacts = await countRows(t.db, 'buyer_contacts');
    const first = await t.post('/v1/shipments', shipment({ orderId: 'ORD-1002' }));
    expect(first.status).toBe(201);
    const repeat = await t.post('/v1/shipments', shipment({ orderId: 'ORD-1002', trackingNumber: 'yt 1234-5678-9012-3456', buyer: undefined }));
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual({ status: 'existing', shipment: first.body.shipment });
    expect(await countRows(t.db, 'outbox')).toBe(outbox + 1);
    expect(await countRows(t.db, 'buyer_contacts')).toBe(contacts + 1);
  });

  it('refuses an invalid shipment with 400 naming every bad field', async () => {
    const shipments = await countRows(t.db, 'shipments');
    const response = await t.post('/v1/shipments', {
      merchantId: 'not-a-uuid',
      orderId: '',
      trackingNumber: 'x',
      destinationCountry: 'XX',
      promisedDeliveryDate: '2026-02-30',
      orderValue: { amountMinor: -5, currency: 'USD' },
      buyer: { email: 'nope', timezone: 'Mars/Olympus' },
      colour: 'blue',
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid');
    const paths = response.body.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining(['merchantId', 'orderId', 'trackingNumber', 'destinationCountry', 'promisedDeliveryDate', 'orderValue.amountMinor', 'buyer.email', 'buyer.timezone', '']),
    );
    expect(response.body.message).toContain('unknown field(s): colour');
    expect(response.body.message).toContain('buyer.email:');
    expect(await countRows(t.db, 'shipments')).toBe(shipments);
  });

  it('asks for the carrier (422 with candidates) when detection is ambiguous, and refuses unknown merchants', async () => {
    const ambiguous = await t.post('/v1/shipments', shipment({ orderId: 'ORD-AMB', trackingNumber: '9673300941585142994261' }));
    expect(ambiguous.status).toBe(422);
    expect(ambiguous.body.error).toBe('carrier_ambiguous');
    expect(ambiguous.body.candidates.map((c: { carrier: string }) => c.carrier)).toEqual(['usps', 'fedex']);
    const given = await t.post('/v1/shipments', shipment({ orderId: 'ORD-AMB', trackingNumber: '9673300941585142994261', carrier: 'USPS' }));
    expect(given.status).toBe(201);
    expect(given.body.shipment.carrier).toBe('usps');

    // A merchant outside the key is refused before anything is looked up about it...
    const strangerId = '0190b5a8-0000-7000-8000-000000000000';
    const stranger = await t.post('/v1/shipments', shipment({ merchantId: strangerId }));
    expect(stranger.status).toBe(403);
    expect(stranger.body).toMatchObject({ error: 'merchant_not_allowed' });
    // ...and one the key names but that does not exist is unknown.
    await grantKitKey(t.db, strangerId);
    const unknown = await t.post('/v1/shipments', shipment({ merchantId: strangerId }));
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ error: 'unknown_merchant' });
  });

  it('registers a bulk batch with a result per item (207): created, existing, duplicate and errors', async () => {
    const outbox = await countRows(t.db, 'outbox');
    const response = await t.post('/v1/shipments', {
      shipments: [
        shipment({ orderId: 'B-1', trackingNumber: 'RR123456785CN' }),
        shipment({ orderId: 'ORD-1001' }),
        shipment({ orderId: 'B-2', destinationCountry: undefined }),
        shipment({ orderId: 'B-3', trackingNumber: 'LP00123456789012', buyer: undefined }),
        shipment({ orderId: 'B-1', trackingNumber: 'rr 123 456 785 cn' }),
      ],
    });
    expect(response.status).toBe(207);
    expect(response.body.summary).toEqual({ created: 2, existing: 2, errors: 1 });
    const statuses = response.body.results.map((r: { index: number; status: string }) => [r.index, r.status]);
    expect(statuses).toEqual([[0, 'created'], [1, 'existing'], [2, 'error'], [3, 'created'], [4, 'existing']]);
    expect(response.body.results[2]).toMatchObject({ error: 'invalid', issues: [{ path: 'destinationCountry' }] });
    expect(response.body.results[4].shipment.id).toBe(response.body.results[0].shipment.id);
    expect(await countRows(t.db, 'outbox')).toBe(outbox + 2);

    const again = await t.post('/v1/shipments', { shipments: [shipment({ orderId: 'B-1', trackingNumber: 'RR123456785CN' })] });
    expect(again.body.results[0]).toMatchObject({ status: 'existing', shipment: { id: response.body.results[0].shipment.id } });
    expect(await countRows(t.db, 'outbox')).toBe(outbox + 2);
  });

  it('refuses an empty or oversized batch as a whole (400)', async () => {
    const empty = await t.post('/v1/shipments', { shipments: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toContain('shipments: must contain at least one shipment');
    const big = await t.post('/v1/shipments', { shipments: Array.from({ length: 1_001 }, (_, i) => shipment({ orderId: `X-${i}` })) });
    expect(big.status).toBe(400);
    expect(big.body.message).toContain('at most 1000');
    const notJson = await t.post('/v1/shipments', '{"merchantId":');
    expect(notJson.status).toBe(400);
  });
});
