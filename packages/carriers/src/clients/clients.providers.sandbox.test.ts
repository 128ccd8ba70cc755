import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createCarrierSandboxService, type CarrierSandboxService } from '@parcelwatch/carrier-sandbox';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import { createAfterShipClient } from './aftership.client.js';
import { CarrierClientRegistry } from './client-registry.js';
import { createDhlClient } from './dhl.client.js';
import { createFedexClient } from './fedex.client.js';
import { createTikTokShopClient } from './tiktok-shop.client.js';
import type { TrackOutcome } from './tracking-client.js';
import { createUpsClient } from './ups.client.js';
import { createUspsClient } from './usps.client.js';

const RATE = { requestsPerSecond: 50 };
const RETRY = { retries: 4, minTimeoutMs: 20, maxTimeoutMs: 100 };
const TIKTOK_APP = { appKey: 'app-1', appSecret: 'secret-1' };

let sandbox: CarrierSandboxService;
let numbers: string[];
let orderIds: string[];

beforeAll(async () => {
  sandbox = createCarrierSandboxService({
    logger: createLogger({ name: 'carrier-sandbox', level: 'silent' }),
    clock: fixedClock('2025-03-20T00:00:00Z'),
    options: {
      seed: 11,
      rateLimits: { usps: null, ups: null, fedex: null, dhl: null, aftership: null, tiktok: null },
      credentials: {
        oauthClients: { ups: [{ clientId: 'ups-client', clientSecret: 'ups-secret' }] },
        tiktokApps: [TIKTOK_APP],
      },
    },
  });
  await sandbox.start();
  const journeys = sandbox.journeys.createBatch({ count: 40, spreadDays: 25 });
  numbers = journeys.map((journey) => journey.trackingNumber);
  orderIds = journeys.map((journey) => journey.orderId);
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.faults.configure({});
  sandbox.stats.reset();
});

function okBodies(outcomes: TrackOutcome[]): unknown[] {
  expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
  return outcomes.flatMap((outcome) => (outcome.ok ? [outcome.response.body] : []));
}

describe('provider clients against the sandbox', () => {
  it('USPS: one OAuth token for many GETs, every number answered', async () => {
    const client = createUspsClient({ baseUrl: sandbox.url, clientId: 'usps-client', clientSecret: 's', rateLimit: RATE, retry: RETRY });
    const bodies = okBodies(await client.track(numbers.slice(0, 6))) as { trackingNumber?: string; error?: unknown }[];
    expect(bodies).toHaveLength(6);
    for (const body of bodies) expect(body.trackingNumber ?? body.error).toBeDefined();
    expect(client.tokens.requests).toBe(1);
    expect(sandbox.stats.requests('usps').filter((r) => r.path === '/oauth2/v3/token')).toHaveLength(1);
  });

  it('UPS: refuses wrong client credentials, and fetches a new token after a 401', async () => {
    const wrong = createUpsClient({ baseUrl: sandbox.url, clientId: 'ups-client', clientSecret: 'nope', rateLimit: RATE, retry: RETRY });
    const [refused] = await wrong.track(numbers.slice(0, 1));
    expect(!refused?.ok && refused?.error.kind).toBe('unauthorized');
    expect(!refused?.ok && refused?.error.retriable).toBe(false);

    const client = createUpsClient({ baseUrl: sandbox.url, clientId: 'ups-client', clientSecret: 'ups-secret', rateLimit: RATE, retry: RETRY });
    okBodies(await client.track(numbers.slice(0, 2)));
    expect(client.tokens.requests).toBe(1);
    sandbox.tokens.revokeAll();
    sandbox.stats.reset();
    const bodies = okBodies(await client.track(numbers.slice(2, 3))) as { trackResponse: { shipment: { inquiryNumber: string }[] } }[];
    expect(bodies[0]?.trackResponse.shipment[0]?.inquiryNumber).toBe(numbers[2]);
    expect(client.tokens.requests).toBe(2);
    expect(sandbox.stats.requests('ups').map((r) => [r.path.split('/')[1], r.status])).toEqual([
      ['api', 401],
      ['security', 200],
      ['api', 200],
    ]);
  });

  it('FedEx: batches 30 numbers per call', async () => {
    const client = createFedexClient({ baseUrl: sandbox.url, clientId: 'fedex-client', clientSecret: 's', rateLimit: RATE, retry: RETRY });
    const outcomes = await client.track(numbers.slice(0, 40));
    expect(outcomes.map((outcome) => outcome.numbers.length)).toEqual([30, 10]);
    const bodies = okBodies(outcomes) as { output: { completeTrackResults: { trackingNumber: string }[] } }[];
    const answered = bodies.flatMap((body) => body.output.completeTrackResults.map((result) => result.trackingNumber));
    expect(new Set(answered)).toEqual(new Set(numbers.slice(0, 40)));
  });

  it('DHL: answers unknown numbers with the 404 problem body for the mapper', async () => {
    const client = createDhlClient({ baseUrl: sandbox.url, apiKey: 'dhl-key', rateLimit: RATE, retry: RETRY });
    const outcomes = await client.track([numbers[0]!, 'JJD0099999999']);
    const statuses = outcomes.map((outcome) => (outcome.ok ? outcome.response.status : null));
    expect(statuses.sort()).toEqual([200, 404]);
  });

  it('AfterShip: creates missing trackings, then lists them', async () => {
    const client = createAfterShipClient({ baseUrl: sandbox.url, apiKey: 'as-key', rateLimit: RATE, retry: RETRY });
    const bodies = okBodies(await client.track(numbers.slice(0, 5))) as { data: { trackings: { tracking_number: string }[] } }[];
    const listed = bodies.flatMap((body) => body.data.trackings.map((t) => t.tracking_number));
    expect(new Set(listed)).toEqual(new Set(numbers.slice(0, 5)));
    expect(await client.create(numbers[0]!)).toBeNull();
  });

  it('TikTok Shop: signs each request; a wrong secret is an auth error, not retried', async () => {
    const client = createTikTokShopClient({ baseUrl: sandbox.url, ...TIKTOK_APP, accessToken: 'token', shopCipher: 'ROW_cipher', rateLimit: RATE, retry: RETRY });
    const bodies = okBodies(await client.track(orderIds.slice(0, 3))) as { code: number; data: { tracking: unknown[] } }[];
    expect(bodies.map((body) => body.code)).toEqual([0, 0, 0]);

    sandbox.stats.reset();
    const forged = createTikTokShopClient({ baseUrl: sandbox.url, ...TIKTOK_APP, appSecret: 'wrong', accessToken: 'token', shopCipher: 'ROW_cipher', rateLimit: RATE, retry: RETRY });
    const [refused] = await forged.track(orderIds.slice(0, 1));
    expect(!refused?.ok && refused?.error.kind).toBe('unauthorized');
    expect(sandbox.stats.requests('tiktok')).toHaveLength(1);
  });

  it('TikTok Shop: a 36009002 overload answer is retried after Retry-After', async () => {
    sandbox.faults.configure({ tiktok: { retryAfterSeconds: 1, script: ['rate_limited'] } });
    const client = createTikTokShopClient({ baseUrl: sandbox.url, ...TIKTOK_APP, accessToken: 'token', shopCipher: 'ROW_cipher', rateLimit: RATE, retry: RETRY, registry: new CarrierClientRegistry() });
    const [outcome] = await client.track(orderIds.slice(0, 1));
    expect(outcome?.ok && outcome.response.attempts).toBe(2);
    const [first, retry] = sandbox.stats.requests('tiktok');
    expect(first?.status).toBe(429);
    expect(retry!.at - first!.at).toBeGreaterThanOrEqual(1_000);
  });
});
