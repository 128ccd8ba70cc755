// `parcelwatch start --exit-after-demo` on embedded defaults, as a user runs it: a child process in
// a scratch directory, no external service. A small workload over three simulated weeks.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
// Child processes refuse non-loopback connections too (the guard prints to stderr, which these tests check).
const LOOPBACK_GUARD = new URL('../../../test/harness/loopback-guard.mjs', import.meta.url).href;

function parcelwatch(args: string[], cwd: string) {
  const { KAFKA_BROKERS: _k, DATABASE_URL: _d, S3_ENDPOINT: _s, S3_BUCKET: _b, PGLITE_DATA_DIR: _p, ...inherited } = process.env;
  return spawnSync(process.execPath, ['--import', TSX, '--import', LOOPBACK_GUARD, MAIN, ...args], {
    cwd,
    env: { ...inherited, NODE_OPTIONS: '', PORT: '0', LOG_LEVEL: 'error', TRACKING_PAGE_BASE_URL: 'https://track.demo.example' },
    encoding: 'utf8',
    timeout: 3_000_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** "  exceptions found: 12 (3 still open)" -> 12 */
function figure(stdout: string, label: string): number {
  const match = new RegExp(`^  ${label}: (\\d+)`, 'm').exec(stdout);
  if (!match) throw new Error(`no "${label}" in the summary:\n${stdout}`);
  return Number(match[1]);
}

describe('parcelwatch start --exit-after-demo (embedded)', () => {
  it('plays the demo out, prints its summary, keeps buyer mail as .eml, exits 0, and does not seed twice', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pw-demo-'));
    try {
      const run = parcelwatch(['start', '--exit-after-demo', '--demo-shipments', '80', '--demo-days', '21'], dir);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('demo summary (80 shipments');
      expect(figure(run.stdout, 'exceptions found')).toBeGreaterThan(0);
      expect(figure(run.stdout, 'messages sent')).toBeGreaterThan(0);
      expect(figure(run.stdout, 'compensations decided')).toBeGreaterThan(0);
      expect(figure(run.stdout, 'proofs archived')).toBeGreaterThan(0);
      // The workload's carrier-fault return (one in 80) is found as the carrier's fault, and carriers publish estimates.
      expect(figure(run.stdout, 'returned by carrier fault')).toBeGreaterThan(0);
      expect(figure(run.stdout, 'EDD known')).toBeGreaterThan(0);
      expect(run.stdout).toMatch(/dashboard: http:\/\/127\.0\.0\.1:\d+\/dashboard/);
      const mailDir = path.join(dir, 'data', 'outbox', 'mail');
      expect(run.stdout).toContain(`mail kept in ${mailDir}`);
      const mails = readdirSync(mailDir).filter((name) => name.endsWith('.eml'));
      expect(mails.length).toBeGreaterThan(0);
      expect(readFileSync(path.join(mailDir, mails[0]!), 'utf8')).toMatch(/@buyers\.example/);
      // Every buyer message links the buyer's tracking page, and the demo prints one.
      // (quoted-printable soft line breaks undone: a long line may be folded inside the link)
      expect(readFileSync(path.join(mailDir, mails[0]!), 'utf8').replace(/=\r?\n/g, '')).toMatch(/https:\/\/track\.demo\.example\/t\/[A-Za-z0-9_-]{32}/);
      expect(run.stdout).toMatch(/buyer tracking page \(order [^)]+\): https:\/\/track\.demo\.example\/t\/[A-Za-z0-9_-]{32}/);
      // No buyer contact in the progress or the summary.
      expect(run.stdout).not.toMatch(/@buyers\.example|\+1 ?555/);

      // A second start on the same ./data shows the demo it holds instead of seeding another.
      const again = parcelwatch(['start', '--exit-after-demo', '--demo-shipments', '80', '--demo-days', '21'], dir);
      expect(again.status).toBe(0);
      expect(again.stdout).toContain('this database already holds a demo (80 shipments');
      expect(again.stdout).toContain('demo summary (80 shipments');
      expect(figure(again.stdout, 'exceptions found')).toBeGreaterThanOrEqual(figure(run.stdout, 'exceptions found'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 6_000_000);
});
