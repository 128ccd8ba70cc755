import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiService, createMerchant, createShipmentRegistrar, hashApiKey, parseMerchantCreate, type ApiService } from '@parcelwatch/api';
import { createDb, listAudit, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { UsageError } from '../src/commands/carriers.command.js';
import { linksIssueCommand, linksRevokeCommand } from '../src/commands/links.command.js';
import { wismoCommand } from '../src/commands/wismo.command.js';

function collector() {
  let text = '';
  return { write: (chunk: string) => (text += chunk), text: () => text };
}

const OPERATOR = 'cli-wismo-bootstrap-key-0123456789-abcdefghij';

/* `parcelwatch wismo` answering from the terminal through a running api, as a help desk would. */
describe('parcelwatch wismo', () => {
  let db: Kysely<Database>;
  let api: ApiService;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    api = createApiService({ db, clock: fixedClock('2026-03-02T10:00:00Z'), logger: createLogger({ name: 'wismo-cli', level: 'silent' }), access: { enabled: true, bootstrapKeyHash: hashApiKey(OPERATOR) }, trackingPageBaseUrl: 'https://track.example' });
    await api.start();
    const call = async (route: string, key: string, body: unknown) => {
      const response = await fetch(`${api.url()}${route}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const merchant = await call('/v1/merchants', OPERATOR, { name: 'Kettle & Co', supportEmail: 'help@kettle.example', defaultLocale: 'en-GB', timeZone: 'Europe/London' });
    const merchantId = merchant['merchant'].id as string;
    const admin = merchant['adminKey'].key as string;
    const bot = await call('/v1/api-keys', admin, { name: 'desk bot', role: 'bot', merchantIds: [merchantId] });
    await call('/v1/shipments', admin, { merchantId, orderId: 'KC-77', trackingNumber: 'YT1234567890123456', destinationCountry: 'GB', buyer: { email: 'tom@example.co.uk', locale: 'en-GB', timezone: 'Europe/London' } });
    env = { PARCELWATCH_API_URL: api.url(), PARCELWATCH_API_KEY: bot['key'] as string };
  });
  afterAll(async () => {
    await api?.stop();
    await db?.destroy();
  });

  it('prints the answer to send and the facts behind it, exit 0', async () => {
    const out = collector();
    expect(await wismoCommand({ order: 'KC-77', email: 'tom@example.co.uk' }, out, env)).toBe(0);
    expect(out.text()).toMatch(/^Your order KC-77: Waiting for the first carrier update\./);
    expect(out.text()).toMatch(/tracking page: https:\/\/track\.example\/t\/[A-Za-z0-9_-]{32}/);
    expect(out.text()).toContain('YunExpress YT1234567890123456');
  });

  it('answers a wrong factor like an unknown order, exit 1, and in the locale asked for', async () => {
    const wrong = collector();
    const unknown = collector();
    expect(await wismoCommand({ order: 'KC-77', postcode: 'SW1A 1AA', locale: 'it' }, wrong, env)).toBe(1);
    expect(await wismoCommand({ order: 'KC-00', postcode: 'SW1A 1AA', locale: 'it' }, unknown, env)).toBe(1);
    expect(wrong.text()).toBe(unknown.text());
    expect(wrong.text()).toContain('Non trovo ordini');
  });

  it('refuses a question without two factors, or without a key', async () => {
    await expect(wismoCommand({ order: 'KC-77' }, collector(), env)).rejects.toThrow(UsageError);
    await expect(wismoCommand({ order: 'KC-77', email: 'tom@example.co.uk' }, collector(), { PARCELWATCH_API_URL: env['PARCELWATCH_API_URL']! })).rejects.toThrow(/PARCELWATCH_API_KEY/);
  });
});

/* `parcelwatch links revoke|issue` on the embedded database, audited as the cli. */
describe('parcelwatch links', () => {
  let shipmentId: string;
  const previous = process.env['PGLITE_DATA_DIR'];

  beforeAll(async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'pw-links-')), 'pglite');
    const db = await createDb({ kind: 'pglite', dataDir });
    try {
      await migrateToLatest(db);
      // Onboarded as `parcelwatch merchants create` does it.
      const profile = parseMerchantCreate({ name: 'Kettle & Co', supportEmail: 'help@kettle.example', defaultLocale: 'en-GB', timeZone: 'Europe/London' });
      if (!profile.ok) throw new Error('merchant profile refused');
      const merchantId = (await createMerchant({ db, clock: fixedClock('2026-11-23T12:00:00Z') }, { profile: profile.value, actor: 'cli', adminKey: false })).merchant.id;
      const registrar = createShipmentRegistrar({ db, clock: fixedClock('2026-11-23T12:00:00Z'), shipmentsTopic: 'shipments' });
      const [result] = await registrar.register([{ merchantId, orderId: 'cli-link-1', trackingNumber: 'LX123456785CN', destinationCountry: 'DE' }], 'api');
      if (result?.status !== 'created') throw new Error(`registration failed: ${JSON.stringify(result)}`);
      shipmentId = result.shipment.id;
    } finally {
      await db.destroy();
    }
    process.env['PGLITE_DATA_DIR'] = dataDir;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env['PGLITE_DATA_DIR'];
    else process.env['PGLITE_DATA_DIR'] = previous;
  });

  it('revokes the live link, then issues a new one under the configured base', async () => {
    const revoked = collector();
    expect(await linksRevokeCommand(shipmentId, revoked)).toBe(0);
    expect(revoked.text()).toContain('its page answers 404');
    const again = collector();
    await linksRevokeCommand(shipmentId, again);
    expect(again.text()).toContain('has no live tracking link');
    const issued = collector();
    expect(await linksIssueCommand(shipmentId, issued, { ...process.env, TRACKING_PAGE_BASE_URL: 'https://track.example/' })).toBe(0);
    expect(issued.text()).toMatch(/^https:\/\/track\.example\/t\/[A-Za-z0-9_-]{32}\n$/);
    await expect(linksRevokeCommand('not-a-uuid', collector())).rejects.toThrow(UsageError);
  });

  it('audits both as the cli', async () => {
    const db = await createDb({ kind: 'pglite', dataDir: process.env['PGLITE_DATA_DIR']! });
    try {
      const audit = await listAudit(db, { merchantIds: null, limit: 10 });
      expect(audit.filter((entry) => entry.target_id === shipmentId).map((entry) => `${entry.actor}:${entry.action}`).sort()).toEqual(['cli:tracking_link.issued', 'cli:tracking_link.revoked']);
    } finally {
      await db.destroy();
    }
  });
});
