import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectRecovered } from './fault-checks.js';
import { FaultPipeline, faultJourneys } from './fault-pipeline.js';

/*
 * Fault: the carrier sandbox answers 503 to every request for one minute of SANDBOX time (the
 * fixed clock the sandbox and the poller share; in real time the minute lasts as long as the
 * seven poller ticks inside it, a few seconds), ending 90 s before step 5 and again before step
 * 11. Every poll in that minute fails; the poller's own backoff (one minute in this pipeline's
 * cadence) makes them due again by the step, which must then see everything.
 */
const OUTAGE_BEFORE_STEPS = [5, 11];
const TICK_SECONDS = 10;

describe('fault: the carrier sandbox answers 5xx for a minute', () => {
  const failedPolls: number[] = [];
  const pipeline = new FaultPipeline(faultJourneys(), {
    beforeStep: async (p, step) => {
      if (!OUTAGE_BEFORE_STEPS.includes(step)) return;
      // 150 s before the step's time: every shipment is due (a minute's cadence).
      const stepAt = p.clock.now().plus({ hours: 12 });
      p.clock.set(stepAt.minus({ seconds: 150 }));
      await setFaults(p, { default: { outage: 503 } });
      let failed = 0;
      for (let s = 0; s <= 60; s += TICK_SECONDS) {
        if (s > 0) p.clock.advance({ seconds: TICK_SECONDS });
        failed += (await p.drainPoller()).failed;
      }
      await setFaults(p, { default: { outage: null } });
      failedPolls.push(failed);
    },
  });

  beforeAll(async () => {
    await pipeline.run();
  }, 900_000);

  afterAll(async () => {
    await pipeline.stop();
  });

  it('failed every poll during the outage minutes', () => {
    process.stderr.write(`[faults] sandbox: failed polls per outage ${failedPolls.join(', ')}; ${pipeline.summary()}\n`);
    expect(failedPolls).toHaveLength(2);
    // Every registered shipment still polled was due at least once in each minute and failed.
    for (const failed of failedPolls) expect(failed).toBeGreaterThanOrEqual(10);
  });

  it('loses no checkpoint, sends and decides nothing twice, and drains the backlog', async () => {
    await expectRecovered(pipeline);
  });
});

async function setFaults(p: FaultPipeline, faults: unknown): Promise<void> {
  const response = await fetch(`${p.sandbox.url}/sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  if (!response.ok) throw new Error(`PUT /sandbox/faults: ${response.status} ${await response.text()}`);
}
