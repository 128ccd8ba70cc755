import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
// By absolute URL: the child runs in a scratch directory where `tsx` would not resolve.
const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
// Child processes refuse non-loopback connections too (the guard prints to stderr, which these tests check).
const LOOPBACK_GUARD = new URL('../../../test/harness/loopback-guard.mjs', import.meta.url).href;

function parcelwatch(args: string[], cwd: string, env: Record<string, string> = {}) {
  const { KAFKA_BROKERS: _k, DATABASE_URL: _d, S3_ENDPOINT: _s, S3_BUCKET: _b, ...inherited } = process.env;
  return spawnSync(process.execPath, ['--import', TSX, '--import', LOOPBACK_GUARD, MAIN, ...args], {
    cwd,
    env: { ...inherited, NODE_OPTIONS: '', PORT: '0', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('parcelwatch CLI', () => {
  it('start --once brings every service up on embedded defaults, reports ready, and stops', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pw-start-'));
    try {
      const run = parcelwatch(['start', '--once'], dir);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/"bus":"embedded","database":"pglite","blobStore":"filesystem"/);
      for (const name of ['api', 'poller', 'normalizer', 'detector', 'notifier', 'compensation', 'archiver']) {
        expect(run.stdout).toContain(`  ${name.padEnd(16)} started`);
      }
      expect(run.stdout).toMatch(/readiness: ready .*"database":\{"status":"ok"\}/);
      // The dashboard's assets were found from dist (the api refuses to start without them).
      expect(run.stdout).toMatch(/ {2}dashboard: http:\/\/127\.0\.0\.1:\d+\/dashboard \(sign in with an API key, e\.g\. the one in data\/admin-key\)/);
      // The embedded database persists under ./data, migrated.
      expect(existsSync(path.join(dir, 'data', 'pglite'))).toBe(true);
      const migrate = parcelwatch(['migrate'], dir);
      expect(migrate.status).toBe(0);
      expect(migrate.stdout).toBe('nothing to do\n');

      // API keys are on: an admin key for every merchant is kept in data/admin-key, never printed.
      const keyFile = path.join(dir, 'data', 'admin-key');
      const adminKey = readFileSync(keyFile, 'utf8').trim();
      expect(adminKey).toMatch(/^pw_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(run.stdout).toContain('admin key for every merchant written to data/admin-key');
      expect(run.stdout).not.toContain(adminKey);
      const listed = parcelwatch(['keys', 'list'], dir);
      expect(listed.status).toBe(0);
      const bootstrap = listed.stdout.split('\n').find((line) => line.includes('bootstrap admin'));
      expect(bootstrap).toContain(adminKey.slice(3, 11));
      expect(listed.stdout).not.toContain(adminKey);
      const unknownMerchant = parcelwatch(['keys', 'create', '--name', 'ops', '--role', 'viewer', '--merchant', '0190b5a8-0000-7000-8000-000000000000'], dir);
      expect(unknownMerchant.status).toBe(2);
      expect(unknownMerchant.stderr).toContain('no merchant 0190b5a8-0000-7000-8000-000000000000');
      expect(parcelwatch(['keys', 'create', '--name', 'ops', '--role', 'boss', '--merchant', '0190b5a8-0000-7000-8000-000000000000'], dir).stderr).toContain('role must be one of viewer, approver, admin, ingest');
      const id = bootstrap!.split(' ')[0]!;
      const revoked = parcelwatch(['keys', 'revoke', id], dir);
      expect(revoked.status).toBe(0);
      expect(revoked.stdout).toContain(`revoked key ${id}`);
      // Carrier accounts are sealed under a key kept in data/secret-key (0600), never printed.
      const secretFile = path.join(dir, 'data', 'secret-key');
      const secretKey = readFileSync(secretFile, 'utf8').trim();
      expect(Buffer.from(secretKey, 'base64')).toHaveLength(32);
      expect(statSync(secretFile).mode & 0o777).toBe(0o600);
      expect(run.stdout).not.toContain(secretKey);
      // A revoked admin key is replaced on the next start; the secret key is kept.
      const again = parcelwatch(['start', '--once'], dir);
      expect(again.status).toBe(0);
      expect(readFileSync(keyFile, 'utf8').trim()).not.toBe(adminKey);
      expect(readFileSync(secretFile, 'utf8').trim()).toBe(secretKey);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('refuses an unknown command and bad settings with a clear message', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pw-cli-'));
    try {
      const unknown = parcelwatch(['launch'], dir);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toContain("unknown command 'launch'");
      const detect = parcelwatch(['carriers', 'detect', '1Z999AA10123456784'], dir);
      expect(detect.status).toBe(0);
      expect(JSON.parse(detect.stdout)[0]).toEqual({ carrier: 'ups', confidence: expect.any(Number), checkDigitValid: true, format: 'ups-1z', reason: expect.stringContaining('check digit valid') });
      writeFileSync(path.join(dir, 'garbage.json'), '{"output": 42}');
      const unreadable = parcelwatch(['carriers', 'map', '--provider', 'fedex', 'garbage.json'], dir);
      expect(unreadable.status).toBe(1);
      expect(unreadable.stderr).toMatch(/^parcelwatch: cannot read fedex payload in garbage.json: /);
      const bad = parcelwatch(['start', '--once'], dir, { PORT: 'not-a-port' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/PORT/);
      const badDemo = parcelwatch(['start', '--demo-shipments', 'lots'], dir);
      expect(badDemo.status).toBe(2);
      expect(badDemo.stderr).toBe("parcelwatch: --demo-shipments takes a whole number from 1 to 100000, got 'lots'\n");
      // --help: every command, one entry each.
      const help = parcelwatch(['--help'], dir);
      expect(help.status).toBe(0);
      for (const command of ['start', 'migrate', 'import <csv>', 'bench [name]', 'carriers detect', 'carriers map', 'proofs verify', 'proofs appeal', 'report stuck', 'keys create', 'keys list', 'keys revoke']) {
        expect(help.stdout).toMatch(new RegExp(`^  ${command.replace(/[[\]]/g, '\\$&')}`, 'm'));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
