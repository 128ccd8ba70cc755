// `npm run bench` runs every benchmark, `npm run bench -- <name> [<name> ...]` the ones named.
// Each bench exports `run(): Promise<void>`, records its figures with `record()` (results.ts)
// and names the workspaces it imports, built first (cached by turbo when nothing changed).
// The figures go to bench/results.json (BENCH_RESULTS for another file): each benchmark's entry
// is replaced by the run's, the others are kept. BENCH_SCALE=0.1 shrinks every size.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { benchScale, gitCommit, machineInfo, mergeResults, readResults, recorder, writeResults, type BenchEntry } from './results.js';

interface Bench {
  workspaces: readonly string[];
  load: () => Promise<{ run(): Promise<void> }>;
}

const BENCHES: Record<string, Bench> = {
  normalizer: { workspaces: ['@parcelwatch/normalizer'], load: () => import('./normalizer.bench.js') },
  detector: { workspaces: ['@parcelwatch/detector'], load: () => import('./detector.bench.js') },
  reports: { workspaces: ['@parcelwatch/db', '@parcelwatch/api'], load: () => import('./reports.bench.js') },
  pipeline: { workspaces: ['@parcelwatch/normalizer', '@parcelwatch/detector', '@parcelwatch/notifier'], load: () => import('./pipeline.bench.js') },
  poller: { workspaces: ['@parcelwatch/poller', '@parcelwatch/carrier-sandbox'], load: () => import('./poller.bench.js') },
  demo: { workspaces: ['@parcelwatch/cli'], load: () => import('./demo.bench.js') },
  bus: { workspaces: ['@parcelwatch/bus'], load: () => import('./bus.bench.js') },
  memory: { workspaces: ['api', 'poller', 'normalizer', 'detector', 'notifier', 'compensation', 'archiver', 'carrier-sandbox'].map((s) => `@parcelwatch/${s}`), load: () => import('./memory.bench.js') },
};

const ROOT = path.resolve(import.meta.dirname, '..');
const RESULTS = path.resolve(ROOT, process.env['BENCH_RESULTS'] ?? 'bench/results.json');
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function runOne(name: string, bench: Bench): Promise<BenchEntry> {
  const startedAt = new Date();
  const started = performance.now();
  const { commit, dirty } = gitCommit(ROOT);
  recorder.begin(name);
  let error: string | undefined;
  try {
    const filters = bench.workspaces.flatMap((workspace) => ['--filter', `${workspace}...`]);
    const build = spawnSync('npx', ['turbo', 'run', 'build', ...filters, '--output-logs=errors-only'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (build.status !== 0) throw new Error(`building ${bench.workspaces.join(', ')} failed (exit ${build.status})`);
    await (await bench.load()).run();
  } catch (err) {
    error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log(`${name} failed: ${error}`);
  }
  const figures = recorder.take();
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  log(`${name}: ${figures.length} figures in ${seconds} s${error ? ' (failed)' : ''}`);
  return { startedAt: startedAt.toISOString(), seconds, status: error ? 'failed' : 'ok', ...(error ? { error } : {}), commit, dirty, scale: benchScale(), machine: machineInfo(), figures };
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => BENCHES[name] === undefined);
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; usage: npm run bench [-- <${Object.keys(BENCHES).join('|')}> ...]`);
    process.exit(2);
  }
  benchScale(); // a bad BENCH_SCALE fails before anything starts
  const selected = names.length > 0 ? names : Object.keys(BENCHES);
  const started = performance.now();
  let failed = 0;
  for (const name of selected) {
    const entry = await runOne(name, BENCHES[name]!);
    if (entry.status === 'failed') failed += 1;
    // Written after every benchmark: a long run that dies later keeps what it measured.
    writeResults(RESULTS, mergeResults(readResults(RESULTS), name, entry, new Date()));
  }
  log(`${selected.length} benchmark(s) in ${Math.round((performance.now() - started) / 1000)} s; results in ${path.relative(process.cwd(), RESULTS)}`);
  if (failed > 0) {
    log(`${failed} benchmark(s) failed`);
    process.exit(1);
  }
  // A client a benchmark left open (a socket, a timer) must not keep the run from ending.
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
