// `npm run bench -- <name>`: runs one benchmark. Each bench exports `run(): Promise<void>` and
// names the workspaces it imports, built first (cached by turbo when nothing changed).
import { spawnSync } from 'node:child_process';

interface Bench {
  workspaces: readonly string[];
  load: () => Promise<{ run(): Promise<void> }>;
}

const BENCHES: Record<string, Bench> = {
  normalizer: { workspaces: ['@parcelwatch/normalizer'], load: () => import('./normalizer.bench.js') },
  detector: { workspaces: ['@parcelwatch/detector'], load: () => import('./detector.bench.js') },
  reports: { workspaces: ['@parcelwatch/db', '@parcelwatch/api'], load: () => import('./reports.bench.js') },
};

async function main(): Promise<void> {
  const name = process.argv[2];
  const bench = name === undefined ? undefined : BENCHES[name];
  if (bench === undefined) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}>`);
    process.exit(2);
  }
  const filters = bench.workspaces.flatMap((workspace) => ['--filter', `${workspace}...`]);
  const build = spawnSync('npx', ['turbo', 'run', 'build', ...filters, '--output-logs=errors-only'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error(`building ${bench.workspaces.join(', ')} failed (exit ${build.status})`);
  await (await bench.load()).run();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
