import { parseOutboundAllow } from '@parcelwatch/outbound';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { createFilesystemBlobStore } from '@parcelwatch/archive';
import { createArchiverService } from '@parcelwatch/archiver';
import { EmbeddedBus } from '@parcelwatch/bus';
import { createApprovalWorkflow, registerApprovalRoutes } from '@parcelwatch/compensation';
import { newId } from '@parcelwatch/contracts';
import { createDb, insertCompensations, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createMerchantWebhooks } from '@parcelwatch/notifier';
import { fixedClock, type FixedClock } from '@parcelwatch/service-kit';
import { type Role } from '@parcelwatch/access';
import { createApiService, type ApiService } from '../src/app.js';
import { issueApiKey } from '../src/access/api-key-admin.js';
import type { RateLimits } from '@parcelwatch/access';
import { NOW, SECRETS, type ResponseBody } from './api-test-kit.js';

/*
 * The api as the embedded stack builds it: its own routes plus the compensation approval routes,
 * the merchant webhook admin routes and the appeal bundle routes on the same fastify instance,
 * behind the access layer, on PGlite.
 */
export const ROLE_NAMES: readonly Role[] = ['viewer', 'approver', 'admin', 'ingest'];
export const GENEROUS: RateLimits = { readsPerMinute: 100_000, writesPerMinute: 100_000, webhooksPerMinute: 100_000 };

export interface AccessStack {
  db: Kysely<Database>;
  clock: FixedClock;
  api: ApiService;
  url: string;
  call(method: string, url: string, key: string | null, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: ResponseBody; headers: Headers }>;
  close(): Promise<void>;
}

/** On a fresh PGlite, or on `existingDb` (migrated; the caller closes it). */
export async function startAccessStack(rateLimits: RateLimits = GENEROUS, existingDb?: Kysely<Database>): Promise<AccessStack> {
  const logger = createLogger({ name: 'access-test', level: 'silent' });
  const db = existingDb ?? (await createDb({ kind: 'pglite' }));
  if (existingDb === undefined) await migrateToLatest(db);
  const clock = fixedClock(NOW);
  const dir = await mkdtemp(path.join(tmpdir(), 'pw-access-'));
  const api = createApiService({ db, clock, logger, webhookSecrets: { ...SECRETS }, access: { enabled: true, rateLimits } });
  registerApprovalRoutes(api.app, createApprovalWorkflow({ db, clock, compensationsTopic: 'compensations' }));
  createMerchantWebhooks({ db, clock, logger, allow: parseOutboundAllow('127.0.0.1/32').entries }).registerRoutes(api.app);
  const bus = new EmbeddedBus({ logger });
  createArchiverService({ logger, clock, db, bus, blobStore: createFilesystemBlobStore({ dir }) }).registerRoutes(api.app);
  // A route nobody put in the policy table: it must stay closed.
  api.app.get('/v1/unlisted', async () => ({ ok: true }));
  await api.start();
  const url = api.url();
  return {
    db,
    clock,
    api,
    url,
    async call(method, route, key, body, headers = {}) {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' }),
          ...(key === null ? {} : { authorization: `Bearer ${key}` }),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      const json = response.headers.get('content-type')?.includes('json') ?? false;
      return { status: response.status, body: text === '' ? null : json ? JSON.parse(text) : text, headers: response.headers };
    },
    async close() {
      await api.stop();
      if (existingDb === undefined) await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface MerchantWorld {
  merchantId: string;
  /** One key per role, scoped to this merchant only. */
  keys: Record<Role, { id: string; key: string }>;
  shipmentId: string;
  /** Two pending supervisor-level compensations: one to approve, one to reject. */
  compensations: [string, string];
  endpointId: string;
}

/** A merchant with a key per role, a shipment registered through the api, pending compensations and a webhook endpoint. */
export async function seedMerchant(stack: AccessStack, name: string, trackingNumber: string): Promise<MerchantWorld> {
  const merchantId = newId();
  await stack.db.insertInto('merchants').values({ id: merchantId, name }).execute();
  const keys = {} as Record<Role, { id: string; key: string }>;
  for (const role of ROLE_NAMES) {
    const issued = await issueApiKey({ db: stack.db, clock: stack.clock }, { name: `${name} ${role}`, role, merchantIds: [merchantId], actor: 'test-setup' });
    keys[role] = { id: issued.row.id, key: issued.key };
  }
  const shipment = await stack.call('POST', '/v1/shipments', keys.ingest.key, { merchantId, orderId: `${name}-1`, trackingNumber, destinationCountry: 'US' });
  if (shipment.status !== 201) throw new Error(`seeding ${name}: ${JSON.stringify(shipment.body)}`);
  const shipmentId = shipment.body.shipment.id as string;
  const compensations: [string, string] = [newId(), newId()];
  // Decisions as the compensation service records them (its repository), awaiting a supervisor.
  await insertCompensations(
    stack.db,
    compensations.map((id, n) => ({
      id,
      shipment_id: shipmentId,
      merchant_id: merchantId,
      tier: n + 1,
      action: 'partial_refund',
      amount_minor: 500,
      currency: 'USD',
      channel: 'standard',
      approval_level: 'supervisor',
      supersedes_id: null,
      policy_version: 'test',
      rule_fired: 'test',
      decided_at: new Date(NOW),
      approver: null,
      approved_at: null,
      rejected_reason: null,
      execution_key: `exec-${id}`,
      external_ref: null,
      executed_at: null,
      error: null,
      order_value_minor: 6000,
      order_currency: 'USD',
      approver_role: null,
      cancelled_reason: null,
      execution_claimed_at: null, next_attempt_at: null, first_failed_at: null, last_error_class: null,
    })),
  );
  const endpoint = await stack.call('POST', '/v1/webhook-endpoints', keys.admin.key, { merchantId, url: 'http://127.0.0.1:9/hooks' });
  if (endpoint.status !== 201) throw new Error(`seeding ${name}: ${JSON.stringify(endpoint.body)}`);
  return { merchantId, keys, shipmentId, compensations, endpointId: endpoint.body.id as string };
}
