import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as pause } from 'node:timers/promises';
import { expectRecovered } from './fault-checks.js';
import { CONSUMING_SERVICES, FAULT_STEPS, FaultPipeline, faultJourneys, type ConsumingService } from './fault-pipeline.js';
import { childServices, type ServiceChild } from './service-child.js';

/*
 * Fault: every consuming service runs as its own process (one message per transaction) and each
 * is killed with SIGKILL once, mid-batch, in one run of the pipeline: armed as the step begins,
 * the process kills itself right after it has committed its first new message of the step (see
 * commit-kill-switch.ts), with the rest of the step's input still to come. A new process starts
 * in the same consumer group and takes over from the last committed offsets. Each kill is in a
 * step where that group gets many messages (per step: the normalizer and the archiver's snapshots
 * 29, the detector, notifier and archiver 21-56, compensation 0-7, most at step 11).
 */
const KILLS: { step: number; service: ConsumingService; group: (p: FaultPipeline) => string }[] = [
  { step: 2, service: 'normalizer', group: (p) => p.groups.normalizer },
  { step: 3, service: 'archiver', group: (p) => p.groups.archiver },
  { step: 4, service: 'detector', group: (p) => p.groups.detector },
  { step: 6, service: 'notifier', group: (p) => p.groups.notifier },
  { step: 11, service: 'compensation', group: (p) => p.groups.compensation },
];
/** Longest wait for an armed service's first commit of its step: past it, the kill did not happen. */
const KILL_WAIT_MS = 120_000;

interface Kill {
  step: number;
  service: ConsumingService;
  group: string;
  /** Messages of the group processed before the step, when it died, and written by the step's end. */
  before: number;
  atKill: number;
  written: number;
  signal: NodeJS.Signals | null;
}

describe('fault: each consuming service killed with SIGKILL mid-batch and restarted', () => {
  const spawned: ServiceChild[] = [];
  const kills: Kill[] = [];
  let wallMs = 0;

  const processed = async (p: FaultPipeline, group: string) => {
    const row = await p.db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).where('consumer_group', '=', group).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const inputsOf = (p: FaultPipeline, group: string) => p.subscriptions().find(([g]) => g === group)![1];
  /** A step's input is all written once the next one begins (every group caught up at its end). */
  const stepWritten = async (p: FaultPipeline, step: number) => {
    for (const kill of kills.filter((k) => k.step === step)) kill.written = await p.written(inputsOf(p, kill.group));
  };

  const pipeline = new FaultPipeline(faultJourneys(), {
    startService: childServices(spawned),
    beforeStep: async (p, step) => {
      await stepWritten(p, step - 1);
      for (const plan of KILLS.filter((k) => k.step === step)) {
        const group = plan.group(p);
        kills.push({ step, service: plan.service, group, before: await processed(p, group), atKill: -1, written: -1, signal: null });
      }
    },
    beforeRelay: async (p, step) => {
      for (const kill of kills.filter((k) => k.step === step)) {
        const child = p.service(kill.service) as ServiceChild;
        // Armed before the step's snapshots reach Kafka: no message of the step is missed.
        child.killAfterCommit(kill.group);
        const waiting = new AbortController();
        const died = await Promise.race([child.exited(), pause(KILL_WAIT_MS, 'alive' as const, { signal: waiting.signal })]);
        waiting.abort();
        if (died === 'alive') {
          // Not killed: disarmed, the run goes on, and the test says so.
          child.killAfterCommit(null);
          continue;
        }
        kill.signal = died;
        kill.atKill = await processed(p, kill.group);
        await p.restartService(kill.service);
      }
    },
  });

  beforeAll(async () => {
    const started = Date.now();
    await pipeline.run();
    wallMs = Date.now() - started;
  }, 1_200_000);

  afterAll(async () => {
    await pipeline.stop();
  });

  it('killed every consuming service mid-batch once and started a new process in its group', () => {
    process.stderr.write(
      `[faults] sigkill: ${kills.map((k) => `step ${k.step} ${k.service}: ${k.signal === null ? 'not killed' : `${k.signal} after ${k.atKill - k.before}`} of ${k.written - k.before} messages`).join('; ')}; pipeline run ${(wallMs / 1000).toFixed(0)} s; ${pipeline.summary()}\n`,
    );
    expect(KILLS.every((k) => k.step < FAULT_STEPS)).toBe(true);
    expect([...new Set(kills.map((k) => k.service))].sort()).toEqual([...CONSUMING_SERVICES].sort());
    expect(spawned).toHaveLength(CONSUMING_SERVICES.length + KILLS.length);
    // Every kill: by SIGKILL, some of the step's input of that group committed, not all.
    const notMidBatch = kills.filter((k) => !(k.signal === 'SIGKILL' && k.atKill > k.before && k.atKill < k.written));
    expect(notMidBatch).toEqual([]);
  });

  it('loses no checkpoint, sends and decides nothing twice, and drains the backlog', async () => {
    await expectRecovered(pipeline);
  });
});
