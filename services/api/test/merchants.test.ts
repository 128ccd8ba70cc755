import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hashApiKey } from '@parcelwatch/access';
import { listAudit } from '@parcelwatch/db';
import { notificationSettingsSchema } from '@parcelwatch/contracts';
import { issueApiKey } from '../src/access/api-key-admin.js';
import { loadApiConfig } from '../src/config.js';
import { BOOTSTRAP_KEY, profile, startOnboardingApi, type OnboardingApi } from './merchant-onboarding-kit.js';

describe('merchant onboarding over HTTP', () => {
  let s: OnboardingApi;
  /** Merchant A, created in the first test, and its first admin key. */
  let a: { id: string; adminKey: string };

  beforeAll(async () => {
    s = await startOnboardingApi();
  });
  afterAll(async () => {
    await s?.close();
  });

  async function onboard(overrides: Record<string, unknown> = {}) {
    const response = await s.call('POST', '/v1/merchants', BOOTSTRAP_KEY, profile(overrides));
    expect(response.status).toBe(201);
    return { id: response.body.merchant.id as string, adminKey: response.body.adminKey.key as string, body: response.body };
  }

  it('creates a merchant with the bootstrap key and returns its first admin key once, storing only the hash', async () => {
    const created = await onboard();
    a = { id: created.id, adminKey: created.adminKey };
    expect(created.body.merchant).toEqual({
      id: created.id,
      name: 'Shenzhen HomeTech',
      supportEmail: 'support@hometech.example',
      sender: { name: 'HomeTech', email: 'orders@hometech.example' },
      defaultLocale: 'de-DE',
      timeZone: 'Europe/Berlin',
      quietHours: { start: '22:00', end: '07:30' },
      marketplaceShop: { shopId: '7000714532876273420', cipher: 'GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3' },
      compensationPolicyVersion: '2026-11-23.1',
      branding: { logoUrl: null, primaryColor: null, accentColor: null },
      createdAt: '2026-03-02T10:00:00.000Z',
      updatedAt: null,
    });
    expect(created.body.adminKey).toMatchObject({ role: 'admin', merchantIds: [created.id], revokedAt: null });
    const stored = await s.db.selectFrom('api_keys').selectAll().where('id', '=', created.body.adminKey.id).executeTakeFirstOrThrow();
    expect(stored.key_hash).toBe(hashApiKey(created.adminKey));
    expect(JSON.stringify(stored)).not.toContain(created.adminKey);
    // The key works at once, for its merchant.
    const me = await s.call('GET', '/v1/me', created.adminKey);
    expect(me.body.key).toMatchObject({ role: 'admin', merchantIds: [created.id] });
    // The list never shows the key again.
    const keys = await s.call('GET', '/v1/api-keys', created.adminKey);
    expect(JSON.stringify(keys.body)).not.toContain(created.adminKey);
  });

  it('writes sender and quiet hours where the notifier reads them', async () => {
    const row = await s.db.selectFrom('merchants').select(['settings', 'default_locale', 'default_timezone']).where('id', '=', a.id).executeTakeFirstOrThrow();
    const notifications = notificationSettingsSchema.parse((row.settings as { notifications: unknown }).notifications);
    expect(notifications).toMatchObject({ senderName: 'HomeTech', fromAddress: 'orders@hometech.example', quietHours: { start: '22:00', end: '07:30' }, dailyCap: 3 });
    expect(row).toMatchObject({ default_locale: 'de-DE', default_timezone: 'Europe/Berlin' });
  });

  it('audits the creation and the first key, with the operator as actor and no addresses in the details', async () => {
    const entries = await listAudit(s.db, { merchantIds: [a.id] });
    expect(entries.map((entry) => [entry.action, entry.actor]).sort()).toEqual([
      ['api_key.created', 'bootstrap-admin-key'],
      ['merchant.created', 'bootstrap-admin-key'],
    ]);
    const created = entries.find((entry) => entry.action === 'merchant.created')!;
    expect(created.details).toMatchObject({ name: 'Shenzhen HomeTech', fields: expect.arrayContaining(['supportEmail', 'sender', 'quietHours']) });
    expect(JSON.stringify(entries)).not.toMatch(/hometech\.example/);
  });

  it('refuses creation without the bootstrap key: no key 401, a merchant admin 403, a wrong key 401', async () => {
    const before = await s.db.selectFrom('merchants').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect((await s.call('POST', '/v1/merchants', null, profile({ name: 'Nobody' }))).status).toBe(401);
    const byAdmin = await s.call('POST', '/v1/merchants', a.adminKey, profile({ name: 'Admin made', marketplaceShop: null }));
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.message).toBe('POST /v1/merchants needs a key with role operator; this key (' + byAdmin.body.message.match(/\(([a-z0-9]{8})\)/)[1] + ') has role admin');
    expect((await s.call('POST', '/v1/merchants', `${BOOTSTRAP_KEY}x`, profile({ name: 'Guess' }))).status).toBe(401);
    const after = await s.db.selectFrom('merchants').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toEqual(before.n);
  });

  it('gives the bootstrap key nothing but onboarding: other routes answer 403', async () => {
    expect((await s.call('GET', '/v1/reports/stuck', BOOTSTRAP_KEY)).status).toBe(403);
    expect((await s.call('POST', '/v1/api-keys', BOOTSTRAP_KEY, { name: 'x', role: 'admin', merchantIds: [a.id] })).status).toBe(403);
    expect((await s.call('POST', '/v1/shipments', BOOTSTRAP_KEY, { merchantId: a.id, orderId: 'o-1', trackingNumber: 'YT1234567890123456', destinationCountry: 'US' })).status).toBe(403);
    expect((await s.call('GET', '/v1/me', BOOTSTRAP_KEY)).body.key).toMatchObject({ role: 'operator', merchantIds: [] });
  });

  it('lists every bad field of a refused profile at once, with a 400', async () => {
    const response = await s.call('POST', '/v1/merchants', BOOTSTRAP_KEY, {
      name: ' ',
      supportEmail: 'not-an-address',
      defaultLocale: 'zh-CN',
      timeZone: 'Mars/Olympus_Mons',
      sender: { email: 'also bad' },
      quietHours: { start: '25:00', end: '07:00' },
      marketplaceShop: { shopId: '700071' },
      compensationPolicyVersion: 'v 1',
      colour: 'blue',
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
    const fields = (response.body.fields as { field: string }[]).map((problem) => problem.field).sort();
    expect(fields).toEqual(
      ['colour', 'compensationPolicyVersion', 'defaultLocale', 'marketplaceShop.cipher', 'name', 'quietHours.start', 'sender.email', 'supportEmail', 'timeZone'].sort(),
    );
    expect(response.body.message).toContain('defaultLocale: must be a locale in a language with buyer-message templates (en, es, de, fr, it)');
    expect(response.body.message).toContain('timeZone: is not a known IANA time zone');
    expect(response.body.message).toContain('colour: is not a merchant field');
    const missing = await s.call('POST', '/v1/merchants', BOOTSTRAP_KEY, { name: 'Only a name' });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe('supportEmail: is required; defaultLocale: is required; timeZone: is required');
    expect((await s.call('POST', '/v1/merchants', BOOTSTRAP_KEY, profile({ quietHours: { start: '08:00', end: '08:00' } }))).status).toBe(400);
  });

  it('refuses a shop that belongs to another merchant with 409', async () => {
    const response = await s.call('POST', '/v1/merchants', BOOTSTRAP_KEY, profile({ name: 'Shop thief' }));
    expect(response.status).toBe(409);
    expect(response.body).toEqual({ error: 'shop_taken', message: 'marketplaceShop.shopId: shop 7000714532876273420 belongs to another merchant' });
  });

  it('lists all merchants for the operator and only its own for a merchant admin', async () => {
    const b = await onboard({ name: 'Yiwu Kitchenware', marketplaceShop: null, sender: undefined, quietHours: null });
    expect(b.body.merchant).toMatchObject({ sender: { name: null, email: null }, quietHours: null, marketplaceShop: null });
    const all = await s.call('GET', '/v1/merchants', BOOTSTRAP_KEY);
    expect(all.body.items.map((m: { id: string }) => m.id).sort()).toEqual([a.id, b.id].sort());
    const own = await s.call('GET', '/v1/merchants', a.adminKey);
    expect(own.body.items.map((m: { id: string }) => m.id)).toEqual([a.id]);
    expect((await s.call('GET', `/v1/merchants/${b.id}`, a.adminKey)).status).toBe(404);
    expect((await s.call('GET', `/v1/merchants/${a.id}`, a.adminKey)).body.name).toBe('Shenzhen HomeTech');
    expect((await s.call('GET', `/v1/merchants/${b.id}`, BOOTSTRAP_KEY)).body.name).toBe('Yiwu Kitchenware');
    expect((await s.call('GET', '/v1/merchants/not-a-uuid', BOOTSTRAP_KEY)).status).toBe(400);
  });

  it('lets a merchant admin update only its own merchant, and audits the fields changed', async () => {
    const b = await onboard({ name: 'Guangzhou Air Care', marketplaceShop: null });
    s.clock.set('2026-03-03T09:00:00.000Z');
    const patch = { name: 'HomeTech EU', sender: { email: null }, quietHours: null, defaultLocale: 'fr-FR', timeZone: 'Europe/Paris', compensationPolicyVersion: null };
    const updated = await s.call('PATCH', `/v1/merchants/${a.id}`, a.adminKey, patch);
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      name: 'HomeTech EU',
      sender: { name: 'HomeTech', email: null },
      quietHours: null,
      defaultLocale: 'fr-FR',
      timeZone: 'Europe/Paris',
      supportEmail: 'support@hometech.example',
      marketplaceShop: { shopId: '7000714532876273420' },
      compensationPolicyVersion: null,
      updatedAt: '2026-03-03T09:00:00.000Z',
    });
    // Another merchant's: 404, unchanged.
    expect((await s.call('PATCH', `/v1/merchants/${b.id}`, a.adminKey, { name: 'Hijacked' })).status).toBe(404);
    expect((await s.call('GET', `/v1/merchants/${b.id}`, BOOTSTRAP_KEY)).body.name).toBe('Guangzhou Air Care');
    // Other roles of the merchant may not change it.
    const viewer = await issueApiKey({ db: s.db, clock: s.clock }, { name: 'A viewer', role: 'viewer', merchantIds: [a.id], actor: 'test' });
    expect((await s.call('PATCH', `/v1/merchants/${a.id}`, viewer.key, { name: 'Viewer made' })).status).toBe(403);
    expect((await s.call('GET', `/v1/merchants/${a.id}`, viewer.key)).status).toBe(403);
    // The operator may change any.
    expect((await s.call('PATCH', `/v1/merchants/${b.id}`, BOOTSTRAP_KEY, { supportEmail: 'help@aircare.example' })).body.supportEmail).toBe('help@aircare.example');
    // Bad patches: nothing to change, bad fields, a taken shop.
    expect((await s.call('PATCH', `/v1/merchants/${a.id}`, a.adminKey, {})).body.message).toBe('(body): names no field to change');
    const bad = await s.call('PATCH', `/v1/merchants/${a.id}`, a.adminKey, { supportEmail: null, timeZone: 'Berlin' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((p: { field: string }) => p.field)).toEqual(['supportEmail', 'timeZone']);
    const taken = await s.call('PATCH', `/v1/merchants/${b.id}`, BOOTSTRAP_KEY, { marketplaceShop: { shopId: '7000714532876273420', cipher: 'X' } });
    expect(taken.status).toBe(409);
    const entries = await listAudit(s.db, { merchantIds: [a.id], action: 'merchant.updated' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: `key:${(await s.call('GET', '/v1/me', a.adminKey)).body.key.id}`, details: { fields: ['compensationPolicyVersion', 'defaultLocale', 'name', 'quietHours', 'sender', 'timeZone'] } });
    // The notifier's settings keep what the patch did not name, and drop what it cleared.
    const row = await s.db.selectFrom('merchants').select('settings').where('id', '=', a.id).executeTakeFirstOrThrow();
    expect((row.settings as { notifications: unknown }).notifications).toEqual({ senderName: 'HomeTech', quietHours: null });
  });
});

describe('merchant onboarding without a bootstrap key configured', () => {
  it('creates no merchant over HTTP: every key is refused', async () => {
    const s = await startOnboardingApi({ bootstrap: false });
    try {
      expect((await s.call('POST', '/v1/merchants', BOOTSTRAP_KEY, profile())).status).toBe(401);
    } finally {
      await s.close();
    }
  });

  it('reads PARCELWATCH_BOOTSTRAP_ADMIN_KEY from the environment and refuses a short one without echoing it', () => {
    expect(loadApiConfig({ PARCELWATCH_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP_KEY }).PARCELWATCH_BOOTSTRAP_ADMIN_KEY).toBe(BOOTSTRAP_KEY);
    expect(loadApiConfig({}).PARCELWATCH_BOOTSTRAP_ADMIN_KEY).toBeUndefined();
    expect(() => loadApiConfig({ PARCELWATCH_BOOTSTRAP_ADMIN_KEY: 'short-secret' })).toThrow(/PARCELWATCH_BOOTSTRAP_ADMIN_KEY/);
    try {
      loadApiConfig({ PARCELWATCH_BOOTSTRAP_ADMIN_KEY: 'short-secret' });
    } catch (err) {
      expect(String(err)).not.toContain('short-secret');
    }
  });
});
