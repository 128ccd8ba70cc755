import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, migrateToLatest } from '@parcelwatch/db';
import { importCommand } from '../src/commands/import.command.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
// Child processes refuse non-loopback connections too (the guard prints to stderr, which these tests check).
const LOOPBACK_GUARD = new URL('../../../test/harness/loopback-guard.mjs', import.meta.url).href;
const MERCHANT = '0190b5a8-1111-7000-8000-00000000cafe';
const HEADER = 'merchantId,orderId,trackingNumber,destinationCountry,promisedDeliveryDate,orderValueMinor,orderCurrency,buyerEmail,buyerLocale,buyerTimezone';

function collector() {
  let text = '';
  return { write: (chunk: string) => (text += chunk), text: () => text };
}

describe('parcelwatch import', () => {
  let dir: string;
  let dataDir: string;
  const previous = process.env['PGLITE_DATA_DIR'];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pw-import-'));
    dataDir = path.join(dir, 'data', 'pglite');
    const db = await createDb({ kind: 'pglite', dataDir });
    await migrateToLatest(db);
    await db.insertInto('merchants').values({ id: MERCHANT, name: 'Import Test Shop' }).execute();
    await db.destroy();
    process.env['PGLITE_DATA_DIR'] = dataDir;
    delete process.env['DATABASE_URL'];
  });

  afterAll(() => {
    if (previous === undefined) delete process.env['PGLITE_DATA_DIR'];
    else process.env['PGLITE_DATA_DIR'] = previous;
    // The directory stays: a closed PGlite may still touch its folder after destroy() resolves
    // (it re-creates it, and fails the run, when the folder above is gone).
  });

  it('registers the good rows, names each bad one by line and reason, and exits 1 unless rejects are allowed', async () => {
    const file = path.join(dir, 'orders.csv');
    writeFileSync(
      file,
      [
        HEADER,
        `${MERCHANT},IMP-1,LX123456785CN,US,2026-12-01,2599,USD,ana@buyers.example,es-US,America/Chicago`,
        `${MERCHANT},IMP-2,YT1234567890123456,DE,2026-12-03,4000,EUR,,de-DE,Europe/Berlin`,
        `${MERCHANT},IMP-3,LX123456785CN,US,not-a-date,2599,USD,,,`,
        `0190b5a8-2222-7000-8000-000000000000,IMP-4,YT1234567890123457,FR,,,,,,`,
        `${MERCHANT},IMP-5,??,US,,,,,,`,
        '',
      ].join('\n'),
    );
    const out = collector();
    const err = collector();
    expect(await importCommand({ file, allowRejects: false }, out, err)).toBe(1);
    expect(out.text()).toBe(`${file}: 2 accepted (2 new, 0 already registered), 3 rejected\n`);
    const rejected = err.text().trim().split('\n');
    expect(rejected).toHaveLength(3);
    expect(rejected[0]).toMatch(new RegExp(`^${file}:4: rejected \\(invalid\\): promisedDeliveryDate: `));
    expect(rejected[1]).toBe(`${file}:5: rejected (unknown_merchant): merchantId: unknown merchant 0190b5a8-2222-7000-8000-000000000000`);
    expect(rejected[2]).toMatch(new RegExp(`^${file}:6: rejected \\(invalid\\): trackingNumber: `));

    // The same file again: nothing new, the two are found registered; with --allow-rejects it exits 0.
    const again = collector();
    expect(await importCommand({ file, allowRejects: true }, again, collector())).toBe(0);
    expect(again.text()).toBe(`${file}: 2 accepted (0 new, 2 already registered), 3 rejected\n`);

    const db = await createDb({ kind: 'pglite', dataDir });
    try {
      const rows = await db.selectFrom('shipments').select(['order_id', 'carrier', 'destination_country', 'order_value_minor']).orderBy('order_id').execute();
      expect(rows).toEqual([
        { order_id: 'IMP-1', carrier: 'china-post', destination_country: 'US', order_value_minor: 2599 },
        { order_id: 'IMP-2', carrier: 'yunexpress', destination_country: 'DE', order_value_minor: 4000 },
      ]);
      // Their registration events wait in the outbox for the relay of a running stack.
      const events = await db.selectFrom('outbox').select('topic').where('topic', '=', 'shipments').execute();
      expect(events).toHaveLength(2);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a file it cannot read as a whole with the reason, from the command line', () => {
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'merchantId,colour\nx,red\n');
    const { PGLITE_DATA_DIR: _p, DATABASE_URL: _d, ...inherited } = process.env;
    const run = spawnSync(process.execPath, ['--import', TSX, '--import', LOOPBACK_GUARD, MAIN, 'import', bad], {
      cwd: dir,
      env: { ...inherited, NODE_OPTIONS: '', PGLITE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`parcelwatch: ${bad}: unknown column(s): colour; known: merchantId, orderId, trackingNumber, carrier, provider, originCountry, destinationCountry, promisedDeliveryDate, shippedAt, marketplace, orderValueMinor, orderCurrency, buyerName, buyerEmail, buyerPhone, buyerLocale, buyerTimezone, buyerAddressLine1, buyerAddressLine2, buyerCity, buyerRegion, buyerPostalCode, buyerCountry, buyerHistoryOrders, buyerHistorySpendMinor, buyerHistorySpendCurrency\n`);
    const missing = spawnSync(process.execPath, ['--import', TSX, '--import', LOOPBACK_GUARD, MAIN, 'import', path.join(dir, 'nope.csv')], { cwd: dir, env: { ...inherited, NODE_OPTIONS: '', PGLITE_DATA_DIR: dataDir }, encoding: 'utf8', timeout: 120_000 });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nope.csv: no such file');
  }, 240_000);
});
