// `npm run bench -- demo`: the demo of `parcelwatch start` as a new user runs it on a fresh
// machine: `parcelwatch start --exit-after-demo --fresh` from the built CLI, in a scratch
// directory, on embedded defaults (PGlite, the in-process bus, files for blobs and mail), no
// external service. Figures: wall time from the command to its exit, and the process's RSS when
// the summary is printed (the workload done) and its peak, read from /proc while it runs.
// Baselines: the target for the time (3 minutes: a target, not a measurement), and a
// bare node process for the memory, measured in this run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { record, scaled } from './results.js';

const SHIPMENTS = Number(process.env['BENCH_DEMO_SHIPMENTS'] ?? scaled(2000, 100));
const TARGET_SECONDS = 180;
const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'services/cli/dist/main.js');
// The demo is loopback-only by construction; the guard makes a forgotten provider URL loud here too.
const LOOPBACK_GUARD = path.join(ROOT, 'test/harness/loopback-guard.mjs');
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function bareNodeMiB(): Promise<number> {
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await sleep(1000);
  const { rss } = rssMiB(bare.pid!);
  bare.kill();
  return rss;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pw-bench-demo-'));
  try {
    const bare = await bareNodeMiB();
    const { KAFKA_BROKERS: _k, DATABASE_URL: _d, S3_ENDPOINT: _s, S3_BUCKET: _b, PGLITE_DATA_DIR: _p, ...inherited } = process.env;
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', LOOPBACK_GUARD, CLI, 'start', '--exit-after-demo', '--fresh', '--demo-shipments', String(SHIPMENTS)], {
      cwd: dir,
      env: { ...inherited, NODE_ENV: 'production', NODE_OPTIONS: '', PORT: '0', LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let atSummary: { rss: number; peak: number } | null = null;
    let peak = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Read while the process still lives: the workload is done when it prints its summary.
      if (atSummary === null && stdout.includes('demo summary')) atSummary = rssMiB(child.pid!);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssMiB(child.pid!).peak);
      } catch {
        // exited between two samples
      }
    }, 500);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`parcelwatch start exited ${code}: ${stderr.slice(-2000)}${stdout.slice(-2000)}`);
    if (atSummary === null) throw new Error(`no demo summary printed: ${stdout.slice(-2000)}`);
    const summary: { rss: number; peak: number } = atSummary;
    log(stdout.slice(stdout.indexOf('demo summary')).split('\n').slice(0, 12).join('\n'));
    const context = { shipments: SHIPMENTS, command: 'parcelwatch start --exit-after-demo --fresh', peakRssMiB: Math.round(Math.max(peak, summary.peak) * 10) / 10 };
    record({ name: `demo of parcelwatch start, ${SHIPMENTS} shipments, to its exit`, value: seconds, unit: 's', better: 'lower', baseline: { name: 'the issue\'s target (not measured)', value: TARGET_SECONDS }, context });
    record({ name: 'demo process RSS once its summary is printed', value: summary.rss, unit: 'MiB', better: 'lower', baseline: { name: 'bare node process, nothing imported', value: bare }, context });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
