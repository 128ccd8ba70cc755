import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { carrierAccountSealContext } from '@parcelwatch/carriers';
import { newId } from '@parcelwatch/contracts';
import { createDb, findSealedCarrierAccounts, listAudit, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createSecretBox, parseSecretKey, type SecretBox } from '@parcelwatch/secrets';
import { fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { issueApiKey } from '../src/access/api-key-admin.js';
import { createApiService, type ApiService } from '../src/app.js';
import { resealCarrierAccounts } from '../src/carrier-accounts/carrier-account.keeper.js';

/*
 * /v1/carrier-accounts over HTTP on PGlite: admin keys only, within their merchants; credentials
 * validated per provider, stored sealed, never in an answer (not even a 400's), audited.
 */
const clock = fixedClock('2026-03-02T10:00:00.000Z');
const logger = createLogger({ name: 'carrier-accounts-test', level: 'silent' });
const newKey = () => parseSecretKey(randomBytes(32).toString('base64'));
const oldKey = newKey();

let db: Kysely<Database>;
let api: ApiService;
let bare: ApiService;
let merchant: string;
let other: string;
const keys: Record<string, string> = {};
/** Every response body seen: none may hold a credential. */
const seen: string[] = [];
const SECRETS = ['17t-live-key-4f9a2c', 'ups-client-id-77aa10', 'ups-secret-very-9z', 'replaced-key-e5b1c3', 'a bad key with spaces'];

async function call(service: ApiService, method: string, path: string, key: string, body?: unknown) {
  const response = await fetch(`${service.url()}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  seen.push(text);
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}
const as = (role: string, method: string, path: string, body?: unknown) => call(api, method, path, keys[role]!, body);

async function key(role: string, merchantIds: string[]): Promise<string> {
  return (await issueApiKey({ db, clock }, { name: role, role: role.replace(/-other$/, ''), merchantIds, actor: 'test' })).key;
}

beforeAll(async () => {
  db = await createDb({ kind: 'pglite' });
  await migrateToLatest(db);
  merchant = newId();
  other = newId();
  await db.insertInto('merchants').values([{ id: merchant, name: 'Shop A' }, { id: other, name: 'Shop B' }]).execute();
  for (const role of ['admin', 'viewer', 'approver', 'ingest']) keys[role] = await key(role, [merchant]);
  keys['admin-other'] = await key('admin-other', [other]);
  api = createApiService({ db, clock, logger, secrets: createSecretBox({ current: oldKey }) });
  bare = createApiService({ db, clock, logger, secrets: null });
  await api.start();
  await bare.start();
});

afterAll(async () => {
  await api.stop();
  await bare.stop();
  await db.destroy();
});

describe('/v1/carrier-accounts', () => {
  it('creates, replaces and lists accounts with a masked hint only, sealed in the database, audited', async () => {
    const created = await as('admin', 'POST', '/v1/carrier-accounts', { merchantId: merchant, provider: '17track', apiKey: SECRETS[0] });
    expect(created).toMatchObject({ status: 201, body: { merchantId: merchant, provider: '17track', hint: '…9a2c', sealedUnderCurrentKey: true, quota: null } });
    const ups = await as('admin', 'POST', '/v1/carrier-accounts', { merchantId: merchant, provider: 'ups', clientId: SECRETS[1], clientSecret: SECRETS[2] });
    expect(ups).toMatchObject({ status: 201, body: { provider: 'ups', hint: '…aa10' } });
    const replaced = await as('admin', 'POST', '/v1/carrier-accounts', { merchantId: merchant, provider: '17track', apiKey: SECRETS[3] });
    expect(replaced).toMatchObject({ status: 200, body: { provider: '17track', createdAt: created.body.createdAt } });

    const list = await as('admin', 'GET', '/v1/carrier-accounts');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ canStore: true, items: [{ provider: '17track' }, { provider: 'ups' }] });
    expect(Object.keys(list.body.items[0]).sort()).toEqual(['createdAt', 'hint', 'merchantId', 'provider', 'quota', 'sealedUnderCurrentKey', 'updatedAt']);

    const rows = await findSealedCarrierAccounts(db, [merchant]);
    const seventeen = rows.find((row) => row.provider === '17track')!;
    expect(seventeen.credentials_sealed).not.toContain(SECRETS[3]);
    expect(JSON.parse(createSecretBox({ current: oldKey }).open(seventeen.credentials_sealed, carrierAccountSealContext(merchant, '17track')))).toEqual({ provider: '17track', apiKey: SECRETS[3] });

    const audit = await listAudit(db, { merchantIds: [merchant], targetType: 'carrier_account' });
    expect(audit.map((entry) => entry.action).sort()).toEqual(['carrier_account.created', 'carrier_account.created', 'carrier_account.replaced']);
    expect(JSON.stringify(audit)).not.toMatch(new RegExp(SECRETS.slice(0, 4).join('|')));
  });

  it('validates the credentials each provider takes, without echoing them', async () => {
    const bad = [
      { merchantId: merchant, provider: 'royalmail', apiKey: SECRETS[0] },
      { merchantId: merchant, provider: '17track', clientId: SECRETS[1], clientSecret: SECRETS[2] },
      { merchantId: merchant, provider: 'ups', clientId: SECRETS[1] },
      { merchantId: merchant, provider: 'fedex', apiKey: SECRETS[0] },
      { merchantId: merchant, provider: 'dhl', apiKey: 'short' },
      { merchantId: merchant, provider: 'aftership', apiKey: SECRETS[4] },
      { merchantId: 'not-a-uuid', provider: 'dhl', apiKey: SECRETS[0] },
      { provider: 'dhl', apiKey: SECRETS[0] },
    ];
    for (const body of bad) {
      const answer = await as('admin', 'POST', '/v1/carrier-accounts', body);
      expect({ body, status: answer.status, error: answer.body.error }).toEqual({ body, status: 400, error: 'invalid_request' });
    }
    expect((await as('admin', 'POST', '/v1/carrier-accounts', { merchantId: merchant, provider: 'ups', clientId: SECRETS[1] })).body.message).toContain('clientSecret');
    expect((await as('admin', 'POST', '/v1/carrier-accounts', { merchantId: newId(), provider: 'dhl', apiKey: SECRETS[0] })).status).toBe(403);
  });

  it('is for admin keys of the merchant only', async () => {
    for (const role of ['viewer', 'approver', 'ingest']) {
      expect((await as(role, 'POST', '/v1/carrier-accounts', { merchantId: merchant, provider: 'dhl', apiKey: SECRETS[0] })).status).toBe(403);
      expect((await as(role, 'GET', '/v1/carrier-accounts')).status).toBe(403);
      expect((await as(role, 'DELETE', `/v1/carrier-accounts/${merchant}/ups`)).status).toBe(403);
    }
    expect((await call(api, 'GET', '/v1/carrier-accounts', 'pw_not_a_key')).status).toBe(401);
    // Another merchant's admin: cannot write, sees nothing, cannot delete.
    expect((await as('admin-other', 'POST', '/v1/carrier-accounts', { merchantId: merchant, provider: 'dhl', apiKey: SECRETS[0] })).status).toBe(403);
    expect((await as('admin-other', 'GET', '/v1/carrier-accounts')).body.items).toEqual([]);
    expect((await as('admin-other', 'GET', `/v1/carrier-accounts?merchantId=${merchant}`)).body.items).toEqual([]);
    expect((await as('admin-other', 'DELETE', `/v1/carrier-accounts/${merchant}/ups`)).status).toBe(404);
    expect((await findSealedCarrierAccounts(db, [merchant])).map((row) => row.provider).sort()).toEqual(['17track', 'ups']);
  });

  it('deletes an account, audited, then answers 404', async () => {
    const removed = await as('admin', 'DELETE', `/v1/carrier-accounts/${merchant}/ups`);
    expect(removed).toMatchObject({ status: 200, body: { provider: 'ups', hint: '…aa10' } });
    expect((await as('admin', 'DELETE', `/v1/carrier-accounts/${merchant}/ups`)).status).toBe(404);
    expect((await as('admin', 'DELETE', `/v1/carrier-accounts/${merchant}/royalmail`)).status).toBe(400);
    const audit = await listAudit(db, { merchantIds: [merchant], action: 'carrier_account.deleted' });
    expect(audit).toHaveLength(1);
  });

  it('refuses to store without PARCELWATCH_SECRET_KEY and says why', async () => {
    const refused = await call(bare, 'POST', '/v1/carrier-accounts', keys['admin']!, { merchantId: merchant, provider: 'dhl', apiKey: SECRETS[0] });
    expect(refused).toMatchObject({ status: 503, body: { error: 'secret_key_missing' } });
    expect(refused.body.message).toContain('PARCELWATCH_SECRET_KEY');
    expect((await call(bare, 'GET', '/v1/carrier-accounts', keys['admin']!)).body).toMatchObject({ canStore: false, items: [{ provider: '17track', sealedUnderCurrentKey: false }] });
  });

  it('reseals accounts under the new key after a rotation', async () => {
    const newer = newKey();
    const rotated: SecretBox = createSecretBox({ current: newer, previous: oldKey });
    expect(await resealCarrierAccounts({ db, clock, secrets: rotated })).toEqual({ resealed: 1, unreadable: 0 });
    expect(await resealCarrierAccounts({ db, clock, secrets: rotated })).toEqual({ resealed: 0, unreadable: 0 });
    const [row] = await findSealedCarrierAccounts(db, [merchant]);
    // The previous key can go now.
    expect(JSON.parse(createSecretBox({ current: newer }).open(row!.credentials_sealed, carrierAccountSealContext(merchant, '17track')))).toMatchObject({ apiKey: SECRETS[3] });
    expect((await listAudit(db, { merchantIds: [merchant], action: 'carrier_account.resealed' })).map((entry) => entry.details)).toEqual([{ provider: '17track', fromKeyId: oldKey.id, toKeyId: newer.id }]);
  });

  it('never answered with a credential', () => {
    const all = seen.join('\n');
    for (const secret of SECRETS) expect(all).not.toContain(secret);
  });
});
