import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startReportApi, type ReportApi } from './report-test-kit.js';

describe('GET /openapi.json', () => {
  let t: ReportApi;
  beforeAll(async () => {
    t = await startReportApi();
  });
  afterAll(async () => t.close());

  it('describes the report and shipment routes from their zod schemas', async () => {
    const response = await t.get('/openapi.json');
    expect(response.status).toBe(200);
    const doc = response.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/couriers/detect', '/v1/reports/carrier-performance', '/v1/reports/compensations/cost', '/v1/reports/compensations/queue', '/v1/reports/exception-causes',
      '/v1/reports/response-sla', '/v1/reports/stuck', '/v1/shipments', '/v1/shipments/import', '/v1/shipments/{id}', '/v1/shipments/{id}/tracking-link', '/v1/wismo',
    ]);
    const stuck = doc.paths['/v1/reports/stuck'].get;
    expect(stuck.parameters.map((p: { name: string }) => p.name)).toEqual([
      'merchantId', 'carrier', 'origin', 'destination', 'milestone', 'exceptionKind', 'minDays', 'promisedPassed', 'sort', 'order', 'limit', 'cursor', 'format',
    ]);
    const byName = new Map(stuck.parameters.map((p: { name: string }) => [p.name, p]));
    expect(byName.get('exceptionKind')).toMatchObject({ in: 'query', required: false, schema: { type: 'string', enum: expect.arrayContaining(['customs_hold', 'lost']) } });
    expect(byName.get('limit')).toMatchObject({ schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } });
    expect(stuck.responses['200'].content['text/csv']).toBeDefined();
    expect(stuck.responses['200'].content['application/json'].schema.properties.items.items.required).toContain('daysWithoutScan');
    const detail = doc.paths['/v1/shipments/{id}'].get;
    expect(detail.responses['200'].content['application/json'].schema.properties.timeline.items.properties.localTime).toBeDefined();
    const register = doc.paths['/v1/shipments'].post.requestBody.content['application/json'].schema.oneOf[0];
    expect(register.required).toEqual(expect.arrayContaining(['merchantId', 'orderId', 'trackingNumber', 'destinationCountry']));
    const history = register.properties.buyer.properties.history;
    expect(Object.keys(history.properties)).toEqual(['orders', 'spend']);
    expect(history.description).toContain('the greater of the known and the given value');
    expect(doc.paths['/v1/shipments/import'].post.requestBody.content['text/csv'].schema.description).toContain('buyerHistoryOrders, buyerHistorySpendMinor, buyerHistorySpendCurrency');
    const detect = doc.paths['/v1/couriers/detect'].post;
    expect(detect.requestBody.content['application/json'].schema.properties.trackingNumbers).toMatchObject({ type: 'array', minItems: 1, maxItems: 1000 });
    expect(detect.responses['200'].content['application/json'].schema.properties.results.items.properties.candidates.items.required).toEqual(
      expect.arrayContaining(['carrier', 'confidence', 'checkDigitValid', 'reason']),
    );
  });
});
