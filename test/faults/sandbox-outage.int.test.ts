import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectRecovered, payoutCheck } from './fault-checks.js';
import { FaultPipeline, faultJourneys } from './fault-pipeline.js';

/*
 * Fault: the carrier sandbox answers 503 to every request for one minute of SANDBOX time (the
 * fixed clock the sandbox and the poller share; in real time the minute lasts as long as the
 * seven poller ticks inside it, a few seconds), ending 90 s before step 5 and again before step
 * 11. Every poll in that minute fails; the poller's own backoff (one minute in this pipeline's
 * cadence) makes them due again by the step, which must then see everything.
 *
 * And the marketplace the compensations are paid through (the sandbox's TikTok Shop) answers
 * 503 from step 8 to step 11: a day and a half of clock time, tried hourly by the pipeline, so
 * the payout decided at step 9 (a tier 2 refund) fails many times and backs off. Once it is back, each approved
 * compensation is paid exactly once, counted at the marketplace.
 */
const OUTAGE_BEFORE_STEPS = [5, 11];
const TICK_SECONDS = 10;
const MARKETPLACE_DOWN_STEPS = { from: 8, to: 11 };

describe('fault: the carrier sandbox answers 5xx for a minute', () => {
  const failedPolls: number[] = [];
  const marketplaceDown: { step: number; refusedBefore: number }[] = [];
  const pipeline = new FaultPipeline(faultJourneys(), {
    beforeStep: async (p, step) => {
      if (step === MARKETPLACE_DOWN_STEPS.from || step === MARKETPLACE_DOWN_STEPS.to) {
        marketplaceDown.push({ step, refusedBefore: (await payoutCheck(p)).refusedRequests });
        await patchFaults(p, 'tiktok', { outage: step === MARKETPLACE_DOWN_STEPS.from ? 503 : null });
      }
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

  it('kept the marketplace down for a day and a half while payouts were due: each was refused many times, then paid once', async () => {
    const payouts = await payoutCheck(pipeline);
    const [down, up] = marketplaceDown;
    const refusedWhileDown = up!.refusedBefore - down!.refusedBefore;
    process.stderr.write(`[faults] marketplace: ${refusedWhileDown} payout requests refused while down; ${payouts.executed} paid once each of ${payouts.requests} requests\n`);
    expect(marketplaceDown.map((m) => m.step)).toEqual([MARKETPLACE_DOWN_STEPS.from, MARKETPLACE_DOWN_STEPS.to]);
    // More than a few retries of payouts waiting through the outage (backoff reaches its 30 min cap within hours).
    expect(refusedWhileDown).toBeGreaterThanOrEqual(10);
    expect(payouts.problems).toEqual([]);
  });

  it('loses no checkpoint, sends and decides nothing twice, and drains the backlog', async () => {
    await expectRecovered(pipeline);
  });
});

async function patchFaults(p: FaultPipeline, provider: string, faults: unknown): Promise<void> {
  const response = await fetch(`${p.sandbox.url}/sandbox/faults/${provider}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  if (!response.ok) throw new Error(`PATCH /sandbox/faults/${provider}: ${response.status} ${await response.text()}`);
}

async function setFaults(p: FaultPipeline, faults: unknown): Promise<void> {
  const response = await fetch(`${p.sandbox.url}/sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  if (!response.ok) throw new Error(`PUT /sandbox/faults: ${response.status} ${await response.text()}`);
}
