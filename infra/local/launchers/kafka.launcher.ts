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

export interface LocalKafka {
  brokers: string[];
  pid: number;
  logFile: string;
  version: string;
  /** The SASL_SSL listener's address, when the broker was started with one. */
  saslSslBrokers?: string[];
}

export interface KafkaCredential { name: string; password: string }

/**
 * A SASL_SSL listener beside the plaintext one (which stays for the broker's own traffic): TLS
 * with a PKCS12 keystore, SCRAM-SHA-512 users (stored in the cluster metadata at format time)
 * and PLAIN users (in the listener's JAAS config).
 */
export interface SaslSslListener {
  keystoreFile: string;
  keystorePassword: string;
  scramUsers: KafkaCredential[];
  plainUsers: KafkaCredential[];
}

/** Settings that make a one-node cluster behave for tests (internal topics with one replica, no rebalance delay). */
export function serverProperties(opts: { brokerPort: number; controllerPort: number; logDir: string; saslSsl?: SaslSslListener & { port: number } }): string {
  const { brokerPort, controllerPort, logDir, saslSsl } = opts;
  const secure = saslSsl ? `,SASL_SSL://127.0.0.1:${saslSsl.port}` : '';
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}${secure}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}${secure}`,
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${saslSsl ? ',SASL_SSL:SASL_SSL' : ''}`,
    'inter.broker.listener.name=PLAINTEXT',
    ...(saslSsl ? saslSslProperties(saslSsl) : []),
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

function saslSslProperties(listener: SaslSslListener): string[] {
  const plainUsers = listener.plainUsers.map((user) => `user_${user.name}="${user.password}"`).join(' ');
  return [
    'sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN',
    `listener.name.sasl_ssl.ssl.keystore.location=${listener.keystoreFile}`,
    `listener.name.sasl_ssl.ssl.keystore.password=${listener.keystorePassword}`,
    'listener.name.sasl_ssl.ssl.keystore.type=PKCS12',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
  ];
}

/** `kafka-storage format --add-scram` arguments: SCRAM credentials live in the KRaft metadata. */
function scramFormatArgs(listener: SaslSslListener | undefined): string[] {
  return (listener?.scramUsers ?? []).flatMap((user) => ['--add-scram', `SCRAM-SHA-512=[name=${user.name},password=${user.password}]`]);
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

export async function startLocalKafka(localRun: LocalRun, timeoutMs = 90_000, options: { saslSsl?: SaslSslListener } = {}): Promise<LocalKafka> {
  const dist = kafkaDist();
  const home = path.join(localRun.dir, 'kafka');
  const logDir = path.join(home, 'data');
  mkdirSync(logDir, { recursive: true });
  const brokerPort = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === brokerPort) controllerPort = await freePort();
  let securePort = 0;
  if (options.saslSsl) {
    do securePort = await freePort();
    while (securePort === brokerPort || securePort === controllerPort);
  }
  const saslSsl = options.saslSsl ? { ...options.saslSsl, port: securePort } : undefined;

  const propsFile = path.join(home, 'server.properties');
  writeFileSync(propsFile, serverProperties({ brokerPort, controllerPort, logDir, ...(saslSsl ? { saslSsl } : {}) }), { mode: 0o600 });

  const clusterId = randomClusterId();
  const format = ['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile, ...scramFormatArgs(saslSsl)];
  await run('java', [...jvmOptions, ...classpath(), ...format], {
    timeout: 60_000,
  }).catch((error: unknown) => {
    throw new Error(`kafka storage format failed: ${String((error as { stderr?: string }).stderr ?? error)}`, { cause: error });
  });

  const logFile = path.join(localRun.dir, 'kafka.log');
  const pid = await launch(localRun, propsFile, logFile, timeoutMs);
  return {
    brokers: [`127.0.0.1:${brokerPort}`],
    pid,
    logFile,
    version: dist.version,
    ...(saslSsl ? { saslSslBrokers: [`127.0.0.1:${securePort}`] } : {}),
  };
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
