import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import { appendAudit, createDb, findActiveApiKeyByHash, insertApiKey, listApiKeys, listAudit, revokeApiKey, touchApiKey, type Database } from '@parcelwatch/db';
import { createTestDatabase } from '@parcelwatch/test-harness';
import { newId } from '@parcelwatch/contracts';
import { generateApiKey } from '@parcelwatch/access';
import { seedMerchant, startAccessStack, type AccessStack, type MerchantWorld } from './access-fixture.js';

/** Keys, audit and merchant scoping on real PostgreSQL: uuid[] arrives as an array, not as text. */
describe('access control on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let s: AccessStack;
  let a: MerchantWorld;
  let b: MerchantWorld;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 4 });
    s = await startAccessStack(undefined, db);
    a = await seedMerchant(s, 'alpha', 'YT1234567890123456');
    b = await seedMerchant(s, 'bravo', 'RR123456785CN');
  });
  afterAll(async () => {
    await s?.close();
    await db?.destroy();
    await database?.drop();
  });

  it('stores keys by hash, finds live ones only, touches once a minute, lists by contained merchants', async () => {
    const generated = generateApiKey();
    const id = newId();
    await insertApiKey(db, { id, name: 'both', keyHash: generated.hash, prefix: generated.prefix, role: 'viewer', merchantIds: [a.merchantId, b.merchantId], createdAt: new Date('2026-03-02T10:00:00Z') });
    const found = await findActiveApiKeyByHash(db, generated.hash);
    expect(found?.merchant_ids).toEqual([a.merchantId, b.merchantId]);
    expect(await touchApiKey(db, id, new Date('2026-03-02T10:00:00Z'))).toBe(true);
    expect(await touchApiKey(db, id, new Date('2026-03-02T10:00:59Z'))).toBe(false);
    expect(await touchApiKey(db, id, new Date('2026-03-02T10:01:00Z'))).toBe(true);
    // A key for A and B is not A's to see or revoke.
    expect((await listApiKeys(db, { merchantIds: [a.merchantId] })).map((k) => k.id)).not.toContain(id);
    expect((await listApiKeys(db, { merchantIds: [a.merchantId, b.merchantId] })).map((k) => k.id)).toContain(id);
    expect((await revokeApiKey(db, id, new Date('2026-03-02T11:00:00Z')))?.revoked_at?.toISOString()).toBe('2026-03-02T11:00:00.000Z');
    expect(await revokeApiKey(db, id, new Date('2026-03-02T12:00:00Z'))).toMatchObject({ revoked_at: new Date('2026-03-02T11:00:00Z') });
    expect(await findActiveApiKeyByHash(db, generated.hash)).toBeUndefined();

    await appendAudit(db, { at: new Date(), actor: 'key:x', action: 'test.done', targetType: 't', targetId: 'one', merchantId: a.merchantId, details: { n: 1 } });
    expect(await listAudit(db, { merchantIds: [a.merchantId], action: 'test.done' })).toMatchObject([{ actor: 'key:x', target_id: 'one', details: { n: 1 } }]);
    expect(await listAudit(db, { merchantIds: [b.merchantId], action: 'test.done' })).toEqual([]);
  });

  it("keeps A's keys out of B's compensations, appeal bundles and webhook endpoints", async () => {
    expect((await s.call('GET', `/compensations/${b.compensations[0]}`, a.keys.viewer.key)).status).toBe(404);
    expect((await s.call('POST', `/compensations/${b.compensations[0]}/approve`, a.keys.admin.key, { evidence: ['x'] })).status).toBe(404);
    expect((await s.call('POST', `/v1/shipments/${b.shipmentId}/appeal-bundles`, a.keys.approver.key, {})).status).toBe(404);
    expect((await s.call('GET', `/v1/webhook-endpoints/${b.endpointId}`, a.keys.admin.key)).status).toBe(404);
    const list = await s.call('GET', '/compensations', a.keys.viewer.key);
    expect(list.body.items.map((c: { merchantId: string }) => c.merchantId)).toEqual([a.merchantId, a.merchantId]);
    const approved = await s.call('POST', `/compensations/${a.compensations[0]}/approve`, a.keys.approver.key, { evidence: ['proof:1'] });
    expect(approved).toMatchObject({ status: 200, body: { approver: `key:${a.keys.approver.id}` } });
  });
});
