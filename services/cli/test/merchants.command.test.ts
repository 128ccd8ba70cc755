import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashApiKey } from '@parcelwatch/access';
import { createDb, listAudit, migrateToLatest } from '@parcelwatch/db';
import { UsageError } from '../src/commands/carriers.command.js';
import { merchantsCreateCommand, merchantsListCommand, merchantsUpdateCommand } from '../src/commands/merchants.command.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const LOOPBACK_GUARD = new URL('../../../test/harness/loopback-guard.mjs', import.meta.url).href;

function collector() {
  let text = '';
  return { write: (chunk: string) => (text += chunk), text: () => text };
}

describe('parcelwatch merchants', () => {
  let dir: string;
  let dataDir: string;
  const previous = process.env['PGLITE_DATA_DIR'];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pw-merchants-'));
    dataDir = path.join(dir, 'data', 'pglite');
    const db = await createDb({ kind: 'pglite', dataDir });
    await migrateToLatest(db);
    await db.destroy();
    process.env['PGLITE_DATA_DIR'] = dataDir;
    delete process.env['DATABASE_URL'];
  });

  afterAll(() => {
    if (previous === undefined) delete process.env['PGLITE_DATA_DIR'];
    else process.env['PGLITE_DATA_DIR'] = previous;
    // The directory stays: a closed PGlite may still touch its folder after destroy() resolves.
  });

  it('creates a merchant from the command line, prints its first admin key once and keeps only the hash', async () => {
    const { PGLITE_DATA_DIR: _p, DATABASE_URL: _d, ...inherited } = process.env;
    const args = ['merchants', 'create', '--name', 'Dongguan Smart Plug', '--support-email', 'help@smartplug.example', '--locale', 'es-ES', '--time-zone', 'Europe/Madrid', '--sender-name', 'Smart Plug', '--quiet-hours', '22:00-08:00', '--shop-id', '7001', '--shop-cipher', 'GCP_abc', '--policy-version', '2026-11-23.1'];
    const run = spawnSync(process.execPath, ['--import', TSX, '--import', LOOPBACK_GUARD, MAIN, ...args], {
      cwd: dir,
      env: { ...inherited, NODE_OPTIONS: '', PGLITE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^created merchant [0-9a-f-]{36} Dongguan Smart Plug: locale es-ES, zone Europe\/Madrid, quiet hours 22:00-08:00, shop 7001, policy 2026-11-23\.1$/);
    expect(lines[1]).toMatch(/^admin key [0-9a-f-]{36} \(prefix [a-z0-9]{8}\) for it:$/);
    const key = lines[2]!;
    expect(key).toMatch(/^pw_[a-z0-9]{8}_/);
    const merchantId = lines[0]!.split(' ')[2]!;
    const db = await createDb({ kind: 'pglite', dataDir });
    try {
      const stored = await db.selectFrom('api_keys').select(['key_hash', 'role', 'merchant_ids']).execute();
      expect(stored).toEqual([{ key_hash: hashApiKey(key), role: 'admin', merchant_ids: [merchantId] }]);
      const audit = await listAudit(db, { merchantIds: [merchantId] });
      expect(audit.map((entry) => [entry.action, entry.actor]).sort()).toEqual([['api_key.created', 'cli'], ['merchant.created', 'cli']]);
    } finally {
      await db.destroy();
    }
  }, 240_000);

  it('refuses bad flags with every bad one named, as the api would refuse the fields', async () => {
    const attempt = merchantsCreateCommand({ name: 'Bad', 'support-email': 'nope', locale: 'ja-JP', 'time-zone': 'Nowhere/Land', 'quiet-hours': 'late', 'shop-id': '7002' }, collector());
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(
      'merchants create: --support-email: must be an email address; --locale: must be a locale in a language with buyer-message templates (en, es, de, fr, it), e.g. en-US or de-DE; --time-zone: is not a known IANA time zone; --quiet-hours: must be HH:mm-HH:mm (24 h) or off; --shop-cipher: is required',
    );
  });

  it('lists and updates merchants through the onboarding code, audited as the cli', async () => {
    const made = collector();
    expect(await merchantsCreateCommand({ name: 'Pearl River Blenders', 'support-email': 'care@blenders.example', locale: 'en-GB', 'time-zone': 'Europe/London' }, made)).toBe(0);
    const id = made.text().split(' ')[2]!;
    const updated = collector();
    expect(await merchantsUpdateCommand(id, { 'quiet-hours': 'off', 'shop-id': '7003', 'shop-cipher': 'GCP_def', locale: 'it-IT' }, updated)).toBe(0);
    expect(updated.text()).toBe(`updated merchant ${id} Pearl River Blenders: locale it-IT, zone Europe/London, quiet hours off, shop 7003, policy -\n`);
    const cleared = collector();
    expect(await merchantsUpdateCommand(id, { clear: 'shop' }, cleared)).toBe(0);
    expect(cleared.text()).toContain('shop none');
    const list = collector();
    expect(await merchantsListCommand(list)).toBe(0);
    const rows = list.text().trim().split('\n');
    expect(rows[0]).toMatch(/^id\s+name\s+locale\s+time zone\s+quiet hours\s+shop\s+policy\s+created$/);
    expect(rows.slice(1).map((row) => row.split(/\s{2,}/)[1]).sort()).toEqual(['Dongguan Smart Plug', 'Pearl River Blenders']);
    await expect(merchantsUpdateCommand(id, {}, collector())).rejects.toThrow('merchants update: (body): names no field to change');
    await expect(merchantsUpdateCommand(id, { clear: 'name' }, collector())).rejects.toThrow('--clear takes sender-name, sender-email, shop, policy-version; got name');
    await expect(merchantsUpdateCommand('0190b5a8-2222-7000-8000-000000000000', { name: 'Ghost' }, collector())).rejects.toThrow('no merchant 0190b5a8-2222-7000-8000-000000000000');
    const db = await createDb({ kind: 'pglite', dataDir });
    try {
      const updates = await listAudit(db, { merchantIds: [id], action: 'merchant.updated' });
      expect(updates.map((entry) => [entry.actor, entry.details])).toEqual([
        ['cli', { fields: ['marketplaceShop'] }],
        ['cli', { fields: ['defaultLocale', 'marketplaceShop', 'quietHours'] }],
      ]);
    } finally {
      await db.destroy();
    }
  });
});
