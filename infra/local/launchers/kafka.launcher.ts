// Apache Kafka, one KRaft node acting as broker and controller, from the Maven Central jars
// in infra/local/.cache (see .ci/fetch-services.sh). Fresh storage per run, loopback only.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { kafkaDist } from './local-paths.js';
import { freePort } from './free-port.js';
import { waitUntilReady } from './log-wait.js';
import type { LocalRun } from './process-group.js';

const run = promisify(execFile);

export interface LocalKafka { brokers: string[]; pid: number; logFile: string; version: string }

/** Settings that make a one-node cluster behave for tests (internal topics with one replica, no rebalance delay). */
export function serverProperties(opts: { brokerPort: number; controllerPort: number; logDir: string }): string {
  const { brokerPort, controllerPort, logDir } = opts;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${logDir}`,
    'auto.create.topics.enable=false',
    'num.partitions=3',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=3',
    'group.initial.rebalance.delay.ms=0',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'delete.topic.enable=true',
    '',
  ].join('\n');
}

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid`
 * prints). Like Kafka's Uuid.randomUuid, never one starting with '-', which the storage tool's
 * argument parser would take for an option (1 run in 64).
 */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

// Small heap, quick JIT: the broker serves tests on a shared 2-core machine, not throughput.
const jvmOptions = ['-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

export async function startLocalKafka(localRun: LocalRun, timeoutMs = 90_000): Promise<LocalKafka> {
  const dist = kafkaDist();
  const home = path.join(localRun.dir, 'kafka');
  const logDir = path.join(home, 'data');
  mkdirSync(logDir, { recursive: true });
  const brokerPort = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === brokerPort) controllerPort = await freePort();

  const propsFile = path.join(home, 'server.properties');
  writeFileSync(propsFile, serverProperties({ brokerPort, controllerPort, logDir }));

  const clusterId = randomClusterId();
  await run('java', [...jvmOptions, ...classpath(), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile], {
    timeout: 60_000,
  }).catch((error: unknown) => {
    throw new Error(`kafka storage format failed: ${String((error as { stderr?: string }).stderr ?? error)}`, { cause: error });
  });

  const logFile = path.join(localRun.dir, 'kafka.log');
  const pid = await launch(localRun, propsFile, logFile, timeoutMs);
  return { brokers: [`127.0.0.1:${brokerPort}`], pid, logFile, version: dist.version };
}

/**
 * Stops a broker started by `startLocalKafka` (SIGTERM: a controlled shutdown; SIGKILL: a crash)
 * and keeps its data dir and ports, for `restartLocalKafka`. For fault tests on a private broker.
 */
export async function stopLocalKafka(localRun: LocalRun, kafka: LocalKafka, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  await localRun.stopService({ name: 'kafka', pid: kafka.pid }, { signal, graceMs: 30_000 });
}

/** Starts a stopped broker again on the same data dir and ports; resolves when it serves again. */
export async function restartLocalKafka(localRun: LocalRun, kafka: LocalKafka, timeoutMs = 90_000): Promise<LocalKafka> {
  const propsFile = path.join(localRun.dir, 'kafka', 'server.properties');
  const pid = await launch(localRun, propsFile, kafka.logFile, timeoutMs);
  return { ...kafka, pid };
}

function classpath(): string[] {
  const dist = kafkaDist();
  return ['-cp', path.join(dist.libsDir, '*'), `-Dlog4j2.configurationFile=${dist.log4jConfig}`];
}

/** Spawns the broker and waits for the "started" line written after this launch (the log is appended to). */
async function launch(localRun: LocalRun, propsFile: string, logFile: string, timeoutMs: number): Promise<number> {
  const from = existsSync(logFile) ? statSync(logFile).size : 0;
  const { pid } = localRun.spawnService('kafka', 'java', [...jvmOptions, ...classpath(), 'kafka.Kafka', propsFile], logFile);
  await waitUntilReady(
    `Kafka ${kafkaDist().version}`,
    pid,
    logFile,
    async () => readFileSync(logFile).subarray(from).toString('utf8').includes('Kafka Server started'),
    timeoutMs,
  );
  return pid;
}
