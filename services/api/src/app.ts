import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import { sql } from 'kysely';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '@parcelwatch/contracts';
import { countDeadLetters, type Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import { createMetricsRegistry, METRIC_PREFIX, registerDeadLetterMetric, registerHealthRoutes, type Clock, type ReadinessCheck, type Service } from '@parcelwatch/service-kit';
import { createShipmentRegistrar } from './shipments/shipment-registrar.js';
import { registerShipmentRoutes } from './shipments/shipment.routes.js';
import { registerCourierDetectRoutes } from './couriers/courier-detect.routes.js';
import { registerReportRoutes, type ProofLinks } from './reports/report.routes.js';
import { createWebhookIntake, type WebhookSecrets } from './webhooks/webhook-intake.js';
import { registerWebhookRoutes } from './webhooks/webhook.routes.js';
import { installAccessLayer, type AccessOptions, DEFAULT_RATE_LIMITS } from '@parcelwatch/access';
import { registerApiKeyRoutes } from './access/api-key.routes.js';
import { registerCallerRoutes } from './access/caller.routes.js';
import { registerBlobDownloadRoutes, type SignedBlobs } from './blobs/blob-download.routes.js';
import { registerDashboardRoutes } from './dashboard/dashboard.routes.js';
import { registerMerchantRoutes } from './merchants/merchant.routes.js';
import { registerBuyerRoutes } from './buyers/buyer.routes.js';
import type { MailCopies } from './buyers/mail-copies.js';
import { registerCarrierAccountRoutes } from './carrier-accounts/carrier-account.routes.js';
import { registerDeadLetterRoutes } from './dead-letters/dead-letter.routes.js';
import type { SecretBox } from '@parcelwatch/secrets';
import { registerBuyerPageRoutes } from './tracking/buyer-page.routes.js';
import { createFormNonces } from './tracking/form-nonce.js';
import { registerTrackingLinkRoutes } from './tracking/tracking-link.routes.js';
import type { TrackingLinkDeps } from './tracking/tracking-links.js';
import { registerWismoRoutes } from './wismo/wismo.routes.js';

/** Everything the api service needs, passed in by main.ts (or a test, or the embedded runner). */
export interface ApiDeps {
  logger: Logger;
  clock: Clock;
  db: Kysely<Database>;
  /** Per provider (env `WEBHOOK_SECRET_<PROVIDER>`); a provider without one has no webhook route. */
  webhookSecrets?: WebhookSecrets;
  /** Accepted distance between a push's signed timestamp and now. Default 300 s. */
  webhookToleranceSeconds?: number;
  /** Days receipts of pushes without a signed time are kept (retention policy); default 90. */
  untimedWebhookReceiptDays?: number;
  /** Topic names, so tests can use unique ones. Default: the registry names. */
  topics?: { shipments?: string; trackingSnapshots?: string };
  /** Default 127.0.0.1 and 0 (an ephemeral port; read it from `url()`). */
  host?: string;
  port?: number;
  /** Default: a fresh registry for this service, served at /metrics. */
  registry?: Registry;
  /** Further readiness checks for /readyz (the database ping is built in). */
  checks?: readonly ReadinessCheck[];
  /** The proof archive's blob store: the shipment detail links each proof by a short-lived presigned URL. Without it, no links. */
  blobStore?: ProofLinks;
  /**
   * The filesystem archive whose presigned URLs point at this api (`publicBaseUrl` = the api's
   * URL + `/v1/blobs`): GET /v1/blobs/* checks the signature and serves the bytes. Not with S3,
   * whose URLs go to the bucket.
   */
  signedBlobs?: SignedBlobs;
  /**
   * API keys, route policy, rate limits and the bootstrap admin key's hash (services/api/docs/access.md).
   * Default enabled with the default limits and no bootstrap key; `enabled: false` leaves routes
   * without a caller (everything allowed).
   */
  access?: AccessOptions;
  /**
   * Seals merchants' carrier credentials (PARCELWATCH_SECRET_KEY). Without it the api refuses to
   * store carrier accounts (503 secret_key_missing) and lists what is stored.
   */
  secrets?: SecretBox | null;
  /** Kept copies of buyer mail (MAIL_COPY_DIR): a buyer's erasure deletes theirs. */
  mailCopies?: MailCopies | null;
  /** The public base of buyer tracking pages (`<base>/t/<token>`); default this api's own URL. */
  trackingPageBaseUrl?: string;
  /** Signs the tracking page's contact form nonces; default a random key per process (set it when several api instances serve the pages). */
  trackingFormKey?: string;
  /** WISMO questions a minute per key (WISMO_REQUESTS_PER_MINUTE); default 30. */
  wismoPerMinute?: number;
}

export interface ApiService extends Service {
  /** The fastify instance, routes registered; tests may use `inject` on it. */
  readonly app: FastifyInstance;
  /** Base URL once started, e.g. http://127.0.0.1:3000. */
  url(): string;
  /** Every route on the instance (its own and those other services registered on it), as registered. */
  routes(): readonly ApiRoute[];
}

export interface ApiRoute {
  method: string;
  /** The pattern, e.g. /v1/webhook-endpoints/:id/replay. */
  url: string;
}

const DEFAULT_TOLERANCE_SECONDS = 300;
/** A bulk request of 1,000 full shipments stays under this. */
const JSON_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * HTTP front door: shipment registration (single, bulk, CSV), carrier webhooks, ops reports
 * with the shipment detail and the OpenAPI document, merchant onboarding, API key admin, the ops dashboard
 * (/dashboard) and signed proof downloads (/v1/blobs), behind the access layer, plus /healthz,
 * /readyz and /metrics on the same listener.
 */
export function createApiService(deps: ApiDeps): ApiService {
  const logger = deps.logger.child({ component: 'api' });
  const registry = deps.registry ?? createMetricsRegistry({ service: 'api' });
  // Dead letters of every service, from the store (the process's /metrics under `parcelwatch start`).
  registerDeadLetterMetric(registry, () => countDeadLetters(deps.db));
  const app = Fastify({ logger: false, bodyLimit: JSON_BODY_LIMIT });
  let running = false;
  let baseUrl: string | null = null;
  const routeTable: ApiRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: route.url });
  });

  const webhooksReceived = new Counter({
    name: `${METRIC_PREFIX}api_webhooks_total`,
    help: 'Carrier webhooks by provider and outcome (accepted, ignored, invalid_signature, replay...)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [registry],
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      logger.error({ err, method: request.method, url: request.routeOptions.url }, 'request failed');
      return reply.code(500).send({ error: 'internal_error', message: 'internal error; the request can be retried' });
    }
    return reply.code(status).send({ error: err.code ?? 'bad_request', message: err.message });
  });
  // A query or path parameter PostgreSQL cannot store would fail its statement with a 500.
  app.addHook('preValidation', async (request, reply) => {
    const unstorable = unstorableParameter(request.query, 'query') ?? unstorableParameter(request.params, 'path');
    if (unstorable !== null) {
      return reply.code(400).send({ error: 'invalid_request', message: `${unstorable} ${UNSTORABLE_TEXT_MESSAGE}` });
    }
  });
  // Before any route, so routes registered later (other services' on this instance) get it too.
  const access: AccessOptions = deps.access ?? { enabled: true };
  installAccessLayer(app, { db: deps.db, clock: deps.clock, logger, options: access, rateLimits: access.rateLimits ?? DEFAULT_RATE_LIMITS });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url}` }));

  registerHealthRoutes(app, {
    registry,
    checks: [
      { name: 'api', check: () => running },
      { name: 'database', check: async () => void (await sql`select 1`.execute(deps.db)) },
      ...(deps.checks ?? []),
    ],
  });
  registerShipmentRoutes(
    app,
    createShipmentRegistrar({ db: deps.db, clock: deps.clock, shipmentsTopic: deps.topics?.shipments ?? 'shipments', secrets: deps.secrets ?? null }),
  );
  registerCourierDetectRoutes(app);
  const trackingLinks: TrackingLinkDeps = {
    db: deps.db,
    secrets: deps.secrets ?? null,
    baseUrl: () => deps.trackingPageBaseUrl ?? baseUrl ?? '',
  };
  registerTrackingLinkRoutes(app, { ...trackingLinks, clock: deps.clock });
  registerWismoRoutes(app, { db: deps.db, clock: deps.clock, links: trackingLinks, ...(deps.wismoPerMinute !== undefined ? { perMinute: deps.wismoPerMinute } : {}) });
  registerBuyerPageRoutes(app, { db: deps.db, clock: deps.clock, links: trackingLinks, nonces: createFormNonces(deps.trackingFormKey) });
  registerApiKeyRoutes(app, { db: deps.db, clock: deps.clock });
  registerMerchantRoutes(app, { db: deps.db, clock: deps.clock });
  registerBuyerRoutes(app, { db: deps.db, clock: deps.clock, mailCopies: deps.mailCopies ?? null });
  registerCarrierAccountRoutes(app, { db: deps.db, clock: deps.clock, secrets: deps.secrets ?? null });
  registerDeadLetterRoutes(app, { db: deps.db, clock: deps.clock });
  registerCallerRoutes(app, access.policy);
  registerWebhookRoutes(
    app,
    createWebhookIntake({
      db: deps.db,
      clock: deps.clock,
      secrets: deps.webhookSecrets ?? {},
      toleranceSeconds: deps.webhookToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
      ...(deps.untimedWebhookReceiptDays !== undefined ? { untimedReceiptDays: deps.untimedWebhookReceiptDays } : {}),
      snapshotsTopic: deps.topics?.trackingSnapshots ?? 'tracking.snapshots',
    }),
    logger,
    webhooksReceived,
  );
  registerReportRoutes(app, { db: deps.db, clock: deps.clock, ...(deps.blobStore !== undefined ? { blobStore: deps.blobStore } : {}) });
  if (deps.signedBlobs !== undefined) registerBlobDownloadRoutes(app, { blobs: deps.signedBlobs, logger });
  registerDashboardRoutes(app);

  return {
    name: 'api',
    app,
    routes: () => routeTable,
    url() {
      if (baseUrl === null) throw new Error('api is not listening; call start() first');
      return baseUrl;
    },
    async start() {
      const host = deps.host ?? '127.0.0.1';
      await app.listen({ host, port: deps.port ?? 0 });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : deps.port;
      baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      running = true;
      logger.info({ url: baseUrl, at: deps.clock.now().toISO() }, 'api listening');
    },
    async stop() {
      if (!running && baseUrl === null) return;
      running = false;
      // Stops accepting, lets in-flight requests finish, then closes.
      await app.close();
      baseUrl = null;
      logger.info('api stopped');
    },
    isHealthy: () => running,
  };
}

/** The first query or path parameter (name or value) PostgreSQL could not store, described; null when all can be. */
function unstorableParameter(values: unknown, where: 'query' | 'path'): string | null {
  if (typeof values !== 'object' || values === null) return null;
  for (const [name, value] of Object.entries(values)) {
    const texts: unknown[] = Array.isArray(value) ? value : [value];
    if (!isStorableText(name) || texts.some((text) => typeof text === 'string' && !isStorableText(text))) {
      return `${where} parameter ${JSON.stringify(name)}`;
    }
  }
  return null;
}
