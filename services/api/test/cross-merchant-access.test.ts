import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAccessStack, type AccessStack, type MerchantWorld, seedMerchant } from './access-fixture.js';
import { NOW } from './api-test-kit.js';

/*
 * Issue 7's done-when: merchant A's keys try to read and change merchant B's data through every
 * endpoint that exists, and fail to; the same calls on A's own data succeed.
 */
describe("merchant A's keys on merchant B's data", () => {
  let s: AccessStack;
  let a: MerchantWorld;
  let b: MerchantWorld;

  beforeAll(async () => {
    s = await startAccessStack();
    a = await seedMerchant(s, 'alpha', 'YT1234567890123456');
    b = await seedMerchant(s, 'bravo', 'RR123456785CN');
  });
  afterAll(async () => s?.close());

  const csvFor = (merchantId: string, orderId: string) => `merchantId,orderId,trackingNumber,destinationCountry\n${merchantId},${orderId},LX123456785CN,US\n`;

  it('cannot see, decide or list B compensations (404 by id, 403 when naming B, only A rows in lists)', async () => {
    for (const role of ['viewer', 'approver', 'admin'] as const) {
      const got = await s.call('GET', `/compensations/${b.compensations[0]}`, a.keys[role].key);
      expect(got).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect((await s.call('GET', `/compensations?merchantId=${b.merchantId}`, a.keys[role].key)).status).toBe(403);
      const list = await s.call('GET', '/compensations', a.keys[role].key);
      expect(list.status).toBe(200);
      expect(list.body.items.map((c: { merchantId: string }) => c.merchantId)).toEqual([a.merchantId, a.merchantId]);
    }
    for (const role of ['approver', 'admin'] as const) {
      expect((await s.call('POST', `/compensations/${b.compensations[0]}/approve`, a.keys[role].key, { evidence: ['proof:x'] })).status).toBe(404);
      expect((await s.call('POST', `/compensations/${b.compensations[1]}/reject`, a.keys[role].key, { reason: 'no' })).status).toBe(404);
    }
    const untouched = await s.db.selectFrom('compensations').select('status').where('merchant_id', '=', b.merchantId).execute();
    expect(untouched.map((row) => row.status)).toEqual(['pending', 'pending']);
  });

  it('cannot register shipments for B (403 single, per-item merchant_not_allowed in a batch and a CSV)', async () => {
    const before = await s.db.selectFrom('shipments').select('id').where('merchant_id', '=', b.merchantId).execute();
    for (const role of ['ingest', 'admin'] as const) {
      const single = await s.call('POST', '/v1/shipments', a.keys[role].key, { merchantId: b.merchantId, orderId: `x-${role}`, trackingNumber: 'LX123456785CN', destinationCountry: 'US' });
      expect(single).toMatchObject({ status: 403, body: { error: 'merchant_not_allowed' } });
      const batch = await s.call('POST', '/v1/shipments', a.keys[role].key, {
        shipments: [
          { merchantId: b.merchantId, orderId: `y-${role}`, trackingNumber: 'LX123456785CN', destinationCountry: 'US' },
          { merchantId: a.merchantId, orderId: `y-${role}`, trackingNumber: 'LX123456785CN', destinationCountry: 'US' },
        ],
      });
      expect(batch.status).toBe(207);
      expect(batch.body.results.map((r: { status: string; error?: string }) => r.error ?? r.status)).toEqual(['merchant_not_allowed', 'created']);
      const csv = await s.call('POST', '/v1/shipments/import', a.keys[role].key, csvFor(b.merchantId, `z-${role}`));
      expect(csv.status).toBe(207);
      expect(csv.body.results[0]).toMatchObject({ line: 2, status: 'error', error: 'merchant_not_allowed' });
    }
    const after = await s.db.selectFrom('shipments').select('id').where('merchant_id', '=', b.merchantId).execute();
    expect(after).toEqual(before);
  });

  it("cannot request an appeal bundle for B's shipment (404), and nothing is written", async () => {
    for (const role of ['approver', 'admin'] as const) {
      const response = await s.call('POST', `/v1/shipments/${b.shipmentId}/appeal-bundles`, a.keys[role].key, {});
      expect(response).toMatchObject({ status: 404, body: { error: 'not_found' } });
    }
    expect(await s.db.selectFrom('proofs').select('id').where('merchant_id', '=', b.merchantId).execute()).toEqual([]);
  });

  it("cannot see or change B's webhook endpoints through any admin route", async () => {
    const key = a.keys.admin.key;
    const id = b.endpointId;
    expect((await s.call('POST', '/v1/webhook-endpoints', key, { merchantId: b.merchantId, url: 'http://127.0.0.1:9/evil' })).status).toBe(403);
    expect((await s.call('GET', `/v1/webhook-endpoints?merchantId=${b.merchantId}`, key)).status).toBe(403);
    const byId: [string, string, unknown?][] = [
      ['GET', `/v1/webhook-endpoints/${id}`],
      ['PATCH', `/v1/webhook-endpoints/${id}`, { url: 'http://127.0.0.1:9/evil' }],
      ['POST', `/v1/webhook-endpoints/${id}/enable`, {}],
      ['POST', `/v1/webhook-endpoints/${id}/rotate-secret`, {}],
      ['GET', `/v1/webhook-endpoints/${id}/deliveries`],
      ['POST', `/v1/webhook-endpoints/${id}/replay`, { since: '2026-01-01T00:00:00Z' }],
      ['DELETE', `/v1/webhook-endpoints/${id}`],
    ];
    for (const [method, url, body] of byId) {
      const response = await s.call(method, url, key, body);
      expect([method, url, response.status, response.body.error]).toEqual([method, url, 404, 'not_found']);
    }
    const endpoint = await s.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(endpoint).toMatchObject({ url: 'http://127.0.0.1:9/hooks', merchant_id: b.merchantId });
    expect(endpoint.status).toBe('enabled');
  });

  it("cannot grant, see or revoke B's keys, nor read B's audit entries", async () => {
    const key = a.keys.admin.key;
    const grant = await s.call('POST', '/v1/api-keys', key, { name: 'sneaky', role: 'admin', merchantIds: [a.merchantId, b.merchantId] });
    expect(grant.status).toBe(403);
    expect(grant.body.message).toContain(b.merchantId);
    const list = await s.call('GET', '/v1/api-keys', key);
    expect(list.body.items.map((k: { id: string }) => k.id).sort()).toEqual(Object.values(a.keys).map((k) => k.id).sort());
    expect((await s.call('GET', `/v1/api-keys/${b.keys.viewer.id}`, key)).status).toBe(404);
    expect((await s.call('DELETE', `/v1/api-keys/${b.keys.viewer.id}`, key)).status).toBe(404);
    expect((await s.call('GET', '/compensations', b.keys.viewer.key)).status).toBe(200);
    const audit = await s.call('GET', '/v1/audit-log', key);
    expect(audit.status).toBe(200);
    expect(audit.body.items.length).toBeGreaterThan(0);
    expect(audit.body.items.every((e: { merchantId: string }) => e.merchantId === a.merchantId)).toBe(true);
  });

  it("cannot read B's shipment or find B in any report (detail 404, stuck list, CSV, aggregates)", async () => {
    // Both parcels stuck (ten days without a scan), so each merchant's own list is not empty.
    await s.db.updateTable('shipments').set({ status: 'in_transit', last_checkpoint_at: new Date(Date.parse(NOW) - 10 * 86_400_000) }).where('id', 'in', [a.shipmentId, b.shipmentId]).execute();
    const bMarks = [b.merchantId, b.shipmentId, 'RR123456785CN'];
    const from = new Date(Date.parse(NOW) - 30 * 86_400_000).toISOString();
    const to = new Date(Date.parse(NOW) + 86_400_000).toISOString();
    const reads = [
      '/v1/reports/stuck',
      // Naming B narrows A's scope to nothing: an empty report, not B's.
      `/v1/reports/stuck?merchantId=${b.merchantId}`,
      `/v1/reports/compensations/queue?merchantId=${b.merchantId}`,
      '/v1/reports/stuck?format=csv',
      `/v1/reports/carrier-performance?from=${from}&to=${to}`,
      '/v1/reports/exception-causes?weeks=4',
      '/v1/reports/compensations/queue',
      `/v1/reports/compensations/cost?from=${from}&to=${to}`,
      `/v1/reports/response-sla?from=${from}&to=${to}`,
    ];
    for (const role of ['viewer', 'approver', 'admin'] as const) {
      expect((await s.call('GET', `/v1/shipments/${b.shipmentId}`, a.keys[role].key)).status).toBe(404);
      for (const url of reads) {
        const got = await s.call('GET', url, a.keys[role].key);
        const text = typeof got.body === 'string' ? got.body : JSON.stringify(got.body);
        expect({ url, status: got.status, leaks: bMarks.filter((mark) => text.includes(mark)) }).toEqual({ url, status: 200, leaks: [] });
      }
    }
    // The same reads with B's own key do show B: the checks above could fail.
    expect((await s.call('GET', `/v1/shipments/${b.shipmentId}`, b.keys.viewer.key)).status).toBe(200);
    const own = await s.call('GET', '/v1/reports/stuck', b.keys.viewer.key);
    expect(JSON.stringify(own.body)).toContain(b.shipmentId);
    const queue = await s.call('GET', '/v1/reports/compensations/queue', b.keys.viewer.key);
    expect(JSON.stringify(queue.body)).toContain(b.compensations[0]);
    // An ingest key reads nothing.
    expect((await s.call('GET', '/v1/reports/stuck', a.keys.ingest.key)).status).toBe(403);
  });

  it('does all of it on its own merchant (2xx), deciding as the key and auditing each action', async () => {
    const approved = await s.call('POST', `/compensations/${a.compensations[0]}/approve`, a.keys.approver.key, { evidence: ['proof:1'], actor: { id: 'someone-else', role: 'manager' } });
    expect(approved).toMatchObject({ status: 200, body: { status: 'approved', approver: `key:${a.keys.approver.id}`, approverRole: 'supervisor' } });
    const rejected = await s.call('POST', `/compensations/${a.compensations[1]}/reject`, a.keys.admin.key, { reason: 'duplicate claim' });
    expect(rejected).toMatchObject({ status: 200, body: { status: 'rejected', approver: `key:${a.keys.admin.id}`, approverRole: 'manager' } });
    expect((await s.call('GET', `/compensations/${a.compensations[0]}`, a.keys.viewer.key)).status).toBe(200);
    const bundle = await s.call('POST', `/v1/shipments/${a.shipmentId}/appeal-bundles`, a.keys.approver.key, { requestedBy: 'ignored' });
    expect(bundle).toMatchObject({ status: 201, body: { kind: 'appeal', merchantId: a.merchantId } });
    const id = a.endpointId;
    expect((await s.call('GET', `/v1/webhook-endpoints?merchantId=${a.merchantId}`, a.keys.admin.key)).body.items).toHaveLength(1);
    expect((await s.call('PATCH', `/v1/webhook-endpoints/${id}`, a.keys.admin.key, { url: 'http://127.0.0.1:9/new' })).status).toBe(200);
    const rotated = await s.call('POST', `/v1/webhook-endpoints/${id}/rotate-secret`, a.keys.admin.key, {});
    expect(rotated.status).toBe(200);
    expect((await s.call('GET', `/v1/webhook-endpoints/${id}/deliveries`, a.keys.admin.key)).status).toBe(200);
    expect((await s.call('DELETE', `/v1/webhook-endpoints/${id}`, a.keys.admin.key)).status).toBe(200);

    const entries = await s.db.selectFrom('audit_log').selectAll().where('merchant_id', '=', a.merchantId).orderBy('id').execute();
    const actions = entries.map((e) => [e.action, e.actor]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['compensation.approved', `key:${a.keys.approver.id}`],
        ['compensation.rejected', `key:${a.keys.admin.id}`],
        ['appeal_bundle.created', `key:${a.keys.approver.id}`],
        ['webhook_endpoint.created', `key:${a.keys.admin.id}`],
        ['webhook_endpoint.updated', `key:${a.keys.admin.id}`],
        ['webhook_endpoint.secret_rotated', `key:${a.keys.admin.id}`],
        ['webhook_endpoint.deleted', `key:${a.keys.admin.id}`],
        ['api_key.created', 'test-setup'],
      ]),
    );
    // Details never carry a secret: neither the webhook secret nor any key.
    const details = JSON.stringify(entries.map((e) => e.details));
    expect(details).not.toContain(rotated.body.secret);
    for (const k of Object.values(a.keys)) expect(details).not.toContain(k.key);
  });
});
