// Kafka and PostgreSQL for a benchmark run: the brokers in KAFKA_BROKERS or a local broker from
// infra/local (stopped afterwards), and a fresh database on the loopback server (dropped afterwards).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { fetchScript, jarsPresent } from '../infra/local/launchers/local-paths.js';
import { createLocalRun, type LocalRun } from '../infra/local/launchers/process-group.js';
import { startLocalKafka } from '../infra/local/launchers/kafka.launcher.js';

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchKafka {
  brokers: string[];
  stop(): Promise<void>;
}

export async function benchKafka(log: (line: string) => void): Promise<BenchKafka> {
  const given = process.env['KAFKA_BROKERS'];
  if (given) return { brokers: given.split(',').map((b) => b.trim()), stop: async () => {} };
  if (!jarsPresent()) {
    log('fetching the Kafka jars from Maven Central (first run only)');
    const fetched = spawnSync('bash', [fetchScript], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (fetched.status !== 0) throw new Error(`${fetchScript} failed (exit ${fetched.status})`);
  }
  const run: LocalRun = createLocalRun();
  try {
    const kafka = await startLocalKafka(run);
    log(`started local Kafka ${kafka.version} on ${kafka.brokers.join(',')}`);
    return { brokers: kafka.brokers, stop: () => run.stop() };
  } catch (err) {
    await run.stop();
    throw err;
  }
}

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function benchDatabase(): Promise<BenchDatabase> {
  const adminUrl = new URL(process.env['PW_BENCH_ADMIN_DATABASE_URL'] ?? DEFAULT_ADMIN_URL);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(adminUrl.hostname)) throw new Error('the bench only uses a loopback PostgreSQL');
  const name = `pw_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl.toString() });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
