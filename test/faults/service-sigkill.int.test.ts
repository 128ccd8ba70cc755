import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as pause } from 'node:timers/promises';
import { expectRecovered } from './fault-checks.js';
import { childNormalizers, type NormalizerChild } from './normalizer-child.js';
import { FaultPipeline, faultJourneys } from './fault-pipeline.js';

/*
 * Fault: the normalizer runs as its own process (one snapshot per transaction) and is killed
 * with SIGKILL while it works through a step's snapshots: as soon as it has committed one of them
 * and before it has the rest, at steps 3, 7 and 11. A new process starts in the same consumer
 * group and takes over from the last committed offsets.
 */
const KILL_STEPS = [3, 7, 11];

describe('fault: a service killed with SIGKILL mid-batch and restarted', () => {
  const spawned: NormalizerChild[] = [];
  const kills: { step: number; before: number; atKill: number; written: number }[] = [];
  const pipeline = new FaultPipeline(faultJourneys(), {
    startNormalizer: childNormalizers(spawned),
    beforeRelay: async (p, step) => {
      if (!KILL_STEPS.includes(step)) return;
      const processed = async () => {
        const row = await p.db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).where('consumer_group', '=', p.groups.normalizer).executeTakeFirstOrThrow();
        return Number(row.n);
      };
      const written = await p.written([p.topics.trackingSnapshots]);
      const before = (await processed()) - 0;
      const deadline = Date.now() + 60_000;
      let now = before;
      // Wait for the first commit of this step, then kill at once.
      while (now === before && Date.now() < deadline) {
        await pause(5);
        now = await processed();
      }
      const child = spawned.at(-1)!;
      process.kill(child.pid()!, 'SIGKILL');
      await child.exited();
      kills.push({ step, before, atKill: await processed(), written });
      await p.restartNormalizer();
    },
  });

  beforeAll(async () => {
    await pipeline.run();
  }, 900_000);

  afterAll(async () => {
    await pipeline.stop();
  });

  it('killed the normalizer process mid-batch and started a new one each time', () => {
    process.stderr.write(`[faults] sigkill: ${kills.map((k) => `step ${k.step}: killed after ${k.atKill - k.before} of ${k.written - k.before} snapshots`).join('; ')}; ${pipeline.summary()}\n`);
    expect(kills.map((k) => k.step)).toEqual(KILL_STEPS);
    expect(spawned).toHaveLength(KILL_STEPS.length + 1);
    // Mid-batch: some of the step's snapshots were committed when it died, not all.
    expect(kills.filter((k) => k.atKill > k.before && k.atKill < k.written).length).toBeGreaterThanOrEqual(1);
  });

  it('loses no checkpoint, sends and decides nothing twice, and drains the backlog', async () => {
    await expectRecovered(pipeline);
  });
});
