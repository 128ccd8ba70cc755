// The figures a benchmark run measured, each beside the baseline measured in the same run, and
// bench/results.json: one entry per benchmark with the machine it ran on (cores, memory, node,
// load average), the date and the git commit. A run of one benchmark replaces only its own entry.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export interface BaselineFigure {
  name: string;
  value: number;
  /** Defaults to the figure's unit. */
  unit?: string;
}

export interface FigureInput {
  name: string;
  value: number;
  unit: string;
  /** Which way is better: a throughput is higher-better, a latency or a size lower-better. */
  better: 'higher' | 'lower';
  baseline: BaselineFigure;
  /** What the figure was measured with (sizes, rates, settings), as the run used them. */
  context?: Record<string, string | number | boolean>;
}

export interface Figure extends FigureInput {
  bench: string;
  /** value / baseline.value (null when the baseline is 0). */
  ratio: number | null;
}

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryBytes: number;
  freeMemoryBytes: number;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages at the end of the benchmark. */
  loadAverage: [number, number, number];
}

export interface BenchEntry {
  startedAt: string;
  seconds: number;
  status: 'ok' | 'failed';
  error?: string;
  commit: string;
  /** The commit had uncommitted changes when it ran. */
  dirty: boolean;
  scale: number;
  machine: MachineInfo;
  figures: Figure[];
}

export interface BenchResults {
  /** When the file was last written (by a full run or a single benchmark). */
  updatedAt: string;
  benches: Record<string, BenchEntry>;
}

export function ratioOf(value: number, baseline: number): number | null {
  return baseline === 0 ? null : value / baseline;
}

export function toFigure(bench: string, input: FigureInput): Figure {
  if (!Number.isFinite(input.value) || !Number.isFinite(input.baseline.value)) {
    throw new Error(`${bench}: ${input.name} = ${input.value} beside ${input.baseline.name} = ${input.baseline.value}: both must be finite numbers`);
  }
  return { bench, ...input, ratio: ratioOf(input.value, input.baseline.value) };
}

/** The results after one benchmark ran: its entry replaced, every other kept as it was. */
export function mergeResults(previous: BenchResults | null, name: string, entry: BenchEntry, now: Date): BenchResults {
  return { updatedAt: now.toISOString(), benches: { ...previous?.benches, [name]: entry } };
}

/** The existing file, or null when there is none or it is not a results file (it is then replaced). */
export function readResults(file: string): BenchResults | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<BenchResults>;
    return typeof parsed.benches === 'object' && parsed.benches !== null ? (parsed as BenchResults) : null;
  } catch {
    return null;
  }
}

/** Written to a temporary file first, so an interrupted run never leaves half a file. */
export function writeResults(file: string, results: BenchResults): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(temporary, file);
}

export function machineInfo(): MachineInfo {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg();
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: os.totalmem(),
    freeMemoryBytes: os.freemem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: [round2(one), round2(five), round2(fifteen)],
  };
}

export function gitCommit(cwd: string): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8' });
    return { commit, dirty: status.trim() !== '' };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** One line for the terminal: the figure, its baseline and the ratio. */
export function formatFigure(figure: Figure): string {
  const ratio = figure.ratio === null ? 'n/a' : `${figure.ratio.toFixed(figure.ratio < 0.1 ? 3 : 2)}x`;
  const unit = figure.baseline.unit ?? figure.unit;
  return `${figure.name}: ${formatNumber(figure.value)} ${figure.unit}  | baseline ${figure.baseline.name}: ${formatNumber(figure.baseline.value)} ${unit}  | ratio ${ratio}`;
}

function formatNumber(value: number): string {
  return Math.abs(value) >= 100 ? String(Math.round(value)) : value.toFixed(value === Math.round(value) ? 0 : 2);
}

/**
 * The recorder the benchmarks call. `npm run bench` points it at the benchmark that runs;
 * each figure is printed as it is recorded and kept for results.json.
 */
class Recorder {
  private bench = 'unnamed';
  private figures: Figure[] = [];

  begin(bench: string): void {
    this.bench = bench;
    this.figures = [];
  }

  record(input: FigureInput): Figure {
    const figure = toFigure(this.bench, input);
    this.figures.push(figure);
    console.log(`[${this.bench}] ${formatFigure(figure)}`);
    return figure;
  }

  take(): Figure[] {
    const taken = this.figures;
    this.figures = [];
    return taken;
  }
}

export const recorder = new Recorder();

/** Records one figure with its baseline (see FigureInput). */
export function record(input: FigureInput): Figure {
  return recorder.record(input);
}

/**
 * BENCH_SCALE (default 1, the sizes) multiplies every benchmark's size: 0.1 runs a
 * quick pass in a minute or two. A count never drops below `min`.
 */
export function scaled(size: number, min = 1): number {
  const scale = benchScale();
  return Math.max(min, Math.round(size * scale));
}

export function benchScale(): number {
  const raw = process.env['BENCH_SCALE'];
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`BENCH_SCALE must be a positive number, got ${raw}`);
  return scale;
}
