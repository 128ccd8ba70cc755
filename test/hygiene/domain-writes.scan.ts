import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The tables that hold what the product's inputs create (intake, CSV, carrier payloads, pushes).
 * A test that writes one of them by hand holds a state no input may be able to reach.
 */
export const DOMAIN_TABLES = [
  'shipments',
  'buyer_contacts',
  'buyers',
  'buyer_orders',
  'buyer_spend',
  'orders',
  'checkpoints',
  'exceptions',
  'compensations',
  'notifications',
] as const;

export interface DomainWrite {
  file: string;
  line: number;
  table: string;
  text: string;
}

// kysely's insertInto('t') / insertInto("t"), raw INSERT INTO t and COPY t FROM, whatever the case or line breaks.
const WRITES = [/\binsertInto\(\s*['"`](\w+)['"`]/g, /\bINSERT\s+INTO\s+(?:ONLY\s+)?"?(\w+)"?/gi, /\bCOPY\s+"?(\w+)"?\s*(?:\([^)]*\)\s*)?FROM\b/gi];

/** Every hand-written insert into a domain table in `source`, with its 1-based line. */
export function findDomainWrites(file: string, source: string): DomainWrite[] {
  const tables = new Set<string>(DOMAIN_TABLES);
  const lines = source.split('\n');
  const writes: DomainWrite[] = [];
  for (const pattern of WRITES) {
    for (const match of source.matchAll(pattern)) {
      const table = match[1]?.toLowerCase();
      if (table === undefined || !tables.has(table)) continue;
      const line = source.slice(0, match.index).split('\n').length;
      writes.push({ file, line, table, text: lines[line - 1]?.trim() ?? '' });
    }
  }
  return writes.sort((a, b) => a.line - b.line);
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.cache', '.turbo', 'data', 'coverage']);
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

/**
 * The test code of the repository, relative to `root`: every file under a `test/` folder of
 * packages/*, services/* and the top-level test/ workspace, every `*.test.ts` wherever it is,
 * and the `src/testing.ts` helpers that tests import from packages.
 */
export function testSources(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, inTest: boolean): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (SKIPPED_DIRS.has(entry.name)) continue;
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative, inTest || entry.name === 'test');
      else if (SOURCE.test(entry.name) && (inTest || /\.test\.[cm]?[jt]s$/.test(entry.name) || entry.name === 'testing.ts')) found.push(relative.split(path.sep).join('/'));
    }
  };
  for (const top of ['packages', 'services']) walk(top, false);
  walk('test', true);
  return found.sort();
}

export function scanTestSources(root: string): DomainWrite[] {
  return testSources(root).flatMap((file) => findDomainWrites(file, readFileSync(path.join(root, file), 'utf8')));
}
