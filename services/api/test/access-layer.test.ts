import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAccessStack, seedMerchant, type AccessStack, type MerchantWorld } from './access-fixture.js';

describe('access layer: keys, roles, policy', () => {
  let s: AccessStack;
  let a: MerchantWorld;

  beforeAll(async () => {
    s = await startAccessStack();
    a = await seedMerchant(s, 'alpha', 'YT1234567890123456');
  });
  afterAll(async () => s?.close());

  it('answers 401 without a key and with an unknown or malformed one, saying how to authenticate', async () => {
    const none = await s.call('GET', '/compensations', null);
    expect(none).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(none.body.message).toContain('Authorization: Bearer');
    const forged = `pw_abcdefgh_${'A'.repeat(43)}`;
    expect(await s.call('GET', '/compensations', forged)).toMatchObject({ status: 401, body: { error: 'unauthorized', message: 'the API key is unknown, malformed or revoked' } });
    expect((await s.call('GET', '/compensations', 'not-a-key')).status).toBe(401);
    expect((await s.call('POST', '/v1/shipments', null, { merchantId: a.merchantId })).status).toBe(401);
  });

  it('takes the key from x-api-key too, and records its use at most once a minute', async () => {
    const response = await s.call('GET', '/compensations', null, undefined, { 'x-api-key': a.keys.viewer.key });
    expect(response.status).toBe(200);
    const used = await s.db.selectFrom('api_keys').select('last_used_at').where('id', '=', a.keys.viewer.id).executeTakeFirstOrThrow();
    expect(used.last_used_at?.toISOString()).toBe(s.clock.now().toUTC().toISO());
  });

  it('answers 403 naming the role needed when the role does not fit', async () => {
    const cases: [string, string, keyof MerchantWorld['keys'], unknown?][] = [
      ['POST', `/compensations/${a.compensations[0]}/approve`, 'viewer', { evidence: ['x'] }],
      ['POST', `/compensations/${a.compensations[0]}/reject`, 'ingest', { reason: 'x' }],
      ['GET', '/compensations', 'ingest'],
      ['POST', '/v1/shipments', 'viewer', { merchantId: a.merchantId }],
      ['POST', `/v1/shipments/${a.shipmentId}/appeal-bundles`, 'viewer', {}],
      ['GET', `/v1/webhook-endpoints?merchantId=${a.merchantId}`, 'approver'],
      ['POST', '/v1/api-keys', 'approver', { name: 'x', role: 'viewer', merchantIds: [a.merchantId] }],
      ['GET', '/v1/audit-log', 'viewer'],
    ];
    for (const [method, url, role, body] of cases) {
      const response = await s.call(method, url, a.keys[role].key, body);
      expect([method, url, role, response.status, response.body.error]).toEqual([method, url, role, 403, 'forbidden']);
      expect(response.body.message).toMatch(/needs a key with role (\w+)( or \w+)*; this key \(\w{8}\) has role \w+/);
    }
    const pending = await s.db.selectFrom('compensations').select('status').where('id', '=', a.compensations[0]).executeTakeFirstOrThrow();
    expect(pending.status).toBe('pending');
  });

  it('tells a key who it is and what the policy lets it do (GET /v1/me), from the rules the layer enforces', async () => {
    const expected = {
      viewer: { readReports: true, decideCompensations: false, requestAppealBundles: false, registerShipments: false, manageApiKeys: false },
      approver: { readReports: true, decideCompensations: true, requestAppealBundles: true, registerShipments: false, manageApiKeys: false },
      admin: { readReports: true, decideCompensations: true, requestAppealBundles: true, registerShipments: true, manageApiKeys: true },
      ingest: { readReports: false, decideCompensations: false, requestAppealBundles: false, registerShipments: true, manageApiKeys: false },
    } as const;
    for (const role of ['viewer', 'approver', 'admin', 'ingest'] as const) {
      const me = await s.call('GET', '/v1/me', a.keys[role].key);
      expect(me).toMatchObject({ status: 200, body: { key: { id: a.keys[role].id, role, merchantIds: [a.merchantId] }, may: expected[role] } });
      expect(JSON.stringify(me.body)).not.toContain(a.keys[role].key);
      // What it says matches what the layer does.
      const approve = await s.call('POST', `/compensations/${a.compensations[1]}/approve`, a.keys[role].key, { evidence: [] });
      expect(approve.status === 403).toBe(!expected[role].decideCompensations);
    }
    expect((await s.call('GET', '/v1/me', null)).status).toBe(401);
  });

  it('denies a route missing from the policy table (403) even to admin keys, while unknown URLs stay 404', async () => {
    const unlisted = await s.call('GET', '/v1/unlisted', a.keys.admin.key);
    expect(unlisted).toMatchObject({ status: 403, body: { error: 'forbidden', message: 'GET /v1/unlisted is not in the access policy, so no key may call it' } });
    expect((await s.call('GET', '/v1/unlisted', null)).status).toBe(401);
    expect((await s.call('GET', '/v1/nothing-here', a.keys.admin.key)).status).toBe(404);
    expect((await s.call('GET', '/v1/nothing-here', null)).status).toBe(404);
  });

  it('keeps /healthz, /readyz, /metrics and carrier webhooks open (webhooks are signed by the carrier instead)', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`${s.url}${url}`)).status).toBe(200);
    const push = await s.call('POST', '/v1/webhooks/aftership', null, { event: 'tracking_update' });
    expect(push).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
  });

  it('lets an admin issue a key (shown once, stored hashed) and revoke it; a revoked key is refused with 401 and both are audited', async () => {
    const issued = await s.call('POST', '/v1/api-keys', a.keys.admin.key, { name: 'ops dashboard', role: 'viewer', merchantIds: [a.merchantId] });
    expect(issued).toMatchObject({ status: 201, body: { name: 'ops dashboard', role: 'viewer', merchantIds: [a.merchantId], revokedAt: null } });
    const key = issued.body.key as string;
    expect(key).toMatch(/^pw_[a-z0-9]{8}_/);
    const stored = await s.db.selectFrom('api_keys').selectAll().where('id', '=', issued.body.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(key.split('_').slice(2).join('_'));
    expect((await s.call('GET', '/compensations', key)).status).toBe(200);
    expect((await s.call('GET', `/v1/api-keys/${issued.body.id}`, a.keys.admin.key)).body).not.toHaveProperty('key');

    const revoked = await s.call('DELETE', `/v1/api-keys/${issued.body.id}`, a.keys.admin.key);
    expect(revoked).toMatchObject({ status: 200, body: { revokedAt: s.clock.now().toUTC().toISO() } });
    expect(await s.call('GET', '/compensations', key)).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    const audit = await s.db.selectFrom('audit_log').selectAll().where('target_id', '=', issued.body.id).orderBy('id').execute();
    expect(audit.map((e) => [e.action, e.actor, e.merchant_id])).toEqual([
      ['api_key.created', `key:${a.keys.admin.id}`, a.merchantId],
      ['api_key.revoked', `key:${a.keys.admin.id}`, a.merchantId],
    ]);
    expect(JSON.stringify(audit)).not.toContain(key);
  });
});

describe('rate limits', () => {
  let s: AccessStack;
  let a: MerchantWorld;

  beforeAll(async () => {
    s = await startAccessStack({ readsPerMinute: 3, writesPerMinute: 2, webhooksPerMinute: 2 });
    a = await seedMerchant(s, 'alpha', 'YT1234567890123456');
  });
  afterAll(async () => s?.close());

  it('answers 429 with Retry-After once a key has used its reads, per key, and again after the bucket refills', async () => {
    for (let n = 0; n < 3; n += 1) expect((await s.call('GET', '/compensations', a.keys.viewer.key)).status).toBe(200);
    const limited = await s.call('GET', '/compensations', a.keys.viewer.key);
    expect(limited).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(limited.headers.get('retry-after')).toBe('20');
    // Another key has its own bucket.
    expect((await s.call('GET', '/compensations', a.keys.approver.key)).status).toBe(200);
    s.clock.advance({ seconds: 20 });
    expect((await s.call('GET', '/compensations', a.keys.viewer.key)).status).toBe(200);
  });

  it('limits requests without a valid key per client address, so guessing keys is slow too', async () => {
    const guesses = [];
    for (let n = 0; n < 4; n += 1) guesses.push((await s.call('GET', '/compensations', `pw_abcdefgh_${String(n).repeat(43)}`)).status);
    expect(guesses).toEqual([401, 401, 401, 429]);
  });

  it('limits the keyless pages (dashboard, openapi, metrics) per client address, never the probes', async () => {
    s.clock.advance({ seconds: 60 });
    for (const path of ['/openapi.json', '/metrics', '/dashboard']) {
      const statuses = [];
      for (let n = 0; n < 4; n += 1) statuses.push((await s.call('GET', path, null)).status);
      expect({ path, last: statuses[3] }).toEqual({ path, last: 429 });
      expect(statuses.slice(0, 3)).not.toContain(429);
      s.clock.advance({ seconds: 60 });
    }
    for (let n = 0; n < 10; n += 1) expect((await s.call('GET', '/healthz', null)).status).not.toBe(429);
  });

  it('limits carrier webhooks per provider and address, with Retry-After', async () => {
    const statuses = [];
    for (let n = 0; n < 3; n += 1) statuses.push((await s.call('POST', '/v1/webhooks/aftership', null, { n })).status);
    expect(statuses).toEqual([401, 401, 429]);
    const limited = await s.call('POST', '/v1/webhooks/aftership', null, {});
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await s.call('POST', '/v1/webhooks/17track', null, {})).status).not.toBe(429);
  });
});
