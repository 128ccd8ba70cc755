import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as pause } from 'node:timers/promises';
import { restartLocalKafka, startLocalKafka, stopLocalKafka, type LocalKafka } from '../../infra/local/launchers/kafka.launcher.js';
import { createLocalRun, type LocalRun } from '../../infra/local/launchers/process-group.js';
import { warmUpKafka } from '../harness/service-checks.js';
import { expectRecovered } from './fault-checks.js';
import { FaultPipeline, faultJourneys } from './fault-pipeline.js';

/*
 * Fault: the Kafka broker stops while a step's snapshots are on their way through the pipeline
 * (the normalizer consuming, the relay publishing what it writes) and comes back on the same
 * data dir and port 8 s later: at step 4 a controlled shutdown (SIGTERM), at step 9 a crash
 * (SIGKILL). A private broker: the suite's one serves the other test files.
 */
const DOWN_MS = 8_000;
const STOPS: Record<number, 'SIGTERM' | 'SIGKILL'> = { 4: 'SIGTERM', 9: 'SIGKILL' };

describe('fault: Kafka broker stopped and restarted mid-stream', () => {
  let localRun: LocalRun | undefined;
  let kafka: LocalKafka | undefined;
  let pipeline: FaultPipeline | undefined;
  const outages: string[] = [];

  beforeAll(async () => {
    localRun = createLocalRun();
    kafka = await startLocalKafka(localRun);
    await warmUpKafka(kafka.brokers);
    pipeline = new FaultPipeline(faultJourneys(), {
      brokers: kafka.brokers,
      midStep: async (_p, step) => {
        const signal = STOPS[step];
        if (!signal) return;
        // Let the normalizer start on the step's snapshots first.
        await pause(200);
        const started = Date.now();
        await stopLocalKafka(localRun!, kafka!, signal);
        await pause(DOWN_MS);
        kafka = await restartLocalKafka(localRun!, kafka!);
        outages.push(`step ${step} ${signal}: broker away ${((Date.now() - started) / 1000).toFixed(1)} s`);
      },
    });
    await pipeline.run();
  }, 900_000);

  afterAll(async () => {
    await pipeline?.stop();
    await localRun?.stop();
  });

  it('stopped the broker twice while the pipeline worked', () => {
    process.stderr.write(`[faults] kafka: ${outages.join('; ')}; ${pipeline!.summary()}\n`);
    expect(outages).toHaveLength(2);
  });

  it('loses no checkpoint, sends and decides nothing twice, and drains the backlog', async () => {
    await expectRecovered(pipeline!);
  });
});
