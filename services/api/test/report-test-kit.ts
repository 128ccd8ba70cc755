import type { Kysely } from 'kysely';
import { newId } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Compensation, type Database, type ExceptionKindColumn, type MilestoneColumn, type NewShipment } from '@parcelwatch/db';
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

export async function seedShipment(db: Kysely<Database>, seed: ShipmentSeed): Promise<string> {
  serial += 1;
  const id = newId();
  const row: NewShipment = {
    id,
    merchant_id: seed.merchantId,
    order_id: `ORD-${serial}`,
    tracking_number: seed.trackingNumber ?? `TN${String(serial).padStart(6, '0')}`,
    carrier: seed.carrier ?? 'yunexpress',
    provider: '17track',
    origin_country: seed.origin === undefined ? 'CN' : seed.origin,
    destination_country: seed.destination === undefined ? 'US' : seed.destination,
    status: seed.status ?? 'in_transit',
    last_checkpoint_at: seed.lastCheckpointAt === undefined ? daysAgo(1) : seed.lastCheckpointAt,
    created_at: seed.createdAt ?? daysAgo(20),
    promised_delivery_date: seed.promised ?? null,
    buyer_timezone: seed.buyerTimezone ?? 'America/New_York',
    picked_up_at: seed.pickedUpAt ?? null,
    delivered_at: seed.deliveredAt ?? null,
    returned_at: seed.returnedAt ?? null,
  };
  await db.insertInto('shipments').values(row).execute();
  return id;
}

export async function seedException(
  db: Kysely<Database>,
  shipmentId: string,
  merchantId: string,
  kind: ExceptionKindColumn,
  options: { openedAt?: Date; status?: 'open' | 'escalated' | 'resolved' } = {},
): Promise<string> {
  const id = newId();
  const status = options.status ?? 'open';
  await db
    .insertInto('exceptions')
    .values({ id, shipment_id: shipmentId, merchant_id: merchantId, kind, status, opened_at: options.openedAt ?? daysAgo(2), resolved_at: status === 'resolved' ? daysAgo(1) : null })
    .execute();
  return id;
}

export async function seedNotification(
  db: Kysely<Database>,
  seed: { shipmentId: string; merchantId: string; trigger: string; sentAt: Date | null; channel?: 'email' | 'sms' | 'merchant_webhook' | 'marketplace_message'; status?: 'sent' | 'failed' | 'scheduled' },
): Promise<void> {
  const channel = seed.channel ?? 'email';
  await db
    .insertInto('notifications')
    .values({
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
    })
    .execute();
}

export async function seedCompensation(
  db: Kysely<Database>,
  seed: { shipmentId: string; merchantId: string; tier: number; status: Compensation['status']; amountMinor: number; currency?: string; decidedAt: Date },
): Promise<string> {
  const id = newId();
  await db
    .insertInto('compensations')
    .values({
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
    })
    .execute();
  return id;
}
