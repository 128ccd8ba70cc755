// `parcelwatch start --exit-after-demo` on real services: the harness's Kafka, PostgreSQL and S3
// server through KAFKA_BROKERS / DATABASE_URL / S3_ENDPOINT, as a user would point it at theirs.
// The summary it prints must be what the database holds. It uses the registry's topic and group
// names (as `start` does), so no other test file may consume those on the harness broker.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, type Database } from '@parcelwatch/db';
import { createTestDatabase, kafkaBrokers, s3Settings } from '@parcelwatch/test-harness';
import type { Kysely } from 'kysely';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
// Child processes refuse non-loopback connections too (the guard prints to stderr, which these tests check).
const LOOPBACK_GUARD = new URL('../../../test/harness/loopback-guard.mjs', import.meta.url).href;

function section(stdout: string, label: string): Record<string, string> {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${label}:`));
  const entries: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    const match = /^ {4}(\S+)\s{2,}(\S.*)$/.exec(line);
    if (!match) break;
    entries[match[1]!.trim()] = match[2]!.trim();
  }
  return entries;
}

function figure(stdout: string, label: string): number {
  const match = new RegExp(`^  ${label}: (\\d+)`, 'm').exec(stdout);
  if (!match) throw new Error(`no "${label}" in the summary:\n${stdout}`);
  return Number(match[1]);
}

describe('parcelwatch start --exit-after-demo on Kafka, PostgreSQL and S3', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 2 });
    dir = mkdtempSync(path.join(tmpdir(), 'pw-demo-real-'));
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a small demo on the real services and prints a summary that matches the database', async () => {
    const s3 = s3Settings();
    const { PGLITE_DATA_DIR: _p, ...inherited } = process.env;
    const run = spawnSync(process.execPath, ['--import', TSX, '--import', LOOPBACK_GUARD, MAIN, 'start', '--exit-after-demo', '--demo-shipments', '200', '--demo-days', '10'], {
      cwd: dir,
      env: {
        ...inherited,
        NODE_OPTIONS: '',
        PORT: '0',
        LOG_LEVEL: 'error',
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_CLIENT_ID: 'demo-int-test',
        DATABASE_URL: database.url,
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: `demo-${path.basename(dir).toLowerCase().replace(/[^a-z0-9]/g, '')}`,
        S3_REGION: s3.region,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      },
      encoding: 'utf8',
      timeout: 3_000_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/"bus":"kafka","database":"postgres","blobStore":"s3"/);
    expect(run.stdout).toContain('demo summary (200 shipments');

    const count = async (table: 'exceptions' | 'compensations' | 'proofs') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    expect(Number((await db.selectFrom('shipments').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)).toBe(200);
    const exceptions = await count('exceptions');
    expect(exceptions).toBeGreaterThan(0);
    expect(figure(run.stdout, 'exceptions found')).toBe(exceptions);
    const byKind = await db.selectFrom('exceptions').select(['kind', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('kind').execute();
    expect(section(run.stdout, 'exceptions found')).toEqual(Object.fromEntries(byKind.map((row) => [row.kind, String(row.n)])));
    const sent = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'sent').executeTakeFirstOrThrow();
    expect(Number(sent.n)).toBeGreaterThan(0);
    expect(figure(run.stdout, 'messages sent')).toBe(Number(sent.n));
    expect(figure(run.stdout, 'compensations decided')).toBe(await count('compensations'));
    expect(figure(run.stdout, 'proofs archived')).toBe(await count('proofs'));
    // Every registration went through the api with the demo's ingest key.
    const registrations = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<string>().as('n')).where('topic', '=', 'shipments').executeTakeFirstOrThrow();
    expect(Number(registrations.n)).toBe(200);
    expect(await db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute()).toEqual([]);
  }, 6_000_000);
});
