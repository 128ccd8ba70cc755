import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createCarrierSandboxService, type CarrierSandboxService } from '@parcelwatch/carrier-sandbox';
import { mapPayload } from '@parcelwatch/carriers';
import { parseEvent, type Provider } from '@parcelwatch/contracts';
import { createLogger } from '@parcelwatch/logger';
import { countRows, createMerchant, outboxRows, SECRETS, startTestApi, type TestApi } from './api-test-kit.js';

/** The sandbox speaks the providers' push formats: what it sends must be accepted and mappable. */
describe('webhooks pushed by the carrier sandbox', () => {
  let t: TestApi;
  let sandbox: CarrierSandboxService;

  const call = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${sandbox.url}${path}`, { method: path === '/sandbox/webhooks' ? 'PUT' : 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect(response.ok).toBe(true);
    return response.json() as Promise<unknown>;
  };

  beforeAll(async () => {
    t = await startTestApi();
    sandbox = createCarrierSandboxService({ logger: createLogger({ name: 'sandbox', level: 'silent' }), clock: t.clock, options: { seed: 11 } });
    await sandbox.start();
  });
  afterAll(async () => {
    await sandbox?.stop();
    await t?.close();
  });

  it('accepts the pushes of 17TRACK and AfterShip as snapshots the mappers read, and nothing for an unchanged journey', async () => {
    const merchantId = await createMerchant(t.db);
    const shippedAt = t.clock.now().minus({ days: 6 }).toISO();
    await call('/sandbox/shipments', { shipments: [{ trackingNumber: 'LX100000004CN', shippedAt, outcome: 'delivered' }, { trackingNumber: 'LX100000012CN', shippedAt, outcome: 'delivered' }] });
    await call('/track/v2.4/register', [{ number: 'LX100000004CN' }], { '17token': 'account-key' });
    await call('/tracking/2025-01/trackings', { tracking_number: 'LX100000012CN' }, { 'as-api-key': 'as-key' });
    const registered = await t.post('/v1/shipments', {
      shipments: [
        { merchantId, orderId: 'S-1', trackingNumber: 'LX100000004CN', carrier: 'china-post', provider: '17track', destinationCountry: 'US' },
        { merchantId, orderId: 'S-2', trackingNumber: 'LX100000012CN', carrier: 'china-post', provider: 'aftership', destinationCountry: 'US' },
      ],
    });
    expect(registered.body.summary.created).toBe(2);

    await call('/sandbox/webhooks', {
      '17track': { url: `${t.url}/v1/webhooks/17track`, key: SECRETS['17track'] },
      aftership: { url: `${t.url}/v1/webhooks/aftership`, secret: SECRETS.aftership },
    });
    const { deliveries } = (await call('/sandbox/webhooks/flush', {})) as { deliveries: { provider: string; status: number }[] };
    expect(deliveries.map((d) => [d.provider, d.status]).sort()).toEqual([['17track', 200], ['aftership', 200]]);

    const snapshots = await outboxRows(t.db, 'tracking.snapshots');
    expect(snapshots).toHaveLength(2);
    for (const row of snapshots) {
      const parsed = parseEvent('tracking.snapshots', row.event);
      if (!parsed.ok || parsed.event.type !== 'parcelwatch.tracking.snapshot.captured.v1') throw new Error('not a snapshot');
      const { provider, trackingNumber, payload } = parsed.event.data;
      if (payload.encoding !== 'json') throw new Error('expected a JSON payload');
      const mapped = mapPayload(provider as Provider, payload.body, { trackingNumber });
      expect(mapped.checkpoints.length).toBeGreaterThan(0);
    }

    const outbox = await countRows(t.db, 'outbox');
    await call('/sandbox/webhooks/flush', {});
    expect(await countRows(t.db, 'outbox')).toBe(outbox);
  });
});
