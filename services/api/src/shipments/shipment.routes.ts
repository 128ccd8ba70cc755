import type { FastifyInstance } from 'fastify';
import { merchantScope } from '@parcelwatch/access';
import { CsvImportError, MAX_CSV_ROWS } from './shipment-csv.js';
import { errorBody, importShipmentCsv, summarize } from './shipment-import.js';
import { bulkInputSchema, describeFieldIssues, fieldIssues, MAX_SHIPMENTS_PER_REQUEST } from './shipment-input.schema.js';
import type { ShipmentRegistrar } from './shipment-registrar.js';

/** A CSV of MAX_CSV_ROWS full rows stays well under this. */
const CSV_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * POST /v1/shipments: one shipment (201 created, 200 existing) or `{ shipments: [...] }`
 * (207 with a result per item). POST /v1/shipments/import: the same from a CSV file. An item
 * for a merchant outside the caller's key is refused alone: 403 for a single shipment,
 * `merchant_not_allowed` in its item result in a batch (the others are registered).
 */
export function registerShipmentRoutes(app: FastifyInstance, registrar: ShipmentRegistrar): void {
  app.post('/v1/shipments', async (request, reply) => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return reply.code(400).send({ error: 'invalid_request', message: 'body must be a JSON object: one shipment or { "shipments": [...] }' });
    }
    if ('shipments' in body) {
      const bulk = bulkInputSchema.safeParse(body);
      if (!bulk.success) {
        const issues = fieldIssues(bulk.error);
        return reply.code(400).send({ error: 'invalid_request', message: describeFieldIssues(issues), issues, maxShipments: MAX_SHIPMENTS_PER_REQUEST });
      }
      const results = await registrar.register(bulk.data.shipments, 'api', merchantScope(request));
      return reply.code(207).send({
        summary: summarize(results),
        results: results.map((result, index) => (result.status === 'error' ? { index, status: 'error', ...errorBody(result) } : { index, ...result })),
      });
    }
    const [result] = await registrar.register([body], 'api', merchantScope(request));
    if (result === undefined) throw new Error('registrar returned no result');
    if (result.status === 'error') {
      return reply.code(result.code === 'invalid' ? 400 : result.code === 'merchant_not_allowed' ? 403 : 422).send(errorBody(result));
    }
    return reply.code(result.status === 'created' ? 201 : 200).send(result);
  });

  app.register(async (csv) => {
    csv.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_request, body, done) => done(null, body));
    csv.post('/v1/shipments/import', { bodyLimit: CSV_BODY_LIMIT }, async (request, reply) => {
      if (typeof request.body !== 'string') {
        return reply.code(415).send({ error: 'unsupported_media_type', message: 'send the file as text/csv' });
      }
      try {
        return reply.code(207).send(await importShipmentCsv(registrar, request.body, merchantScope(request)));
      } catch (err) {
        if (!(err instanceof CsvImportError)) throw err;
        return reply.code(400).send({ error: 'invalid_csv', message: err.message, line: err.line, maxRows: MAX_CSV_ROWS });
      }
    });
  });
}
