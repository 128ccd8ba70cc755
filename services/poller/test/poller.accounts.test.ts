import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createShipmentRegistrar } from '@parcelwatch/api';
import { createCarrierSandboxService, type CarrierSandboxService } from '@parcelwatch/carrier-sandbox';
import { ConfigError } from '@parcelwatch/config';
import { newId, type Provider } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { buildPoller, loadPollerConfig } from '../src/index.js';

/*
 * The poller as its main.ts builds it, from settings alone: each provider's URL and credentials
 * come from CARRIER_<PROVIDER>_* and reach that provider's host. The carrier sandbox stands in for
 * every host; it accepts only the credentials listed here and records which key made each request.
 */
const logger = createLogger({ name: 'poller-accounts', level: 'silent' });
const clock = fixedClock('2026-03-10T00:00:00Z');

const CREDENTIALS = {
  apiKeys: { '17track': ['17t-live-key'], aftership: ['as-live-key'], dhl: ['dhl-live-key'] },
  oauthClients: {
    usps: [{ clientId: 'usps-id', clientSecret: 'usps-secret' }],
    ups: [{ clientId: 'ups-id', clientSecret: 'ups-secret' }],
    fedex: [{ clientId: 'fedex-id', clientSecret: 'fedex-secret' }],
  },
};
/** What identifies each account in the sandbox's request log (the API key, or the OAuth client id). */
const KEY_OF: Record<string, string> = { '17track': '17t-live-key', aftership: 'as-live-key', dhl: 'dhl-live-key', usps: 'usps-id', ups: 'ups-id', fedex: 'fedex-id' };

let sandbox: CarrierSandboxService;
let db: Kysely<Database>;
let merchantId: string;
const numbers: string[] = [];

function settings(url: string): Record<string, string> {
  return {
    CARRIER_17TRACK_URL: url,
    CARRIER_17TRACK_API_KEY: '17t-live-key',
    CARRIER_AFTERSHIP_URL: url,
    CARRIER_AFTERSHIP_API_KEY: 'as-live-key',
    CARRIER_DHL_URL: url,
    CARRIER_DHL_API_KEY: 'dhl-live-key',
    CARRIER_USPS_URL: url,
    CARRIER_USPS_CLIENT_ID: 'usps-id',
    CARRIER_USPS_CLIENT_SECRET: 'usps-secret',
    CARRIER_UPS_URL: url,
    CARRIER_UPS_CLIENT_ID: 'ups-id',
    CARRIER_UPS_CLIENT_SECRET: 'ups-secret',
    CARRIER_FEDEX_URL: url,
    CARRIER_FEDEX_CLIENT_ID: 'fedex-id',
    CARRIER_FEDEX_CLIENT_SECRET: 'fedex-secret',
  };
}

async function register(provider: Provider, trackingNumber: string, orderId: string): Promise<string> {
  const registrar = createShipmentRegistrar({ db, clock, shipmentsTopic: 'shipments' });
  const [result] = await registrar.register([{ merchantId, orderId, trackingNumber, carrier: 'yunexpress', provider, destinationCountry: 'US' }], 'api');
  if (result?.status !== 'created') throw new Error(`not registered: ${JSON.stringify(result)}`);
  return result.shipment.id;
}

beforeAll(async () => {
  sandbox = createCarrierSandboxService({ logger, clock, options: { seed: 5, credentials: CREDENTIALS, rateLimits: { '17track': null, aftership: null, dhl: null, usps: null, ups: null, fedex: null } } });
  await sandbox.start();
  numbers.push(...sandbox.journeys.createBatch({ count: 12, spreadDays: 1 }).map((journey) => journey.trackingNumber));
  db = await createDb({ kind: 'pglite' });
  await migrateToLatest(db);
  merchantId = newId();
  await db.insertInto('merchants').values({ id: merchantId, name: 'Accounts test shop' }).execute();
  clock.advance({ days: 3 });
});

afterAll(async () => {
  await sandbox.stop();
  await db.destroy();
});

describe('poller built from its settings', () => {
  it('defaults every provider to its production host and reports every bad setting at once', () => {
    const config = loadPollerConfig({});
    expect(config.CARRIER_17TRACK_URL).toBe('https://api.17track.net');
    expect(config.CARRIER_UPS_URL).toBe('https://onlinetools.ups.com');
    expect(config.MARKETPLACE_URL).toBe('https://open-api.tiktokglobalshop.com');
    let error: unknown;
    try {
      loadPollerConfig({ CARRIER_UPS_CLIENT_ID: 'x', CARRIER_FEDEX_CLIENT_SECRET: 'fx-secret-9f3k', CARRIER_DHL_URL: 'ftp://dhl', MARKETPLACE_APP_KEY: 'k', POLLER_CADENCE_HOURS: 'soon=1' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.key).sort()).toEqual(
      ['CARRIER_DHL_URL', 'CARRIER_FEDEX_CLIENT_ID', 'CARRIER_UPS_CLIENT_SECRET', 'MARKETPLACE_ACCESS_TOKEN', 'MARKETPLACE_APP_SECRET', 'MARKETPLACE_SHOP_CIPHER', 'POLLER_CADENCE_HOURS'].sort(),
    );
    // A secret is never echoed back in the report.
    expect((error as ConfigError).message).not.toContain('fx-secret-9f3k');
  });

  it('registers and polls each provider at the configured URL with that provider\'s own credentials', async () => {
    const providers: Provider[] = ['17track', 'aftership', 'dhl', 'usps', 'ups', 'fedex'];
    const ids = new Map<string, Provider>();
    for (const [i, provider] of providers.entries()) ids.set(await register(provider, numbers[i]!, `order-${provider}`), provider);

    const { service } = buildPoller(loadPollerConfig(settings(sandbox.url)), { logger, clock, onClose: () => undefined }, { db });
    const report = await service.tick();

    expect(report).toMatchObject({ polled: 6, snapshots: 6, failed: 0 });
    const requests = sandbox.stats.requests();
    for (const provider of providers) {
      const mine = requests.filter((r) => r.provider === provider);
      expect({ provider, keys: [...new Set(mine.map((r) => r.key))] }).toEqual({ provider, keys: [KEY_OF[provider]] });
      expect(mine.every((r) => r.status !== null && r.status < 400)).toBe(true);
    }
    // The aggregators were asked to track the numbers first (17TRACK register, AfterShip create).
    expect(requests.some((r) => r.provider === '17track' && r.path.endsWith('/register'))).toBe(true);
    expect(requests.some((r) => r.provider === 'aftership' && r.method === 'POST' && r.path.endsWith('/trackings'))).toBe(true);
    const snapshots = await db.selectFrom('outbox').select(['message_key', 'topic']).where('topic', '=', 'tracking.snapshots').execute();
    expect(snapshots.map((s) => s.message_key).sort()).toEqual([...ids.keys()].sort());
  });

  it('calls no provider it holds no account for', async () => {
    sandbox.stats.reset();
    const id = await register('dhl', numbers[8]!, 'order-dhl-no-account');
    const { CARRIER_DHL_API_KEY: _dhl, ...withoutDhl } = settings(sandbox.url);
    const { service } = buildPoller(loadPollerConfig(withoutDhl), { logger, clock, onClose: () => undefined }, { db });
    await service.tick();
    expect(sandbox.stats.requests('dhl')).toEqual([]);
    const snapshot = await db.selectFrom('outbox').select('id').where('message_key', '=', id).where('topic', '=', 'tracking.snapshots').executeTakeFirst();
    expect(snapshot).toBeUndefined();
  });
});
