import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { issueApiKey } from '../src/access/api-key-admin.js';
import { CSV_COLUMNS } from '../src/shipments/shipment-csv.js';
import { createMerchant, startTestApi, type TestApi } from './api-test-kit.js';
import { applyEdits, expectClientError, fuzzParams, jsonOf, oddText, storableOddText, UNPAIRED_SURROGATE } from './fuzz-support.js';

const UNPAIRED_SURROGATES = new RegExp(UNPAIRED_SURROGATE.source, 'g');

/*
 * Properties of the shipment API under random and malformed input: POST /v1/shipments (single
 * and bulk), POST /v1/shipments/import (CSV), GET /v1/shipments/:id and the report query
 * strings answer a 4xx with a JSON message, never a 5xx; a valid shipment with odd unicode in
 * its text reads back exactly as registered (trimmed), its phone in E.164.
 */

const LIMITS = { readsPerMinute: 1_000_000, writesPerMinute: 1_000_000, webhooksPerMinute: 1_000_000 };

describe('shipment API under fuzzing', () => {
  let t: TestApi;
  let merchantId: string;
  let adminKey: string;

  beforeAll(async () => {
    t = await startTestApi({ access: { enabled: true, rateLimits: LIMITS } });
    merchantId = await createMerchant(t.db);
    adminKey = (await issueApiKey({ db: t.db, clock: t.clock }, { name: 'fuzz admin', role: 'admin', merchantIds: [merchantId], actor: 'fuzz' })).key;
  });
  afterAll(async () => t.close());

  const call = async (method: 'GET' | 'POST', path: string, body?: string | Buffer, contentType?: string) => {
    const response = await fetch(`${t.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(contentType === undefined ? {} : { 'content-type': contentType }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body }),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, body: type.includes('json') ? jsonOf(text) : text };
  };

  let serial = 0;
  const valid = () => ({
    merchantId,
    orderId: `FZ-${(serial += 1)}`,
    trackingNumber: 'YT1234567890123456',
    destinationCountry: 'US',
    originCountry: 'CN',
    promisedDeliveryDate: '2026-03-20',
    orderValue: { amountMinor: 2599, currency: 'USD' },
    buyer: { name: 'Jane Buyer', email: 'jane@example.com', phone: '+1 555 123 4567', address: { line1: '12 Elm St', city: 'Springfield', postalCode: '62704', country: 'US' }, locale: 'en-US', timezone: 'America/Chicago' },
  });

  const FIELDS = ['merchantId', 'orderId', 'trackingNumber', 'carrier', 'provider', 'originCountry', 'destinationCountry', 'promisedDeliveryDate', 'shippedAt', 'marketplace', 'orderValue', 'orderValue.amountMinor', 'orderValue.currency', 'buyer', 'buyer.name', 'buyer.email', 'buyer.phone', 'buyer.address', 'buyer.address.line1', 'buyer.address.country', 'buyer.locale', 'buyer.timezone', 'extra'];
  const wrong = fc.oneof(fc.jsonValue({ maxDepth: 2 }), oddText, fc.constantFrom(null, '', ' ', 0, -1, 1e308, [], {}, 'x'.repeat(10_000), '2026-02-30', '9999-12-31T23:59:60Z', '+0', '+'.padEnd(30, '9')));
  const edit = fc.record({ field: fc.constantFrom(...FIELDS), value: fc.option(wrong, { nil: undefined }) });

  const edited = (edits: ReadonlyArray<{ field: string; value: unknown }>) => applyEdits(valid(), edits);

  const checkItemResults = (body: unknown) => {
    const results = (body as { results: Array<{ status: string; error?: string; message?: string }> }).results;
    for (const result of results) {
      if (result.status === 'error') expect(result).toEqual(expect.objectContaining({ error: expect.any(String), message: expect.any(String) }));
      else expect(['created', 'existing']).toContain(result.status);
    }
  };

  it('POST /v1/shipments: malformed single and bulk bodies get a 4xx with a message (or a per-item error), never a 5xx', async () => {
    const body = fc.oneof(
      fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => ({ kind: 'single' as const, text: JSON.stringify(edited(edits)) })),
      fc.array(fc.array(edit, { maxLength: 3 }), { minLength: 1, maxLength: 5 }).map((items) => ({ kind: 'bulk' as const, text: JSON.stringify({ shipments: items.map(edited) }) })),
      fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'json' as const, text: JSON.stringify(value) ?? 'null' })),
      fc.oneof(oddText, fc.constantFrom('', '{', '[', '{"shipments":', '{"shipments":[]}', '{"shipments":{}}', '{"__proto__":{"merchantId":1}}', 'null')).map((text) => ({ kind: 'raw' as const, text })),
    );
    const contentType = fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/json; charset=latin1', undefined);
    await fc.assert(
      fc.asyncProperty(body, contentType, async ({ kind, text }, type) => {
        const response = await call('POST', '/v1/shipments', text, type);
        if (response.status === 207) checkItemResults(response.body);
        else if (response.status !== 201 && response.status !== 200) expectClientError(response.status, response.body, { kind, text: text.slice(0, 300), type });
      }),
      {
        ...fuzzParams<[{ kind: string; text: string }, string | undefined]>(200),
        // Regressions: NUL and a lone surrogate in stored text answered 500 before.
        examples: [
          [{ kind: 'single', text: JSON.stringify(edited([{ field: 'orderId', value: 'A\u0000B' }])) }, 'application/json'],
          [{ kind: 'single', text: JSON.stringify(edited([{ field: 'buyer.name', value: 'Jane \uD800' }])) }, 'application/json'],
          [{ kind: 'bulk', text: JSON.stringify({ shipments: [edited([{ field: 'buyer.address.line1', value: '\u0000' }])] }) }, 'application/json'],
        ],
      },
    );
  });

  it('POST /v1/shipments: a valid shipment with odd unicode reads back exactly (trimmed), phone in E.164', async () => {
    const phone = fc
      .record({ digits: fc.stringMatching(/^[1-9][0-9]{6,14}$/), style: fc.constantFrom('plain', 'spaced', 'dashed', 'parens') })
      .map(({ digits, style }) => ({
        digits,
        text:
          style === 'plain' ? `+${digits}` : style === 'spaced' ? `+${digits.replace(/(\d{3})/g, '$1 ').trim()}` : style === 'dashed' ? `+${digits.slice(0, 1)}-${digits.slice(1)}` : `+${digits.slice(0, 1)} (${digits.slice(1, 4)}) ${digits.slice(4)}`,
      }));
    const padding = fc.constantFrom('', ' ', '\t', '\u00A0', '\u3000', '\n');
    await fc.assert(
      fc.asyncProperty(storableOddText, storableOddText, storableOddText, storableOddText, phone, padding, async (orderText, name, line1, city, { digits, text }, pad) => {
        const item = valid();
        const orderId = `${pad}${orderText.slice(0, 100)}${serial += 1}${pad}`;
        const input = { ...item, orderId, buyer: { ...item.buyer, name: `${pad}${name}`, phone: `${pad}${text}`, address: { ...item.buyer.address, line1, city } } };
        const created = await call('POST', '/v1/shipments', JSON.stringify(input), 'application/json');
        if (created.status !== 201) throw new Error(`expected 201, got ${created.status}: ${JSON.stringify(created.body)}`);
        const id = (created.body as { shipment: { id: string } }).shipment.id;
        const detail = await call('GET', `/v1/shipments/${id}`);
        expect(detail.status).toBe(200);
        expect((detail.body as { shipment: { orderId: string } }).shipment.orderId).toBe(orderId.trim());
        const contact = await t.db.selectFrom('buyer_contacts').innerJoin('shipments', 'shipments.buyer_contact_id', 'buyer_contacts.id').select(['buyer_contacts.name', 'buyer_contacts.phone', 'buyer_contacts.address']).where('shipments.id', '=', id).executeTakeFirstOrThrow();
        expect(contact.name).toBe(`${pad}${name}`.trim());
        expect(contact.phone).toBe(`+${digits}`);
        expect(contact.address).toEqual(expect.objectContaining({ line1: line1.trim(), city: city.trim() }));
        // The same registration again is the same shipment.
        const again = await call('POST', '/v1/shipments', JSON.stringify(input), 'application/json');
        expect(again).toMatchObject({ status: 200, body: { status: 'existing', shipment: { id } } });
      }),
      fuzzParams(60),
    );
  });

  it('POST /v1/shipments: any phone text is refused with a buyer.phone issue or stored formatting-free, in E.164 when it has a "+"', async () => {
    const phone = fc.oneof(fc.stringMatching(/^\+?[0-9 ()-]{3,22}$/), fc.stringMatching(/^\+[0-9]{1,17}$/), oddText);
    await fc.assert(
      fc.asyncProperty(phone, async (text) => {
        const item = valid();
        const response = await call('POST', '/v1/shipments', JSON.stringify({ ...item, buyer: { ...item.buyer, phone: text } }), 'application/json');
        if (response.status === 400) {
          expect((response.body as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toContain('buyer.phone');
          return;
        }
        expect(response.status).toBe(201);
        const id = (response.body as { shipment: { id: string } }).shipment.id;
        const contact = await t.db.selectFrom('buyer_contacts').innerJoin('shipments', 'shipments.buyer_contact_id', 'buyer_contacts.id').select('buyer_contacts.phone').where('shipments.id', '=', id).executeTakeFirstOrThrow();
        const digits = text.trim().replace(/[\s().-]/g, '');
        expect(contact.phone).toBe(digits);
        if (digits.startsWith('+')) expect(contact.phone).toMatch(/^\+[1-9]\d{6,14}$/);
      }),
      { ...fuzzParams<[string]>(80), examples: [['+12345'], ['+0 555 123 4567'], ['+1 (555) 123-4567'], ['(555) 123-4567']] },
    );
  });

  it('POST /v1/shipments/import: random CSV text gets a 207 with per-line results or a 4xx with a message, never a 5xx', async () => {
    const cell = fc.oneof(oddText, fc.constantFrom('"', '""', '"a,b"', ',', '\r\n', '\n', 'US', merchantIdPlaceholder(), 'YT1234567890123456', '2599', 'USD'));
    const csv = fc.oneof(
      fc.record({ header: fc.shuffledSubarray([...CSV_COLUMNS], { minLength: 1 }), rows: fc.array(fc.array(cell, { maxLength: 8 }), { maxLength: 6 }) }).map(({ header, rows }) =>
        [header.join(','), ...rows.map((row) => row.join(','))].join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0] ?? '\n').replaceAll('{merchant}', merchantId),
      ),
      oddText,
      fc.constantFrom('', '\uFEFF', 'merchantId\n', `merchantId,orderId,trackingNumber,destinationCountry\n${'{merchant}'},"unterminated,YT1234567890123456,US`),
    );
    await fc.assert(
      fc.asyncProperty(csv, fc.constantFrom('text/csv', 'application/csv', 'text/plain', 'text/csv; charset=utf-8'), async (text, type) => {
        const response = await call('POST', '/v1/shipments/import', text.replaceAll('{merchant}', merchantId), type);
        if (response.status === 207) checkItemResults(response.body);
        else expectClientError(response.status, response.body, { text: text.slice(0, 300), type });
      }),
      fuzzParams(120),
    );
  });

  it('GET reports and shipment detail: random query strings and ids get a 4xx with a message or a 200, never a 5xx', async () => {
    const route = fc.constantFrom('/v1/reports/stuck', '/v1/reports/carrier-performance', '/v1/reports/exception-causes', '/v1/reports/compensations/queue', '/v1/reports/compensations/cost', '/v1/reports/response-sla', '/v1/shipments/{id}');
    const name = fc.constantFrom('merchantId', 'carrier', 'origin', 'destination', 'milestone', 'exceptionKind', 'minDays', 'promisedPassed', 'sort', 'order', 'limit', 'cursor', 'format', 'from', 'to', 'groupBy', 'weeks', 'top', 'x', '', '__proto__', 'limit[]');
    const value = fc.oneof(oddText, fc.constantFrom('', '0', '-1', '1e9', '500', 'NaN', 'true', 'csv', 'json', 'asc', 'lane', '2026-03-01', '2026-02-30', '2026-03-01T00:00:00+14:00', '9999-12-31', '0000-01-01', 'eyJ4IjoxfQ', 'US', 'us', 'delivered', 'stalled', '%00', '%', '%ZZ', '%C0%80', '%ED%A0%80'), fc.constant(merchantIdPlaceholder()));
    const params = fc.array(fc.tuple(name, value, fc.boolean()), { maxLength: 6 });
    const id = fc.oneof(fc.uuid(), oddText, fc.constantFrom('', '%00', '..', '00000000-0000-0000-0000-000000000000'));
    await fc.assert(
      fc.asyncProperty(route, params, id, async (path, query, shipmentId) => {
        const encode = (text: string, raw: boolean) => (raw && !UNPAIRED_SURROGATE.test(text) ? text.replaceAll('{merchant}', merchantId).replace(/[#&\s]/g, encodeURIComponent) : encodeURIComponent(text.replaceAll('{merchant}', merchantId).replace(UNPAIRED_SURROGATES, '\uFFFD')));
        const search = query.map(([k, v, raw]) => `${encode(k, false)}=${encode(v, raw)}`).join('&');
        const target = `${path.replace('{id}', encode(shipmentId, false))}${search ? `?${search}` : ''}`;
        const response = await call('GET', target);
        if (response.status !== 200) expectClientError(response.status, response.body, { target });
      }),
      {
        ...fuzzParams<[string, Array<[string, string, boolean]>, string]>(250),
        // Regressions: a NUL in a query parameter reached PostgreSQL and answered 500.
        examples: [
          ['/v1/reports/stuck', [['carrier', '%00', true]], ''],
          ['/v1/reports/carrier-performance', [['carrier', 'a\u0000', false]], ''],
        ],
      },
    );
  });
});

function merchantIdPlaceholder(): string {
  return '{merchant}';
}
