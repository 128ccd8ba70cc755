import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { newId } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import type { Kysely } from 'kysely';
import { seedShipments } from '@parcelwatch/db/testing';
import { printStuckReport } from '../src/commands/report.command.js';
import { UsageError } from '../src/commands/carriers.command.js';

const NOW = new Date('2026-03-02T10:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

function capture() {
  let text = '';
  return { out: { write: (chunk: string) => (text += chunk) }, text: () => text };
}

describe('parcelwatch report stuck', () => {
  let db: Kysely<Database>;
  const merchant = newId();

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    await db.insertInto('merchants').values({ id: merchant, name: 'cli shop' }).execute();
    // Registered as the api does, in transit as the normalizer recorded it.
    const shipment = (trackingNumber: string, carrier: string, lastScanDaysAgo: number) =>
      seedShipments(db, [{
        id: newId(), merchantId: merchant, orderId: `O-${trackingNumber}`, trackingNumber, carrier, provider: '17track',
        originCountry: 'CN', destinationCountry: 'US', registeredAt: daysAgo(30), tracking: { status: 'in_transit', lastCheckpointAt: daysAgo(lastScanDaysAgo) },
      }]);
    await shipment('YT0000000001', 'yunexpress', 12);
    await shipment('YT0000000002', 'yunexpress', 6);
    await shipment('1Z0000000003', 'ups', 9);
    await shipment('1Z0000000004', 'ups', 1);
  });
  afterAll(async () => db.destroy());

  it('prints a table, most days without a scan first', async () => {
    const c = capture();
    expect(await printStuckReport(db, {}, c.out, NOW)).toBe(3);
    const lines = c.text().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TRACKING\s+CARRIER\s+LANE\s+MILESTONE\s+DAYS\s+PROMISED\s+EXCEPTIONS\s+SHIPMENT$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(['YT0000000001', '1Z0000000003', 'YT0000000002']);
    expect(lines[1]).toMatch(/YT0000000001\s+yunexpress\s+CN-US\s+in_transit\s+12\s+-\s+-\s+[0-9a-f-]{36}$/);
  });

  it('filters by carrier and minimum days and writes CSV with the api columns', async () => {
    const c = capture();
    expect(await printStuckReport(db, { carrier: 'yunexpress', minDays: '10', format: 'csv' }, c.out, NOW)).toBe(1);
    const [header, ...rows] = parse(c.text()) as string[][];
    expect(header?.slice(0, 4)).toEqual(['shipmentId', 'merchantId', 'orderId', 'trackingNumber']);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[3]).toBe('YT0000000001');
    expect(rows[0]?.[10]).toBe('12');
  });

  it('refuses bad options before touching the database', async () => {
    await expect(printStuckReport(db, { format: 'xml' }, capture().out, NOW)).rejects.toThrow(UsageError);
    await expect(printStuckReport(db, { minDays: 'three' }, capture().out, NOW)).rejects.toThrow(/--min-days/);
    await expect(printStuckReport(db, { sort: 'name' }, capture().out, NOW)).rejects.toThrow(/--sort/);
  });
});
