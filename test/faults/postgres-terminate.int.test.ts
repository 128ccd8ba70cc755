import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { setTimeout as pause } from 'node:timers/promises';
import { expectRecovered } from './fault-checks.js';
import { FaultPipeline, faultJourneys } from './fault-pipeline.js';

/*
 * Fault: every backend of the test database terminated (pg_terminate_backend from an admin
 * connection) every 150 ms for 6 s, from the moment a step's snapshots reach Kafka, at steps 4
 * and 9: consumers mid-transaction (the archiver's mid S3 put), the relay, the poller, the sweep
 * and the notifier's dispatch lose their connections again and again while they work.
 */
const FAULT_STEPS = [4, 9];
const FAULT_MS = 6_000;

describe('fault: PostgreSQL backends terminated mid-batch', () => {
  const terminated: number[] = [];
  const pipeline = new FaultPipeline(faultJourneys(), {
    midStep: async (p, step) => {
      if (!FAULT_STEPS.includes(step)) return;
      const stop = terminateLoop(p.databaseUrl(), terminated);
      await pause(FAULT_MS);
      await stop();
    },
  });

  beforeAll(async () => {
    await pipeline.run();
  }, 420_000);

  afterAll(async () => {
    await pipeline.stop();
  });

  it('terminated backends while the pipeline worked', () => {
    expect(terminated.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    process.stderr.write(`[faults] postgres: ${terminated.reduce((a, b) => a + b, 0)} backends terminated; ${pipeline.summary()}\n`);
  });

  it('loses no checkpoint, sends and decides nothing twice, and drains the backlog', async () => {
    await expectRecovered(pipeline);
  });
});

/** Terminates the test database's other backends every 150 ms until stopped; counts per round. */
function terminateLoop(databaseUrl: string, counts: number[]): () => Promise<void> {
  const url = new URL(databaseUrl);
  const database = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  let running = true;
  const loop = (async () => {
    await admin.connect();
    while (running) {
      const result = await admin.query<{ n: string }>('SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
      counts.push(Number(result.rows[0]!.n));
      await pause(150);
    }
    await admin.end();
  })();
  return async () => {
    running = false;
    await loop;
  };
}
