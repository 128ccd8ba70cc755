import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { bulkInputSchema, shipmentInputSchema } from '../shipments/shipment-input.schema.js';
import { CSV_COLUMNS } from '../shipments/shipment-csv.js';
import { wismoQuestionSchema } from '../wismo/wismo.routes.js';
import { courierDetectRequest, courierDetectResponse } from '../couriers/courier-detect.schema.js';
import { causesQuerySchema, performanceQuerySchema, queueQuerySchema, rangeQuerySchema, stuckQuerySchema } from './report-query.schema.js';
import {
  causesReport,
  compensationCostReport,
  compensationQueue,
  errorResponse,
  performanceReport,
  responseSlaReport,
  shipmentDetail,
  stuckPage,
} from './report-response.schema.js';

/*
 * GET /openapi.json: an OpenAPI 3.1 document for the report routes and the shipment routes,
 * generated from the same zod schemas that validate the requests (input side: what a client
 * sends). Built once at startup.
 */

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
};

/** Each property of a strict query object becomes one `in: query` parameter. */
export function queryParameters(schema: z.ZodObject): JsonSchema[] {
  const json = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: json.required?.includes(name) ?? false,
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema: toSchema(schema, 'output') } } });
const badRequest = json(errorResponse, 'Invalid parameters; `message` names each one');

function report(summary: string, description: string, query: z.ZodObject, response: z.ZodType, tag = 'reports') {
  return { get: { tags: [tag], summary, description, parameters: queryParameters(query), responses: { 200: json(response, 'The report'), 400: badRequest } } };
}

export function buildOpenApiDocument(): JsonSchema {
  const reportsDoc = 'Definitions: services/api/docs/reports.md. Every report is limited to the merchants of the caller\'s API key.';
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: { title: 'parcelwatch api', version: '1', description: `Shipment registration and ops reports. ${reportsDoc}` },
    tags: [{ name: 'shipments' }, { name: 'couriers' }, { name: 'reports' }, { name: 'buyers' }],
    paths: {
      '/v1/shipments': {
        post: {
          tags: ['shipments'],
          summary: 'Register one shipment (201 created, 200 existing) or a batch `{ shipments: [...] }` (207)',
          requestBody: { required: true, content: { 'application/json': { schema: { oneOf: [toSchema(shipmentInputSchema, 'input'), toSchema(bulkInputSchema, 'input')] } } } },
          responses: { 200: { description: 'Already registered' }, 201: { description: 'Created' }, 207: { description: 'One result per item' }, 400: badRequest, 422: { description: 'Carrier not detectable' } },
        },
      },
      '/v1/shipments/import': {
        post: {
          tags: ['shipments'],
          summary: 'Register shipments from a CSV file',
          requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string', description: `Header row with columns: ${CSV_COLUMNS.join(', ')}` } } } },
          responses: { 207: { description: 'One result per line' }, 400: badRequest, 415: { description: 'Not text/csv' } },
        },
      },
      '/v1/shipments/{id}': {
        get: {
          tags: ['shipments'],
          summary: 'Shipment detail: timeline with local times, exceptions, notifications, compensations, proofs with presigned links (300 s)',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { 200: json(shipmentDetail, 'The shipment'), 400: badRequest, 404: json(errorResponse, 'No such shipment, or another merchant\'s') },
        },
      },
      '/v1/shipments/{id}/tracking-link': {
        get: {
          tags: ['buyers'],
          summary: "The buyer tracking page's URL (`<base>/t/<token>`), to resend it; `problem` says why there is none",
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { 200: { description: '{ shipmentId, url, problem, createdAt }' }, 404: json(errorResponse, "No such shipment, or another merchant's") },
        },
        delete: { tags: ['buyers'], summary: 'Revoke the link: its page answers 404 from now on and messages carry none (approver, admin)', responses: { 200: { description: '{ shipmentId, revoked }' }, 404: json(errorResponse, 'No such shipment') } },
        post: { tags: ['buyers'], summary: 'Issue a new link where none is live (approver, admin)', responses: { 201: { description: '{ shipmentId, url, problem, createdAt }' }, 404: json(errorResponse, 'No such shipment') } },
      },
      '/v1/wismo': {
        post: {
          tags: ['buyers'],
          summary: '"Where is my order" for chat bots (role bot): by order number plus email or postcode, or by tracking number',
          description: 'Both factors must match; a wrong one answers exactly like an unknown order (404). Answers the status, EDD, open exceptions, remedies, the tracking page link and `answer.text` ready to send in the buyer\'s locale (or `locale`). Rate-limited per key and per order number; every answer is recorded.',
          requestBody: { required: true, content: { 'application/json': { schema: toSchema(wismoQuestionSchema, 'input') } } },
          responses: { 200: { description: '{ found: true, shipments: [...], answer: { locale, text } }' }, 400: badRequest, 404: { description: '{ found: false, answer }: no order matches' }, 429: { description: 'Too many questions' } },
          },
        },
      '/v1/couriers/detect': {
        post: {
          tags: ['couriers'],
          summary: 'Detect the carrier of up to 1,000 tracking numbers: ranked candidates with the reason, and the carrier registration would take',
          requestBody: { required: true, content: { 'application/json': { schema: toSchema(courierDetectRequest, 'input') } } },
          responses: { 200: json(courierDetectResponse, 'One result per number, in the order given'), 400: badRequest },
        },
      },
      '/v1/reports/stuck': {
        get: {
          ...report('Stuck parcels', `Active, undelivered shipments with no scan for 5 days, a passed promise or an open exception. Keyset pages; format=csv streams all pages. ${reportsDoc}`, stuckQuerySchema, stuckPage).get,
          responses: {
            200: { description: 'A page, or with format=csv the whole report', content: { 'application/json': { schema: toSchema(stuckPage, 'output') }, 'text/csv': { schema: { type: 'string' } } } },
            400: badRequest,
          },
        },
      },
      '/v1/reports/carrier-performance': report('Carrier and lane performance', 'Cohort: shipments registered in [from, to).', performanceQuerySchema, performanceReport),
      '/v1/reports/exception-causes': report('Weekly top exception causes', 'Exceptions opened per ISO week by carrier, lane and kind.', causesQuerySchema, causesReport),
      '/v1/reports/compensations/queue': report('Compensations waiting for approval', 'Approve or reject through POST /compensations/{id}/approve|reject.', queueQuerySchema, compensationQueue),
      '/v1/reports/compensations/cost': report('Compensation cost', 'Per ISO week of the decision, tier, carrier and currency.', rangeQuerySchema, compensationCostReport),
      '/v1/reports/response-sla': report('Response SLA', 'Share of exceptions where the buyer was told within 15 minutes and within 24 hours.', rangeQuerySchema, responseSlaReport),
    },
  };
}

export function registerOpenApiRoute(app: FastifyInstance): void {
  const document = buildOpenApiDocument();
  app.get('/openapi.json', async (_request, reply) => reply.send(document));
}
