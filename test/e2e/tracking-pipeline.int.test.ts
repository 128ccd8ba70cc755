import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { groundTruthAt, storedTimelines, type StoredTimeline } from './tracking-pipeline.expectations.js';
import { Pipeline, type PipelineRun } from './tracking-pipeline.fixture.js';

const SHIPMENTS = 1000;

function expectMatchesGroundTruth(run: PipelineRun, stored: Map<string, StoredTimeline>): void {
  const truth = groundTruthAt(run.sandbox, run.trackingNumbers, run.finalAt);
  const mismatches: string[] = [];
  for (const expected of truth) {
    const got = stored.get(expected.trackingNumber);
    const have = got ? got.keys : [];
    // Exactly once: a scan stored twice shows as a repeated key.
    if (JSON.stringify(have) !== JSON.stringify(expected.keys)) mismatches.push(`${expected.trackingNumber} checkpoints: stored ${JSON.stringify(have)} truth ${JSON.stringify(expected.keys)}`);
    const status = got ? got.status : 'missing';
    if (status !== expected.status) mismatches.push(`${expected.trackingNumber} status: stored ${status} truth ${expected.status}/${expected.reason}`);
  }
  expect(mismatches.slice(0, 10)).toEqual([]);
}

function expectRatesKeptAndFaultsRetried(run: PipelineRun): void {
  const report = run.sandbox.stats.report(run.sandbox.faults.injected());
  for (const [provider, stats] of Object.entries(report.providers)) {
    if (!stats || stats.limit === null || stats.requests === 0) continue;
    for (const [key, counter] of Object.entries(stats.keys)) {
      expect({ provider, key, peak: Math.min(counter.maxInWindow, stats.limit) }).toEqual({ provider, key, peak: counter.maxInWindow });
    }
    expect({ provider, rejectedOverLimit: stats.rejectedOverLimit }).toEqual({ provider, rejectedOverLimit: 0 });
  }
  // 429s and 5xx were answered, and the client retried every one through: no poll gave up.
  const injected = report.faults['17track'] ?? {};
  expect(injected['rate_limited'] ?? 0).toBeGreaterThan(0);
  expect((injected['server_error'] ?? 0) + (injected['unavailable'] ?? 0)).toBeGreaterThan(0);
  expect(run.polls).toMatchObject({ failed: 0, registrationFailed: 0 });
  expect(run.polls.snapshots).toBeGreaterThan(0);
}

describe('tracking pipeline end to end (sandbox -> api -> poller -> Kafka -> normalizer -> PostgreSQL)', () => {
  const plain = new Pipeline();
  const redelivered = new Pipeline();
  let runs: [PipelineRun, PipelineRun] | undefined;

  // Both runs at once, each with its own sandbox, database and topics: they wait on the
  // sandbox's rate limits far more than on this machine, so together they take the time of one.
  beforeAll(async () => {
    runs = await Promise.all([
      plain.run({ shipments: SHIPMENTS }),
      redelivered.run({ shipments: SHIPMENTS, deliverTwice: true, restartNormalizerAfterStep: 3 }),
    ]);
    // About 7 minutes paced at 2 requests/s; a loaded CI machine needs the headroom.
  }, 1_800_000);

  afterAll(async () => {
    await Promise.all([plain.stop(), redelivered.stop()]);
  });

  it(`stores every ground-truth checkpoint of ${SHIPMENTS} faulty shipments exactly once, with the true final status`, async () => {
    const [run] = runs!;
    const rows = await storedTimelines(run.db);
    expect(rows.size).toBe(SHIPMENTS);
    expectMatchesGroundTruth(run, rows);
    expectRatesKeptAndFaultsRetried(run);
    expect(run.snapshots.published).toBe(run.snapshots.written);
  });

  it('stores the same rows when every snapshot is delivered twice and the normalizer restarts mid-run', async () => {
    const [first, second] = runs!;
    expect(second.snapshots.written).toBeGreaterThan(0);
    expect(second.snapshots.published).toBe(2 * second.snapshots.written);
    const rows = await storedTimelines(second.db);
    expectMatchesGroundTruth(second, rows);
    expectRatesKeptAndFaultsRetried(second);
    const comparable = (timelines: Map<string, StoredTimeline>) =>
      [...timelines.entries()].map(([trackingNumber, t]) => ({ trackingNumber, keys: t.keys, status: t.status })).sort((a, b) => a.trackingNumber.localeCompare(b.trackingNumber));
    expect(comparable(rows)).toEqual(comparable(await storedTimelines(first.db)));
  });
});
