import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseEvent } from '@parcelwatch/contracts';
import { countRows, createMerchant, outboxRows, startTestApi, type ResponseBody, type TestApi } from './api-test-kit.js';

describe('POST /v1/shipments/import (CSV)', () => {
  let t: TestApi;
  let merchantId: string;

  beforeAll(async () => {
    t = await startTestApi();
    merchantId = await createMerchant(t.db);
  });
  afterAll(async () => t.close());

  const importCsv = async (csv: string) => {
    const response = await fetch(`${t.url}/v1/shipments/import`, { method: 'POST', headers: { 'content-type': 'text/csv', ...t.headers }, body: csv });
    return { status: response.status, body: (await response.json()) as ResponseBody };
  };

  const header = 'merchantId,orderId,trackingNumber,carrier,destinationCountry,promisedDeliveryDate,orderValueMinor,orderCurrency,buyerEmail,buyerName,buyerAddressLine1,buyerTimezone';

  it('imports rows, reports each bad row by line and column, and is idempotent on a second import', async () => {
    const csv = [
      header,
      `${merchantId},C-1,YT1234567890123456,,US,2026-03-20,1999,USD,ann@example.com,Ann,"1 Main St, Apt 2",America/New_York`,
      `${merchantId},C-2,RR123456785CN,china-post,DE,,,,,,,`,
      `${merchantId},C-3,YT1234567890123457,,USA,2026-13-01,abc,USD,not-an-email,,,`,
      '',
      `${merchantId},C-4,??,,FR,,,,,"Multi
line",,`,
      `${merchantId},C-5,LP00123456789099,,FR,,,,,,,`,
    ].join('\n');
    const outbox = await countRows(t.db, 'outbox');
    const first = await importCsv(csv);
    expect(first.status).toBe(207);
    expect(first.body.summary).toEqual({ created: 3, existing: 0, errors: 2 });
    const lines = first.body.results.map((r: { line: number; status: string }) => [r.line, r.status]);
    expect(lines).toEqual([[2, 'created'], [3, 'created'], [4, 'error'], [6, 'error'], [8, 'created']]);
    const bad = first.body.results[2];
    expect(bad.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['buyerEmail', 'destinationCountry', 'orderValueMinor', 'promisedDeliveryDate']);
    expect(bad.message).toContain('destinationCountry:');
    expect(first.body.results[3].issues.map((issue: { path: string }) => issue.path)).toEqual(['trackingNumber']);

    const events = (await outboxRows(t.db, 'shipments')).slice(-3);
    expect(await countRows(t.db, 'outbox')).toBe(outbox + 3);
    for (const event of events) {
      const parsed = parseEvent('shipments', event.event);
      expect(parsed.ok && parsed.event.type === 'parcelwatch.shipment.registered.v1' && parsed.event.data.registrationSource).toBe('csv');
      expect(JSON.stringify(event.event)).not.toContain('ann@example.com');
      expect(JSON.stringify(event.event)).not.toContain('Main St');
    }
    const contact = await t.db.selectFrom('buyer_contacts').selectAll().where('email', '=', 'ann@example.com').executeTakeFirstOrThrow();
    expect(contact.address).toEqual({ line1: '1 Main St, Apt 2' });

    const second = await importCsv(csv);
    expect(second.body.summary).toEqual({ created: 0, existing: 3, errors: 2 });
    expect(second.body.results[0].shipment.id).toBe(first.body.results[0].shipment.id);
    expect(await countRows(t.db, 'outbox')).toBe(outbox + 3);

    const viaJson = await t.post('/v1/shipments', { merchantId, orderId: 'C-2', trackingNumber: 'RR123456785CN', destinationCountry: 'DE' });
    expect(viaJson.status).toBe(200);
    expect(viaJson.body.shipment.id).toBe(first.body.results[1].shipment.id);
  });

  it('refuses unknown columns, malformed CSV and an empty file as a whole (400)', async () => {
    const unknown = await importCsv(`${header},colour\n${merchantId},Z-1,RR123456785CN,,DE,,,,,,,,red`);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'invalid_csv', line: 1 });
    expect(unknown.body.message).toContain('unknown column(s): colour');

    const malformed = await importCsv(`${header}\n${merchantId},Z-2,"RR123456785CN,,DE\n`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('invalid_csv');

    const empty = await importCsv(`${header}\n`);
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe('no rows after the header');
  });

  it('answers 415 for a body that is not CSV', async () => {
    const response = await fetch(`${t.url}/v1/shipments/import`, { method: 'POST', headers: { 'content-type': 'application/xml', ...t.headers }, body: '<a/>' });
    expect(response.status).toBe(415);
  });
});
