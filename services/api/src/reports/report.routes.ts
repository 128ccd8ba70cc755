import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '@parcelwatch/db';
import type { Clock } from '@parcelwatch/service-kit';
import { registerAnalyticsReportRoutes } from './analytics-report.routes.js';
import { registerOpenApiRoute } from './openapi.document.js';
import { registerShipmentDetailRoutes, type ProofLinks } from './shipment-detail.routes.js';
import { registerStuckReportRoutes } from './stuck-report.routes.js';

export type { ProofLinks } from './shipment-detail.routes.js';

/**
 * The ops reports (issue 7) and GET /openapi.json. Every query is limited to the caller's merchants
 * (`merchantScope`); access control itself is the api's access layer, not these routes.
 */
export function registerReportRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; clock: Clock; blobStore?: ProofLinks }): void {
  registerStuckReportRoutes(app, deps);
  registerShipmentDetailRoutes(app, deps);
  registerAnalyticsReportRoutes(app, deps);
  registerOpenApiRoute(app);
}
