import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createLogger } from '@parcelwatch/logger';
import { createMerchantWebhooks } from '../src/webhooks/merchant-webhooks.js';
import { startOwnPortServer, type OwnPortServer } from '@parcelwatch/access/testing';

// Merchant webhook admin on the notifier's own port (distributed mode) enforces the api's access layer.
describe('webhook endpoint admin on the notifier\'s own port', () => {
  let server: OwnPortServer;
  beforeAll(async () => {
    server = await startOwnPortServer((app, deps) => createMerchantWebhooks({ ...deps, logger: createLogger({ name: 'test', level: 'silent' }), allow: [] }).registerRoutes(app));
  });
  afterAll(async () => server.close());

  it('answers 401 without a key, 403 to another merchant\'s admin key and 404 for its endpoint', async () => {
    const merchantA = await server.merchant();
    const merchantB = await server.merchant();
    const body = { merchantId: merchantA, url: 'https://example.com/hooks' };
    expect((await server.call('POST', '/v1/webhook-endpoints', null, body)).status).toBe(401);
    expect((await server.call('GET', '/v1/webhook-endpoints', null)).status).toBe(401);
    const adminA = await server.key('admin', [merchantA]);
    const adminB = await server.key('admin', [merchantB]);
    expect((await server.call('POST', '/v1/webhook-endpoints', adminB, body)).status).toBe(403);
    const created = await server.call('POST', '/v1/webhook-endpoints', adminA, body);
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    expect((await server.call('GET', `/v1/webhook-endpoints/${id}`, adminB)).status).toBe(404);
    expect((await server.call('DELETE', `/v1/webhook-endpoints/${id}`, adminB)).status).toBe(404);
    expect((await server.call('GET', `/v1/webhook-endpoints/${id}`, adminA)).status).toBe(200);
    const viewerA = await server.key('viewer', [merchantA]);
    expect((await server.call('GET', `/v1/webhook-endpoints/${id}`, viewerA)).status).toBe(403);
  });

  it('commits an admin change with its audit entry, or neither', async () => {
    const merchant = await server.merchant();
    const admin = await server.key('admin', [merchant]);
    const created = await server.call('POST', '/v1/webhook-endpoints', admin, { merchantId: merchant, url: 'https://example.com/before' });
    const id = (created.body as { id: string }).id;
    const audits = () => server.db.selectFrom('audit_log').select('action').where('target_id', '=', id).orderBy('id').execute();
    expect(await audits()).toEqual([{ action: 'webhook_endpoint.created' }]);
    await sql`ALTER TABLE audit_log RENAME TO audit_log_away`.execute(server.db);
    try {
      expect((await server.call('PATCH', `/v1/webhook-endpoints/${id}`, admin, { url: 'https://example.com/after' })).status).toBe(500);
      expect((await server.call('DELETE', `/v1/webhook-endpoints/${id}`, admin)).status).toBe(500);
    } finally {
      await sql`ALTER TABLE audit_log_away RENAME TO audit_log`.execute(server.db);
    }
    const unchanged = await server.call('GET', `/v1/webhook-endpoints/${id}`, admin);
    expect(unchanged.status).toBe(200);
    expect(unchanged.body).toMatchObject({ url: 'https://example.com/before' });
    expect((await server.call('PATCH', `/v1/webhook-endpoints/${id}`, admin, { url: 'https://example.com/after' })).status).toBe(200);
    expect(await audits()).toEqual([{ action: 'webhook_endpoint.created' }, { action: 'webhook_endpoint.updated' }]);
  });
});
