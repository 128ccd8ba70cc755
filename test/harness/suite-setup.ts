// Global set-up of the integration suite (loaded by global-setup.ts): real Kafka, PostgreSQL and
// S3 for every test file. Per service, in order: given by env > testcontainers (Docker answers) >
// local launchers from infra/local (no Docker). Publishes the env vars of the common contract.
import { spawnSync } from 'node:child_process';
import { createDb, migrateToLatest } from '@parcelwatch/db';
import { jarsPresent, fetchScript } from '../../infra/local/launchers/local-paths.js';
import { createLocalRun, reapDeadRuns, type LocalRun, type ReapedRun } from '../../infra/local/launchers/process-group.js';
import { startLocalKafka } from '../../infra/local/launchers/kafka.launcher.js';
import { startLocalS3 } from '../../infra/local/launchers/s3.launcher.js';
import { dockerAvailable } from './docker-probe.js';
import { warmUpKafka, ensureBucket } from './service-checks.js';
import { databaseUrl, dropRunDatabases, newRunTag, quoteIdent, withAdmin } from './template-db.js';
import { HARNESS_STATE, type HarnessState } from './harness-state.js';

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_BUCKET = 'parcelwatch-test';

const log = (msg: string) => process.stderr.write(`[harness] ${msg}\n`);

async function timed<T>(label: string, timings: Record<string, number>, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  timings[label] = Date.now() - started;
  return result;
}

function ensureJars(): void {
  if (jarsPresent()) return;
  log('fetching Kafka and S3Mock jars from Maven Central (first run only)');
  const result = spawnSync('bash', [fetchScript], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${fetchScript} failed (exit ${result.status}); see its output above`);
}

async function dropCrashedRunDatabases(adminUrl: string, reaped: ReapedRun[]): Promise<void> {
  for (const run of reaped) {
    // Only runs on the same server: another server may be unreachable or not ours.
    if (run.databases?.adminUrl !== adminUrl) continue;
    const dropped = await dropRunDatabases(adminUrl, run.databases.runTag);
    if (dropped.length > 0) log(`dropped databases of crashed run ${run.id}: ${dropped.join(', ')}`);
  }
}

async function prepareTemplate(adminUrl: string, runTag: string): Promise<string> {
  const template = `${runTag}_tpl`;
  await dropRunDatabases(adminUrl, undefined); // leftovers of crashed runs, hours old
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(template)}`));
  const db = await createDb({ kind: 'postgres', url: databaseUrl(adminUrl, template), max: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return template;
}

function settled<T extends readonly unknown[]>(results: { [K in keyof T]: PromiseSettledResult<T[K]> }): T {
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, failures.map((f) => String(f)).join('\n'));
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

export async function setUpSuite(): Promise<void> {
  const started = Date.now();
  const env = process.env;
  const state: HarnessState = { savedEnv: {}, containers: [], timings: {} };
  (globalThis as Record<symbol, unknown>)[HARNESS_STATE] = state;
  const setEnv = (name: string, value: string) => {
    if (!(name in state.savedEnv)) state.savedEnv[name] = env[name];
    env[name] = value;
  };
  env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';
  // Node 20 is this project's runtime by choice; the SDK's upgrade notice would repeat in every worker.
  env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

  const given = { kafka: env['KAFKA_BROKERS'], db: env['DATABASE_URL'], s3: env['S3_ENDPOINT'] };
  const needLaunch = !given.kafka || !given.s3;
  const docker = needLaunch || !given.db ? await dockerAvailable() : false;
  const useLocal = needLaunch && !docker;

  // Every run keeps a record under infra/local/.cache/runs (processes, databases), even when it
  // launches nothing, so the next run can clean up after it if it crashes.
  const reaped = await reapDeadRuns();
  if (reaped.length > 0) log(`cleaned up after crashed runs: ${reaped.map((r) => r.id).join(', ')}`);
  if (useLocal) await timed('fetch', state.timings, async () => ensureJars());
  const localRun: LocalRun = createLocalRun();
  state.localRun = localRun;
  const bucket = env['S3_BUCKET'] ?? DEFAULT_BUCKET;

  const kafkaTask = async (): Promise<{ brokers: string[]; source: string }> => {
    if (given.kafka) return { brokers: given.kafka.split(',').map((b) => b.trim()), source: 'env' };
    if (docker) {
      const { startKafkaContainer } = await import('./containers.js');
      const { brokers, container } = await startKafkaContainer();
      state.containers.push(container);
      return { brokers, source: 'testcontainers' };
    }
    const kafka = await startLocalKafka(localRun);
    return { brokers: kafka.brokers, source: `local Kafka ${kafka.version} (log ${kafka.logFile})` };
  };

  const s3Task = async (): Promise<{ endpoint: string; accessKeyId: string; secretAccessKey: string; source: string }> => {
    const keys = { accessKeyId: env['S3_ACCESS_KEY_ID'] ?? 'parcelwatch', secretAccessKey: env['S3_SECRET_ACCESS_KEY'] ?? 'parcelwatch-secret' };
    if (given.s3) return { endpoint: given.s3, ...keys, source: 'env' };
    if (docker) {
      const { startMinioContainer } = await import('./containers.js');
      const minio = await startMinioContainer();
      state.containers.push(minio.container);
      return { ...minio, source: 'testcontainers' };
    }
    const s3 = await startLocalS3(localRun, bucket);
    return { endpoint: s3.endpoint, ...keys, source: `local S3Mock ${s3.version} (log ${s3.logFile})` };
  };

  const dbTask = async (): Promise<{ adminUrl: string; template: string; source: string }> => {
    let adminUrl = env['PW_TEST_ADMIN_DATABASE_URL'] ?? given.db;
    let source = adminUrl ? 'env' : 'local server';
    if (!adminUrl && docker) {
      const { startPostgresContainer } = await import('./containers.js');
      const pgc = await startPostgresContainer();
      state.containers.push(pgc.container);
      adminUrl = pgc.adminUrl;
      source = 'testcontainers';
    }
    adminUrl ??= DEFAULT_ADMIN_URL;
    const runTag = newRunTag();
    state.db = { adminUrl, runTag };
    localRun.recordDatabases(state.db);
    await dropCrashedRunDatabases(adminUrl, reaped);
    return { adminUrl, template: await prepareTemplate(adminUrl, runTag), source };
  };

  try {
    // allSettled, not all: on a failure every start must have finished before cleanup runs.
    const [kafka, s3, db] = settled(
      await Promise.allSettled([
        timed('kafka', state.timings, kafkaTask),
        timed('s3', state.timings, s3Task),
        timed('postgres', state.timings, dbTask),
      ] as const),
    );
    await timed('kafkaWarmUp', state.timings, () => warmUpKafka(kafka.brokers));
    const region = env['S3_REGION'] ?? 'us-east-1';
    await ensureBucket({ endpoint: s3.endpoint, region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, bucket });

    setEnv('KAFKA_BROKERS', kafka.brokers.join(','));
    setEnv('PW_TEST_ADMIN_DATABASE_URL', db.adminUrl);
    setEnv('DATABASE_URL', databaseUrl(db.adminUrl, db.template));
    setEnv('PW_TEST_TEMPLATE_DB', db.template);
    setEnv('S3_ENDPOINT', s3.endpoint);
    setEnv('S3_BUCKET', bucket);
    setEnv('S3_REGION', region);
    setEnv('S3_ACCESS_KEY_ID', s3.accessKeyId);
    setEnv('S3_SECRET_ACCESS_KEY', s3.secretAccessKey);
    state.timings['total'] = Date.now() - started;
    log(`Kafka ${kafka.brokers.join(',')} [${kafka.source}]`);
    log(`PostgreSQL template ${db.template} [${db.source}]`);
    log(`S3 ${s3.endpoint} bucket ${bucket} [${s3.source}]`);
    log(`ready in ${state.timings['total']} ms ${JSON.stringify(state.timings)}`);
  } catch (error) {
    // Jest skips global teardown when set-up throws: stop what already started here.
    const { tearDownSuite } = await import('./suite-teardown.js');
    await tearDownSuite().catch((e: unknown) => log(`cleanup after failed set-up: ${String(e)}`));
    throw error;
  }
}
