import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createCarrierSandboxService, type CarrierSandboxService, type Journey } from '@parcelwatch/carrier-sandbox';
import type { Provider } from '@parcelwatch/contracts';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import { DateTime } from 'luxon';
import { mapPayload } from '../mapping/mapper-registry.js';
import { createAfterShipClient } from './aftership.client.js';
import { createDhlClient } from './dhl.client.js';
import { createFedexClient } from './fedex.client.js';
import { createSeventeenTrackClient } from './seventeen-track.client.js';
import type { TrackOutcome } from './tracking-client.js';
import { createUpsClient } from './ups.client.js';
import { createUspsClient } from './usps.client.js';

const NOW = DateTime.fromISO('2025-03-20T00:00:00Z', { zone: 'utc' });
const OPTIONS = { baseUrl: '', rateLimit: { requestsPerSecond: 50 }, retry: { retries: 2, minTimeoutMs: 10, maxTimeoutMs: 50 } };
const OAUTH = { clientId: 'c', clientSecret: 's' };

let sandbox: CarrierSandboxService;
let scanned: Journey;
let labelOnly: Journey;
let silent: Journey;

beforeAll(async () => {
  sandbox = createCarrierSandboxService({
    logger: createLogger({ name: 'carrier-sandbox', level: 'silent' }),
    clock: fixedClock(NOW.toISO()!),
    options: { seed: 5, rateLimits: { '17track': null, usps: null, ups: null, fedex: null, dhl: null, aftership: null } },
  });
  await sandbox.start();
  [scanned, labelOnly, silent] = sandbox.journeys.create([
    // Picked up days ago; its carrier publishes an estimate.
    { trackingNumber: 'YT2503200000000001', shippedAt: NOW.minus({ days: 3 }), lane: 'CN-US', carrierEstimate: true },
    // A label an hour old: no carrier scan yet, so no estimate either.
    { trackingNumber: 'YT2503200000000002', shippedAt: NOW.minus({ hours: 1 }), lane: 'CN-US', carrierEstimate: true },
    // A carrier that publishes none.
    { trackingNumber: 'YT2503200000000003', shippedAt: NOW.minus({ days: 3 }), lane: 'CN-EU', carrierEstimate: false },
  ]) as [Journey, Journey, Journey];
});

afterAll(async () => {
  await sandbox.stop();
});

function clientFor(provider: Exclude<Provider, 'tiktok'>) {
  const options = { ...OPTIONS, baseUrl: sandbox.url };
  switch (provider) {
    case '17track':
      return createSeventeenTrackClient({ ...options, apiKey: 'k' });
    case 'aftership':
      return createAfterShipClient({ ...options, apiKey: 'k' });
    case 'usps':
      return createUspsClient({ ...options, ...OAUTH });
    case 'ups':
      return createUpsClient({ ...options, ...OAUTH });
    case 'fedex':
      return createFedexClient({ ...options, ...OAUTH });
    case 'dhl':
      return createDhlClient({ ...options, apiKey: 'k' });
  }
}

const bodyOf = (outcomes: TrackOutcome[], number: string): unknown => {
  const outcome = outcomes.find((o) => o.ok && o.numbers.includes(number));
  if (!outcome?.ok) throw new Error(`no answer for ${number}`);
  return outcome.response.body;
};

describe.each(['17track', 'aftership', 'usps', 'ups', 'fedex', 'dhl'] as const)('the sandbox\'s %s payloads carry the carrier\'s estimate', (provider) => {
  it('once the carrier has scanned the parcel, and read back as the same days', async () => {
    const numbers = [scanned.trackingNumber, labelOnly.trackingNumber, silent.trackingNumber];
    const outcomes = await clientFor(provider).track(numbers);
    const estimate = (journey: Journey) => mapPayload(provider, bodyOf(outcomes, journey.trackingNumber), { trackingNumber: journey.trackingNumber }).estimatedDelivery;
    const { date, latestDate } = scanned.carrierEstimate!;
    // UPS and USPS publish one day; the others a window.
    expect(estimate(scanned)).toEqual({ date, latestDate: provider === 'ups' || provider === 'usps' ? null : latestDate });
    expect(estimate(labelOnly)).toBeNull();
    expect(estimate(silent)).toBeNull();
  });
});
