import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { setTimeout as pause } from 'node:timers/promises';
import { createS3Client } from '@parcelwatch/archive';
import { createLocalRun, type LocalRun } from '../../infra/local/launchers/process-group.js';
import { restartLocalS3, startLocalS3, stopLocalS3, type LocalS3 } from '../../infra/local/launchers/s3.launcher.js';
import { expectRecovered } from './fault-checks.js';
import { FaultPipeline, faultJourneys } from './fault-pipeline.js';

/*
 * Fault: the S3 server goes down while the archiver stores a step's raw snapshots and proofs of
 * delivery (steps 10 and 12, when the first parcels are delivered) and comes back 20 s later on the
 * same port and store. A private S3Mock: the suite's one serves the other test files.
 */
const DOWN_MS = 20_000;
const OUTAGE_STEPS = [10, 12];
const BUCKET = 'fault-tests';

describe('fault: S3 server down and back', () => {
  let localRun: LocalRun | undefined;
  let s3: LocalS3 | undefined;
  let pipeline: FaultPipeline | undefined;
  const outages: string[] = [];
  const settings = () => ({ endpoint: s3!.endpoint, region: 'us-east-1', accessKeyId: 'parcelwatch', secretAccessKey: 'parcelwatch-secret', bucket: BUCKET, forcePathStyle: true as const });

  beforeAll(async () => {
    localRun = createLocalRun();
    s3 = await startLocalS3(localRun, BUCKET, { retainFiles: true, name: 's3-faults' });
    pipeline = new FaultPipeline(faultJourneys(), {
      s3: settings(),
      midStep: async (_p, step) => {
        if (!OUTAGE_STEPS.includes(step)) return;
        await pause(200);
        const started = Date.now();
        await stopLocalS3(localRun!, s3!);
        await pause(DOWN_MS);
        s3 = await restartLocalS3(localRun!, s3!);
        outages.push(`step ${step}: S3 away ${((Date.now() - started) / 1000).toFixed(1)} s`);
      },
    });
    await pipeline.run();
  }, 900_000);

  afterAll(async () => {
    await pipeline?.stop();
    await localRun?.stop();
  });

  it('stopped the S3 server while the archiver worked', () => {
    process.stderr.write(`[faults] s3: ${outages.join('; ')}; ${pipeline!.summary()}\n`);
    expect(outages).toHaveLength(OUTAGE_STEPS.length);
  });

  it('loses no checkpoint, sends and decides nothing twice, and drains the backlog', async () => {
    await expectRecovered(pipeline!);
  });

  it('keeps every raw snapshot and proof in the bucket once the server is back', async () => {
    const p = pipeline!;
    const s = settings();
    const client = createS3Client({ endpoint: s.endpoint, region: s.region, forcePathStyle: true, credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } });
    const keys = [
      ...(await p.db.selectFrom('tracking_snapshots').select('blob_key').where('blob_key', 'is not', null).execute()).flatMap((r) => (r.blob_key === null ? [] : [r.blob_key])),
      ...(await p.db.selectFrom('proofs').select('object_key').execute()).map((r) => r.object_key),
    ];
    expect(keys.length).toBeGreaterThan(150);
    const missing: string[] = [];
    for (const key of keys) {
      const found = await client.send(new HeadObjectCommand({ Bucket: p.stages.bucket, Key: key })).then(() => true, () => false);
      if (!found) missing.push(key);
    }
    expect(missing).toEqual([]);
    client.destroy();
  });
});
