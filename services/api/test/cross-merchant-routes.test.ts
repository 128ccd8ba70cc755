import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { databaseDeadLetters } from '@parcelwatch/bus';
import type { ApiRoute } from '../src/app.js';
import { ROLE_NAMES, seedMerchant, startAccessStack, type AccessStack, type MerchantWorld } from './access-fixture.js';
import { NOW } from './api-test-kit.js';

/*
 * Every route the app has, read from its route table (not a list kept by hand), tried with each
 * of merchant A's keys against merchant B: by id, by name in the query and in the body. None may
 * answer with B's data or change it. A route this test does not know how to aim at B fails it,
 * so a new route cannot slip past.
 */

/** Routes without a key: probes, carrier pushes (signed by the carrier), static pages, signed links, buyer tracking pages (the token is the credential). */
const KEYLESS = [/^\/healthz$/, /^\/readyz$/, /^\/metrics$/, /^\/openapi\.json$/, /^\/dashboard/, /^\/v1\/webhooks\//, /^\/v1\/blobs\//, /^\/t(\/|$)/];

const DAY_MS = 86_400_000;
const range = `from=${new Date(Date.parse(NOW) - 30 * DAY_MS).toISOString()}&to=${new Date(Date.parse(NOW) + DAY_MS).toISOString()}`;
/** Query parameters a route needs before it answers anything but 400. */
const NEEDS: Record<string, string> = {
  '/v1/reports/carrier-performance': range,
  '/v1/reports/compensations/cost': range,
  '/v1/reports/response-sla': range,
  '/v1/reports/exception-causes': 'weeks=4',
};

/** B's resource for a path parameter, by the collection the parameter sits in. */
interface Foreign extends MerchantWorld {
  buyerId: string;
  deadLetterId: string;
}

function foreignId(route: ApiRoute, param: string, b: Foreign): string {
  if (param === 'merchantId') return b.merchantId;
  if (param === 'provider') return 'ups';
  const collections: [RegExp, string][] = [
    [/^\/v1\/api-keys\/:id/, b.keys.viewer.id],
    [/^\/v1\/merchants\/:id/, b.merchantId],
    [/^\/v1\/shipments\/:id/, b.shipmentId],
    [/^\/compensations\/:id/, b.compensations[0]],
    [/^\/v1\/webhook-endpoints\/:id/, b.endpointId],
    [/^\/v1\/buyers\/:id/, b.buyerId],
    [/^\/v1\/dead-letters\/:id/, b.deadLetterId],
  ];
  const hit = collections.find(([pattern]) => pattern.test(route.url));
  if (hit === undefined) throw new Error(`${route.method} ${route.url}: this test does not know which of merchant B's resources :${param} names; add it`);
  return hit[1];
}

function aimAt(route: ApiRoute, b: Foreign): { url: string; body?: unknown }[] {
  const path = route.url.replace(/:([A-Za-z]+)/g, (_, param: string) => foreignId(route, param, b));
  const needs = NEEDS[route.url];
  const plain = needs === undefined ? path : `${path}?${needs}`;
  const named = `${plain}${plain.includes('?') ? '&' : '?'}merchantId=${b.merchantId}`;
  if (route.method === 'GET' || route.method === 'DELETE') return route.url.includes(':') ? [{ url: path }] : [{ url: plain }, { url: named }];
  const bodies: Record<string, unknown> = {
    'POST /v1/shipments': { merchantId: b.merchantId, orderId: 'foreign-1', trackingNumber: 'LX123456785CN', destinationCountry: 'US' },
    'POST /v1/shipments/import': `merchantId,orderId,trackingNumber,destinationCountry\n${b.merchantId},foreign-2,LX123456785CN,US\n`,
    'POST /v1/api-keys': { name: 'foreign', role: 'admin', merchantIds: [b.merchantId] },
    'POST /v1/merchants': { name: 'foreign' },
    'PATCH /v1/merchants/:id': { name: 'taken over' },
    'POST /v1/carrier-accounts': { merchantId: b.merchantId, provider: 'ups', credentials: { clientId: 'x', clientSecret: 'y' } },
    'POST /v1/webhook-endpoints': { merchantId: b.merchantId, url: 'http://127.0.0.1:9/foreign' },
    'PATCH /v1/webhook-endpoints/:id': { url: 'http://127.0.0.1:9/foreign' },
    'POST /v1/webhook-endpoints/:id/replay': { since: '2026-01-01T00:00:00Z' },
    'POST /compensations/:id/approve': { evidence: ['proof:x'] },
    'POST /compensations/:id/reject': { reason: 'foreign' },
    'POST /v1/dead-letters/replay': { ids: [Number(b.deadLetterId)] },
    'POST /v1/wismo': { trackingNumber: 'RR123456785CN' },
  };
  return [{ url: plain, body: bodies[`${route.method} ${route.url}`] ?? {} }];
}

describe("every route of the app, with merchant A's keys, aimed at merchant B", () => {
  let s: AccessStack;
  let a: MerchantWorld;
  let b: Foreign;

  beforeAll(async () => {
    s = await startAccessStack();
    a = await seedMerchant(s, 'alpha', 'YT1234567890123456');
    const world = await seedMerchant(s, 'bravo', 'RR123456785CN');
    // B's buyer, registered with a parcel, and a message of B's that a consumer could not parse (the bus's own dead-letter store).
    const withBuyer = await s.call('POST', '/v1/shipments', world.keys.ingest.key, {
      merchantId: world.merchantId, orderId: 'bravo-2', trackingNumber: 'LX123456785CN', destinationCountry: 'US', buyer: { name: 'Bea Bravo', email: 'bea@bravo.example' },
    });
    const envelope = { specversion: '1.0', id: 'dl-bravo-1', type: 'shipment.event', source: 'test', merchantid: world.merchantId, data: { broken: true } };
    await databaseDeadLetters(s.db)([
      { consumerGroup: 'detector', sourceTopic: 'shipment.events', sourcePartition: 0, sourceOffset: '7', key: world.shipmentId, value: Buffer.from(JSON.stringify(envelope)), headers: {}, reason: 'parse: data.kind is required', failedAt: new Date(NOW) },
    ]);
    const letter = await s.db.selectFrom('dead_letters').select('id').executeTakeFirstOrThrow();
    b = { ...world, buyerId: withBuyer.body.shipment.buyerId as string, deadLetterId: String(letter.id) };
  });
  afterAll(async () => s?.close());

  /** What B owns, as the database holds it. */
  async function stateOfB(): Promise<string> {
    const db = s.db;
    const by = <T extends 'shipments' | 'compensations' | 'webhook_endpoints' | 'carrier_accounts' | 'proofs'>(table: T) =>
      db.selectFrom(table as 'shipments').selectAll().where('merchant_id', '=', b.merchantId).execute().then((rows) => rows.map((row) => JSON.stringify(row)).sort());
    const keys = (await db.selectFrom('api_keys').select(['id', 'role', 'merchant_ids', 'revoked_at']).orderBy('id').execute()).filter((k) => k.merchant_ids.includes(b.merchantId));
    const merchant = await db.selectFrom('merchants').selectAll().where('id', '=', b.merchantId).execute();
    const buyer = await db.selectFrom('buyers').selectAll().where('id', '=', b.buyerId).execute();
    const contacts = await db.selectFrom('buyer_contacts').selectAll().where('merchant_id', '=', b.merchantId).execute();
    const letters = await db.selectFrom('dead_letters').selectAll().execute();
    return JSON.stringify([merchant, await by('shipments'), await by('compensations'), await by('webhook_endpoints'), await by('carrier_accounts'), await by('proofs'), keys, buyer, contacts, letters]);
  }

  it('finds the routes in the table, keyed ones included', () => {
    const keyed = s.api.routes().filter((route) => !KEYLESS.some((pattern) => pattern.test(route.url)));
    expect(keyed.length).toBeGreaterThan(30);
    expect(keyed.map((route) => `${route.method} ${route.url}`)).toEqual(expect.arrayContaining(['POST /compensations/:id/approve', 'DELETE /v1/webhook-endpoints/:id', 'PATCH /v1/merchants/:id']));
  });

  it('never answers with B data and never changes it, whatever the role', async () => {
    const before = await stateOfB();
    const marks = [b.merchantId, b.shipmentId, b.endpointId, b.buyerId, ...b.compensations, ...Object.values(b.keys).map((k) => k.id), 'RR123456785CN', 'bravo-1', 'bea@bravo.example', 'dl-bravo-1'];
    const found: string[] = [];
    for (const route of s.api.routes()) {
      if (KEYLESS.some((pattern) => pattern.test(route.url))) continue;
      for (const { url, body } of aimAt(route, b)) {
        const asked = `${url} ${JSON.stringify(body ?? '')}`;
        for (const role of ROLE_NAMES) {
          const got = await s.call(route.method, url, a.keys[role].key, body);
          const text = typeof got.body === 'string' ? got.body : JSON.stringify(got.body);
          // An id the request itself carried may come back in the refusal's message; anything else of B's is a leak.
          const leaks = marks.filter((mark) => !asked.includes(mark) && text.includes(mark));
          const byIdSucceeded = route.url.includes(':') && got.status < 300;
          if (got.status >= 500 || leaks.length > 0 || byIdSucceeded) found.push(`${role} ${route.method} ${url} -> ${got.status} ${leaks.join(',')}`);
        }
      }
    }
    expect(found).toEqual([]);
    expect(await stateOfB()).toBe(before);
  });

  it("answers B's own keys on the same ids (the aim is true, so the test above could fail)", async () => {
    for (const route of s.api.routes()) {
      if (route.method !== 'GET' || !route.url.includes(':') || KEYLESS.some((pattern) => pattern.test(route.url))) continue;
      const [{ url }] = aimAt(route, b) as [{ url: string }];
      const got = await s.call('GET', url, b.keys.admin.key);
      expect({ url, status: got.status }).toEqual({ url, status: 200 });
    }
  });
});
