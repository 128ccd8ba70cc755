import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiService, createShipmentRegistrar, type ApiService } from '@parcelwatch/api';
import { createCarrierSandboxService, type CarrierSandboxService } from '@parcelwatch/carrier-sandbox';
import { newId, parseEvent, type Provider, type TrackingSnapshotCapturedEvent } from '@parcelwatch/contracts';
import { createDb, insertApiKey, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createSnapshotApplier, type SnapshotMessage } from '@parcelwatch/normalizer';
import { createSecretBox, parseSecretKey } from '@parcelwatch/secrets';
import { createMetricsRegistry, fixedClock } from '@parcelwatch/service-kit';
import { generateApiKey } from '@parcelwatch/access';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import { buildPoller, loadPollerConfig, type PollerService } from '../src/index.js';

/*
 * Merchants' own carrier accounts, end to end on loopback: the account goes in through the api
 * (sealed under PARCELWATCH_SECRET_KEY), the poller built from its settings opens it and polls
 * with it rather than the environment's account; a provider without any account shows on the
 * shipment and on /metrics and is not polled again every tick; 17TRACK is told to stop a
 * delivered number once, and its quota shows. The carrier sandbox records every request's key.
 */
const logger = createLogger({ name: 'poller-carrier-accounts', level: 'silent' });
const clock = fixedClock('2026-03-10T00:00:00Z');
const SECRET_KEY = randomBytes(32).toString('base64');
const ENV_KEY = 'env-17track-key-0000';
const MERCHANT_KEY = 'merchant-17track-key-aaaa';
const MERCHANT_DHL_KEY = 'merchant-dhl-key-bbbb';
const NUMBER_17TRACK = 'YT2603000000017';
const NUMBER_DHL = 'YT2603000000018';

let sandbox: CarrierSandboxService;
let db: Kysely<Database>;
let api: ApiService;
let poller: PollerService;
let registry: Registry;
let adminKey: string;
let merchantId: string;
const ids: Partial<Record<Provider, string>> = {};

/** Response bodies are asserted field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function apiCall(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api.url()}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

const requests = (provider: Provider, endpoint?: string) => sandbox.stats.requests(provider).filter((r) => endpoint === undefined || r.path.endsWith(`/${endpoint}`));

/** What the normalizer does with the poller's snapshots: the shipment's state follows the carrier. */
async function normalizeSnapshots(): Promise<void> {
  const rows = await db.selectFrom('outbox').select(['id', 'event', 'message_key']).where('topic', '=', 'tracking.snapshots').orderBy('id').execute();
  const messages: SnapshotMessage[] = rows.map((row, index) => {
    const parsed = parseEvent('tracking.snapshots', row.event);
    if (!parsed.ok) throw new Error(parsed.reason);
    return { topic: 'tracking.snapshots', partition: 0, offset: String(index), key: row.message_key, value: null, headers: {}, timestamp: String(clock.now().toMillis()), event: parsed.event as TrackingSnapshotCapturedEvent };
  });
  const apply = createSnapshotApplier({ shipmentEventsTopic: 'shipment.events', now: () => clock.now().toISO()! });
  await db.transaction().execute((trx) => apply(trx, messages));
  await db.deleteFrom('outbox').where('topic', '=', 'tracking.snapshots').execute();
}

beforeAll(async () => {
  sandbox = createCarrierSandboxService({
    logger,
    clock,
    options: { seed: 11, credentials: { apiKeys: { '17track': [ENV_KEY, MERCHANT_KEY], dhl: [MERCHANT_DHL_KEY] } }, rateLimits: { '17track': null, dhl: null } },
  });
  await sandbox.start();
  // Both parcels were delivered weeks ago: the first poll finds them final.
  sandbox.journeys.create([NUMBER_17TRACK, NUMBER_DHL].map((trackingNumber) => ({ trackingNumber, outcome: 'delivered' as const, lane: 'CN-US' as const, shippedAt: clock.now().minus({ days: 40 }) })));
  db = await createDb({ kind: 'pglite' });
  await migrateToLatest(db);
  merchantId = newId();
  await db.insertInto('merchants').values({ id: merchantId, name: 'Own accounts shop' }).execute();
  const generated = generateApiKey();
  await insertApiKey(db, { id: newId(), name: 'admin', keyHash: generated.hash, prefix: generated.prefix, role: 'admin', merchantIds: [merchantId], createdAt: clock.now().toJSDate() });
  adminKey = generated.key;
  api = createApiService({ db, clock, logger, secrets: createSecretBox({ current: parseSecretKey(SECRET_KEY) }) });
  await api.start();

  const registrar = createShipmentRegistrar({ db, clock, shipmentsTopic: 'shipments' });
  for (const [provider, trackingNumber] of [['17track', NUMBER_17TRACK], ['dhl', NUMBER_DHL]] as const) {
    const [result] = await registrar.register([{ merchantId, orderId: `order-${provider}`, trackingNumber, carrier: 'yunexpress', provider, destinationCountry: 'US' }], 'api');
    if (result?.status !== 'created') throw new Error(`not registered: ${JSON.stringify(result)}`);
    ids[provider] = result.shipment.id;
  }
  registry = createMetricsRegistry({ service: 'poller', defaultMetrics: false });
  const config = loadPollerConfig({ CARRIER_17TRACK_URL: sandbox.url, CARRIER_17TRACK_API_KEY: ENV_KEY, CARRIER_DHL_URL: sandbox.url, PARCELWATCH_SECRET_KEY: SECRET_KEY });
  poller = buildPoller(config, { logger, clock, onClose: () => undefined }, { db, registry }).service;
});

afterAll(async () => {
  await api.stop();
  await sandbox.stop();
  await db.destroy();
});

describe('poller with merchants\' own carrier accounts', () => {
  it('registers and polls with the account set through the api, not the environment\'s', async () => {
    const stored = await apiCall('POST', '/v1/carrier-accounts', { merchantId, provider: '17track', apiKey: MERCHANT_KEY });
    expect(stored.status).toBe(201);

    const report = await poller.tick();
    expect(report).toMatchObject({ registered: 1, snapshots: 1, failed: 0, withoutAccount: 1 });
    for (const endpoint of ['register', 'gettrackinfo']) {
      expect({ endpoint, keys: [...new Set(requests('17track', endpoint).map((r) => r.key))] }).toEqual({ endpoint, keys: [MERCHANT_KEY] });
    }
  });

  it('shows a provider without any account on the shipment and on /metrics, and backs off', async () => {
    const detail = await apiCall('GET', `/v1/shipments/${ids.dhl}`);
    expect(detail.body.shipment.pollProblem).toBe('no carrier account for dhl');
    expect((await apiCall('GET', `/v1/shipments/${ids['17track']}`)).body.shipment.pollProblem).toBeNull();
    const metrics = await registry.metrics();
    expect(metrics).toContain('parcelwatch_poller_shipments_without_account{provider="dhl",problem="no carrier account for dhl",service="poller"} 1');
    expect(metrics).toMatch(/parcelwatch_poller_no_account_total\{provider="dhl",service="poller"\} [12]/);

    // Not every tick: the next look is an hour away.
    clock.advance({ minutes: 30 });
    expect((await poller.tick()).withoutAccount).toBe(0);
    expect(requests('dhl')).toEqual([]);
  });

  it('tells 17TRACK to stop tracking the delivered number, once, and shows the quota', async () => {
    await normalizeSnapshots();
    expect(await db.selectFrom('shipments').select('status').where('id', '=', ids['17track']!).executeTakeFirstOrThrow()).toEqual({ status: 'delivered' });
    clock.advance({ hours: 2 });
    const report = await poller.tick();
    expect(report).toMatchObject({ stopTracked: 1, quotaChecked: 2 });
    for (let day = 0; day < 5; day += 1) {
      clock.advance({ days: 1 });
      expect((await poller.tick()).stopTracked).toBe(0);
    }
    const stops = requests('17track', 'stoptrack');
    expect(stops.map((r) => ({ key: r.key, status: r.status }))).toEqual([{ key: MERCHANT_KEY, status: 200 }]);
    // The sandbox holds the number as stopped: stopping it again is refused as 17TRACK does.
    const again = await fetch(`${sandbox.url}/track/v2.4/stoptrack`, { method: 'POST', headers: { '17token': MERCHANT_KEY, 'content-type': 'application/json' }, body: JSON.stringify([{ number: NUMBER_17TRACK }]) });
    expect(((await again.json()) as { data: { rejected: { error: { code: number } }[] } }).data.rejected.map((item) => item.error.code)).toEqual([-18019906]);

    // getquota with each account: the environment's and the merchant's, read again after an hour.
    expect(new Set(requests('17track', 'getquota').map((r) => r.key))).toEqual(new Set([ENV_KEY, MERCHANT_KEY]));
    const metrics = await registry.metrics();
    expect(metrics).toContain(`parcelwatch_poller_carrier_quota{provider="17track",account="${merchantId}",figure="used",service="poller"} 1`);
    expect(metrics).toContain('parcelwatch_poller_carrier_quota{provider="17track",account="environment",figure="remain",service="poller"}');
    const list = await apiCall('GET', '/v1/carrier-accounts');
    expect(list.body.items[0]).toMatchObject({ provider: '17track', quota: { used: 1, total: 100_000, remain: 99_999 } });
    expect(JSON.stringify(list.body)).not.toContain(MERCHANT_KEY);
  });

  it('polls a waiting shipment as soon as its merchant enters the account', async () => {
    expect((await apiCall('POST', '/v1/carrier-accounts', { merchantId, provider: 'dhl', apiKey: MERCHANT_DHL_KEY })).status).toBe(201);
    const report = await poller.tick();
    expect(report).toMatchObject({ withoutAccount: 0, snapshots: 1 });
    expect(new Set(requests('dhl').map((r) => r.key))).toEqual(new Set([MERCHANT_DHL_KEY]));
    expect((await apiCall('GET', `/v1/shipments/${ids.dhl}`)).body.shipment.pollProblem).toBeNull();
    expect(await registry.metrics()).not.toContain('parcelwatch_poller_shipments_without_account{provider="dhl"');
  });
});
