import type { Kysely } from 'kysely';
import { newId } from '@parcelwatch/contracts';
import {
  createDb,
  insertCompensations,
  insertExceptions,
  insertNotifications,
  migrateToLatest,
  resolveExceptions,
  type Compensation,
  type Database,
  type ExceptionKindColumn,
  type MilestoneColumn,
} from '@parcelwatch/db';
import { seedShipments } from '@parcelwatch/db/testing';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock, type FixedClock } from '@parcelwatch/service-kit';
import { type Caller } from '@parcelwatch/access';
import { createApiService, type ApiDeps, type ApiService } from '../src/app.js';
import { createMerchant, NOW, type ResponseBody } from './api-test-kit.js';

export { NOW };

export interface ReportApi {
  db: Kysely<Database>;
  clock: FixedClock;
  api: ApiService;
  get(path: string, merchants?: readonly string[]): Promise<{ status: number; body: ResponseBody; text: string; contentType: string | null }>;
  close(): Promise<void>;
}

/**
 * The api on a migrated PGlite, with a stand-in for the access layer: a request carrying
 * `x-test-merchants` gets a viewer caller scoped to those merchants, as the real layer sets it.
 */
export async function startReportApi(overrides: Partial<ApiDeps> = {}, existingDb?: Kysely<Database>): Promise<ReportApi> {
  const db = existingDb ?? (await createDb({ kind: 'pglite' }));
  if (existingDb === undefined) await migrateToLatest(db);
  const clock = fixedClock(NOW);
  // The access layer is replaced by the header-driven fake caller below (real keys: cross-merchant-access.test.ts).
  const api = createApiService({ db, clock, logger: createLogger({ name: 'report-test', level: 'silent' }), access: { enabled: false }, ...overrides });
  api.app.addHook('preHandler', async (request) => {
    const header = request.headers['x-test-merchants'];
    if (typeof header !== 'string') return;
    const caller: Caller = { keyId: 'test-key', name: 'test', role: 'viewer', merchantIds: header === '' ? [] : header.split(',') };
    request.caller = caller;
  });
  await api.start();
  const url = api.url();
  return {
    db,
    clock,
    api,
    async get(path, merchants) {
      const response = await fetch(`${url}${path}`, { headers: merchants === undefined ? {} : { 'x-test-merchants': merchants.join(',') } });
      const text = await response.text();
      const contentType = response.headers.get('content-type');
      const body = contentType?.startsWith('application/json') ? JSON.parse(text) : null;
      return { status: response.status, body, text, contentType };
    },
    async close() {
      await api.stop();
      if (existingDb === undefined) await db.destroy();
    },
  };
}

export { createMerchant };

const DAY = 86_400_000;
export const daysAgo = (days: number, hours = 0) => new Date(Date.parse(NOW) - days * DAY - hours * 3_600_000);

let serial = 0;

export interface ShipmentSeed {
  merchantId: string;
  trackingNumber?: string;
  carrier?: string;
  origin?: string | null;
  destination?: string | null;
  status?: MilestoneColumn;
  lastCheckpointAt?: Date | null;
  createdAt?: Date;
  promised?: string | null;
  buyerTimezone?: string;
  pickedUpAt?: Date | null;
  deliveredAt?: Date | null;
  returnedAt?: Date | null;
}

/**
 * A shipment registered as the api registers it, then brought to the tracking state the
 * normalizer would have recorded from its checkpoints.
 */
export async function seedShipment(db: Kysely<Database>, seed: ShipmentSeed): Promise<string> {
  serial += 1;
  const id = newId();
  const status = seed.status ?? 'in_transit';
  const lastCheckpointAt = seed.lastCheckpointAt === undefined ? daysAgo(1) : seed.lastCheckpointAt;
  await seedShipments(db, [
    {
      id,
      merchantId: seed.merchantId,
      orderId: `ORD-${serial}`,
      trackingNumber: seed.trackingNumber ?? `TN${String(serial).padStart(6, '0')}`,
      carrier: seed.carrier ?? 'yunexpress',
      provider: '17track',
      originCountry: seed.origin === undefined ? 'CN' : seed.origin,
      destinationCountry: seed.destination === undefined ? 'US' : seed.destination,
      promisedDeliveryDate: seed.promised ?? null,
      buyerTimezone: seed.buyerTimezone ?? 'America/New_York',
      registeredAt: seed.createdAt ?? daysAgo(20),
      tracking: {
        status,
        lastCheckpointAt,
        milestones: { picked_up_at: seed.pickedUpAt ?? null, delivered_at: seed.deliveredAt ?? null, returned_at: seed.returnedAt ?? null },
      },
    },
  ]);
  return id;
}

/** An exception as the detector opens it (and resolves it, for `resolved`). */
export async function seedException(
  db: Kysely<Database>,
  shipmentId: string,
  merchantId: string,
  kind: ExceptionKindColumn,
  options: { openedAt?: Date; status?: 'open' | 'escalated' | 'resolved' } = {},
): Promise<string> {
  const id = newId();
  const status = options.status ?? 'open';
  const openedAt = (options.openedAt ?? daysAgo(2)).toISOString();
  await insertExceptions(db, [
    { id, shipmentId, merchantId, kind, status: status === 'escalated' ? 'escalated' : 'open', severity: 'medium', level: status === 'escalated' ? 1 : 0,
      openedAt, escalatedAt: status === 'escalated' ? openedAt : null, details: {} },
  ]);
  if (status === 'resolved') await resolveExceptions(db, [{ id, resolution: 'progressed', resolvedAt: daysAgo(1).toISOString() }]);
  return id;
}

export async function seedNotification(
  db: Kysely<Database>,
  seed: { shipmentId: string; merchantId: string; trigger: string; sentAt: Date | null; channel?: 'email' | 'sms' | 'merchant_webhook' | 'marketplace_message'; status?: 'sent' | 'failed' | 'scheduled' },
): Promise<void> {
  const channel = seed.channel ?? 'email';
  // As the notifier records a message it sent (or failed, or holds for later).
  await insertNotifications(db, [{
    id: newId(),
    shipment_id: seed.shipmentId,
    merchant_id: seed.merchantId,
    idempotency_key: `${seed.shipmentId}:${seed.trigger}:${channel}:${newId()}`,
    trigger: seed.trigger,
    channel,
    template: 'stalled',
    locale: 'en',
    status: seed.status ?? 'sent',
    scheduled_for: seed.sentAt ?? daysAgo(0),
    sent_at: seed.sentAt,
    occurred_at: seed.sentAt ?? daysAgo(0),
  }]);
}

export async function seedCompensation(
  db: Kysely<Database>,
  seed: { shipmentId: string; merchantId: string; tier: number; status: Compensation['status']; amountMinor: number; currency?: string; decidedAt: Date },
): Promise<string> {
  const id = newId();
  // As the compensation service records a decision.
  await insertCompensations(db, [{
    id,
    shipment_id: seed.shipmentId,
    merchant_id: seed.merchantId,
    tier: seed.tier,
    status: seed.status,
    action: seed.tier === 1 ? 'coupon' : seed.tier === 2 ? 'partial_refund' : 'full_refund',
    amount_minor: seed.amountMinor,
    currency: seed.currency ?? 'USD',
    channel: 'standard',
    approval_level: 'supervisor',
    policy_version: 'test-1',
    rule_fired: `tier${seed.tier}.test`,
    decided_at: seed.decidedAt,
    execution_key: `exec-${id}`,
  }]);
  return id;
}
