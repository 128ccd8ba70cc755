import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { machineInfo, mergeResults, readResults, recorder, scaled, toFigure, writeResults, type BenchEntry } from '../../bench/results.js';

const entry = (figures: BenchEntry['figures'], commit = 'abc123'): BenchEntry => ({
  startedAt: '2026-11-23T17:00:00.000Z',
  seconds: 12.5,
  status: 'ok',
  commit,
  dirty: false,
  scale: 1,
  machine: machineInfo(),
  figures,
});

describe('bench results', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pw-bench-results-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('puts each figure beside its baseline with the ratio', () => {
    const figure = toFigure('pipeline', { name: 'throughput', value: 500, unit: 'checkpoints/s', better: 'higher', baseline: { name: 'raw kafka', value: 20_000 } });
    expect(figure).toMatchObject({ bench: 'pipeline', value: 500, baseline: { value: 20_000 }, ratio: 0.025 });
    expect(toFigure('memory', { name: 'rss', value: 80, unit: 'MiB', better: 'lower', baseline: { name: 'zero', value: 0 } }).ratio).toBeNull();
  });

  it('refuses a figure that is not a finite number', () => {
    expect(() => toFigure('poller', { name: 'rate', value: Number.NaN, unit: 'shipments/min', better: 'higher', baseline: { name: 'max', value: 7200 } })).toThrow(/finite/);
    expect(() => toFigure('poller', { name: 'rate', value: 10, unit: 'shipments/min', better: 'higher', baseline: { name: 'max', value: Number.POSITIVE_INFINITY } })).toThrow(/finite/);
  });

  it('the recorder hands over the figures of the benchmark that ran, once', () => {
    recorder.begin('detector');
    recorder.record({ name: 'sweep', value: 900, unit: 'ms', better: 'lower', baseline: { name: 'select', value: 300 } });
    const taken = recorder.take();
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({ bench: 'detector', ratio: 3 });
    expect(recorder.take()).toEqual([]);
  });

  it('writes results.json and replaces only the benchmark that ran again', () => {
    const file = path.join(dir, 'results.json');
    const first = toFigure('normalizer', { name: 'throughput', value: 9000, unit: 'checkpoints/s', better: 'higher', baseline: { name: 'copy', value: 30_000 } });
    const second = toFigure('poller', { name: 'rate', value: 6000, unit: 'shipments/min', better: 'higher', baseline: { name: 'max', value: 7200 } });
    writeResults(file, mergeResults(readResults(file), 'normalizer', entry([first]), new Date('2026-11-23T17:01:00Z')));
    writeResults(file, mergeResults(readResults(file), 'poller', entry([second]), new Date('2026-11-23T17:02:00Z')));
    const again = toFigure('normalizer', { name: 'throughput', value: 9500, unit: 'checkpoints/s', better: 'higher', baseline: { name: 'copy', value: 31_000 } });
    writeResults(file, mergeResults(readResults(file), 'normalizer', entry([again], 'def456'), new Date('2026-11-23T17:03:00Z')));

    const written = JSON.parse(readFileSync(file, 'utf8')) as ReturnType<typeof readResults>;
    expect(written?.updatedAt).toBe('2026-11-23T17:03:00.000Z');
    expect(Object.keys(written!.benches).sort()).toEqual(['normalizer', 'poller']);
    expect(written!.benches['normalizer']).toMatchObject({ commit: 'def456', figures: [{ value: 9500, ratio: 9500 / 31_000 }] });
    expect(written!.benches['poller']!.figures[0]).toMatchObject({ value: 6000, baseline: { name: 'max', value: 7200 } });
    expect(written!.benches['poller']!.machine).toMatchObject({ cores: os.cpus().length, node: process.version });
    expect(written!.benches['poller']!.machine.loadAverage).toHaveLength(3);
  });

  it('starts over from a file that is not a results file', () => {
    const file = path.join(dir, 'results.json');
    writeFileSync(file, 'not json');
    expect(readResults(file)).toBeNull();
    writeFileSync(file, '{"something": "else"}');
    expect(readResults(file)).toBeNull();
    expect(readResults(path.join(dir, 'absent.json'))).toBeNull();
  });

  it('BENCH_SCALE shrinks sizes, never below the minimum, and rejects nonsense', () => {
    const saved = process.env['BENCH_SCALE'];
    try {
      delete process.env['BENCH_SCALE'];
      expect(scaled(1_000_000)).toBe(1_000_000);
      process.env['BENCH_SCALE'] = '0.1';
      expect(scaled(2000, 100)).toBe(200);
      expect(scaled(500, 100)).toBe(100);
      process.env['BENCH_SCALE'] = '-1';
      expect(() => scaled(10)).toThrow(/BENCH_SCALE/);
    } finally {
      if (saved === undefined) delete process.env['BENCH_SCALE'];
      else process.env['BENCH_SCALE'] = saved;
    }
  });
});
