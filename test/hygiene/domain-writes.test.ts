import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findDomainWrites, scanTestSources, testSources, type DomainWrite } from './domain-writes.scan.js';

/*
 * Tests reach domain state through the product's inputs (api intake and CSV, carrier payloads
 * and pushes) or the repositories the services write with (packages/db, `@parcelwatch/db/testing`),
 * never by a hand-written INSERT of shipments, buyers, checkpoints, exceptions, compensations or
 * notifications. Migrations and the repositories themselves are not test code and are not scanned.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The only hand-written inserts allowed, each with how many and why. Every entry must still
 * match exactly, so the list cannot outlive its reason or quietly grow.
 */
const ALLOWED: ReadonlyArray<{ file: string; table: string; count: number; reason: string }> = [
  { file: 'packages/db/test/schema-assertions.ts', table: 'shipments', count: 1, reason: 'proves shipments_order_tracking_key refuses a second row; registerShipments never sends one (ON CONFLICT)' },
  { file: 'packages/db/test/schema-assertions.ts', table: 'buyer_orders', count: 1, reason: 'proves the value/currency check refuses a value without currency; recordBuyerActivity never sends one' },
  { file: 'packages/db/test/schema-assertions.ts', table: 'buyer_spend', count: 1, reason: 'proves the check refuses negative spend; recordBuyerActivity never sends it' },
  { file: 'packages/db/test/schema-assertions.ts', table: 'checkpoints', count: 2, reason: 'proves the dedupe key (in a month and in an adopted month) without the ON CONFLICT insertNewCheckpoints adds' },
  { file: 'packages/db/test/schema-assertions.ts', table: 'exceptions', count: 2, reason: 'proves exceptions_one_open_idx refuses a second open (and escalated) one; insertExceptions skips it by ON CONFLICT' },
  { file: 'packages/db/test/schema-assertions.ts', table: 'compensations', count: 1, reason: 'proves compensations_tier_key refuses a second decision per tier; insertCompensations skips it by ON CONFLICT' },
];

const where = (w: DomainWrite) => `${w.file}:${w.line} writes ${w.table} by hand: ${w.text}`;

describe('test code writes domain tables only through the product', () => {
  it('finds kysely inserts, raw INSERT and COPY, across line breaks, with file and line', () => {
    const source = [
      "await db.insertInto('merchants').values({ id }).execute();",
      "await db.insertInto('shipments').values(row).execute();",
      'await trx',
      '  .insertInto(',
      '    "checkpoints"',
      '  ).values(rows).execute();',
      'await sql`insert into  exceptions (id) VALUES (${id})`.execute(db);',
      'await sql`INSERT INTO outbox (topic) VALUES (1)`.execute(db);',
      "await client.query('COPY compensations (id) FROM STDIN');",
      "await db.selectFrom('shipments').selectAll().execute();",
    ].join('\n');
    expect(findDomainWrites('x.test.ts', source).map((w) => [w.line, w.table])).toEqual([
      [2, 'shipments'],
      [4, 'checkpoints'],
      [7, 'exceptions'],
      [9, 'compensations'],
    ]);
  });

  it('scans the test code of every workspace, helpers included', () => {
    const files = testSources(root);
    expect(files).toEqual(expect.arrayContaining([
      'packages/db/test/schema-assertions.ts',
      'packages/db/src/testing.ts',
      'services/api/test/report-test-kit.ts',
      'services/detector/test/store.fixtures.ts',
      'test/e2e/exception-pipeline.fixture.ts',
      'test/harness/global-setup.ts',
    ]));
    expect(files.some((file) => file.includes('/node_modules/') || file.includes('/dist/'))).toBe(false);
    expect(files.some((file) => file.startsWith('migrations/') || /^packages\/db\/src\/[\w-]+\.repository\.ts$/.test(file))).toBe(false);
  });

  it('no test writes a domain table by hand, beyond the schema probes listed with their reason', () => {
    const writes = scanTestSources(root).filter((w) => !w.file.startsWith('test/hygiene/'));
    const unexplained: string[] = [];
    const counted = new Map<string, DomainWrite[]>();
    for (const w of writes) {
      const allowed = ALLOWED.find((a) => a.file === w.file && a.table === w.table);
      if (allowed === undefined) unexplained.push(where(w));
      else counted.set(`${w.file} ${w.table}`, [...(counted.get(`${w.file} ${w.table}`) ?? []), w]);
    }
    expect(unexplained).toEqual([]);
    const drift = ALLOWED.flatMap((a) => {
      const found = counted.get(`${a.file} ${a.table}`) ?? [];
      return found.length === a.count ? [] : [`${a.file} ${a.table}: ${a.count} allowed, ${found.length} found${found.length > 0 ? `: ${found.map((w) => w.line).join(', ')}` : ''}`];
    });
    expect(drift).toEqual([]);
  });
});
