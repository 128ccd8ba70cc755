// `node --import tsx bench/results-table.ts [bench/results.json]`: the figures of a results file
// as a Markdown table (docs/benchmarks.md carries the latest one), with each benchmark's date,
// commit, scale, wall time and machine load.
import path from 'node:path';
import { readResults, type BenchResults } from './results.js';

const round = (value: number) => (Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(value === Math.round(value) ? 0 : 1));
const cell = (text: string) => text.replace(/\|/g, '\\|');

export function resultsTable(results: BenchResults): string {
  const lines = ['| benchmark | figure | value | baseline | baseline value | ratio |', '|---|---|---:|---|---:|---:|'];
  for (const [name, entry] of Object.entries(results.benches)) {
    for (const figure of entry.figures) {
      const ratio = figure.ratio === null ? 'n/a' : `${figure.ratio.toFixed(figure.ratio < 0.1 ? 3 : 2)}x`;
      lines.push(`| ${name} | ${cell(figure.name)} | ${round(figure.value)} ${figure.unit} | ${cell(figure.baseline.name)} | ${round(figure.baseline.value)} ${figure.baseline.unit ?? figure.unit} | ${ratio} |`);
    }
    if (entry.status === 'failed') lines.push(`| ${name} | failed: ${cell((entry.error ?? '').split('\n')[0] ?? '')} | | | | |`);
  }
  lines.push('', '| benchmark | run at (UTC) | wall time | commit | BENCH_SCALE | cores | memory | node | load average (1/5/15 min) at its end |', '|---|---|---:|---|---:|---:|---:|---|---|');
  for (const [name, entry] of Object.entries(results.benches)) {
    const m = entry.machine;
    lines.push(`| ${name} | ${entry.startedAt.slice(0, 16).replace('T', ' ')} | ${entry.seconds} s | ${entry.commit.slice(0, 10)}${entry.dirty ? ' (uncommitted changes)' : ''} | ${entry.scale} | ${m.cores} | ${Math.round(m.memoryBytes / 2 ** 30)} GiB | ${m.node} | ${m.loadAverage.join(' / ')} |`);
  }
  return lines.join('\n');
}

const file = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, 'results.json'));
const results = readResults(file);
if (results === null) {
  console.error(`no results in ${file}; run npm run bench first`);
  process.exit(2);
}
console.log(resultsTable(results));
