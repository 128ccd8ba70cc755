// `npm run bench -- memory`: resident memory of each service, each started alone from its built
// main.js in a child process (as a deployment runs it) on real Kafka and PostgreSQL (loopback),
// read from /proc after a fixed workload that goes through every stage in turn:
//   carrier-sandbox  creates SHIPMENTS journeys (CN -> US) and answers the poller below;
//   api              registers them (bulk POST /v1/shipments, buyer email, 17TRACK);
//   poller           registers them at 17TRACK and polls each once (snapshots to the outbox);
//   normalizer       relays and maps those snapshots (checkpoints, shipment events);
//   detector, notifier (emails to an SMTP server here), compensation, archiver (files under a
//                    temporary BLOB_DIR): each drains what the stages before it produced.
// Each figure is the RSS once its workload is done (peak RSS and RSS when ready in the context);
// baseline: a bare node process that imports nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { issueApiKey } from '@parcelwatch/api';
import { KafkaBus } from '@parcelwatch/bus';
import { sandboxClientEnv } from '@parcelwatch/carrier-sandbox';
import { idFromName, TOPIC, TOPIC_NAMES } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { startSmtpSink } from '@parcelwatch/notifier';
import { systemClock } from '@parcelwatch/service-kit';
import type { Admin } from 'kafkajs';
import { sql, type Kysely } from 'kysely';
import { freePort } from '../infra/local/launchers/free-port.js';
import { benchDatabase, benchKafka } from './bench-infra.js';
import { record, scaled } from './results.js';

const SHIPMENTS = Number(process.env['BENCH_MEMORY_SHIPMENTS'] ?? scaled(1000, 100));
const ROOT = path.resolve(import.meta.dirname, '..');
const STAGE_TIMEOUT_MS = 5 * 60_000;
const MERCHANT_ID = idFromName('merchant', 'memory-bench');
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const logger = createLogger({ name: 'bench', level: 'warn' });

interface Memory {
  rssBytes: number;
  peakRssBytes: number;
}

/** VmRSS and VmHWM (peak) of a process, from /proc (Linux). */
function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

interface Child {
  process: ChildProcess;
  pid: number;
  output: string[];
  stop(): Promise<void>;
}

function startChild(name: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  return {
    process: child,
    pid: child.pid,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitUntil(what: string, child: Child | null, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + STAGE_TIMEOUT_MS;
  for (;;) {
    if (child && child.process.exitCode !== null) throw new Error(`${what}: the process exited (${child.process.exitCode}): ${child.output.join('').slice(-2000)}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${child ? `; its last output: ${child.output.join('').slice(-2000)}` : ''}`);
    await sleep(250);
  }
}

async function healthy(url: string): Promise<boolean> {
  return (await fetch(`${url}/healthz`)).ok;
}

/** Committed offsets of the group have reached the end of every topic. */
async function drained(admin: Admin, groupId: string, topics: readonly string[]): Promise<boolean> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const offsets = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const end of ends) {
      const at = Number(offsets.find((p) => p.partition === end.partition)?.offset ?? '-1');
      if (Number(end.high) > Math.max(at, 0)) return false;
    }
  }
  return true;
}

async function count(db: Kysely<Database>, query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  return Number((await query.execute(db)).rows[0]?.n ?? 0);
}

interface Stage {
  service: string;
  env?: Record<string, string>;
  /** The workload, once the service answers /healthz. */
  work(url: string, child: Child): Promise<string>;
}

export async function run(): Promise<void> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const kafka = await benchKafka(log);
    cleanups.unshift(() => kafka.stop());
    const database = await benchDatabase();
    cleanups.unshift(() => database.drop());
    const db = await createDb({ kind: 'postgres', url: database.url, max: 4 });
    cleanups.unshift(() => db.destroy());
    await migrateToLatest(db);
    const bus = new KafkaBus({ brokers: kafka.brokers, clientId: 'bench-memory', logger });
    await bus.connect();
    cleanups.unshift(() => bus.disconnect());
    await bus.ensureTopics(TOPIC_NAMES.map((name) => ({ name, partitions: 4, dlq: true })));
    const admin = bus.kafka.admin();
    await admin.connect();
    cleanups.unshift(() => admin.disconnect());
    const smtp = await startSmtpSink();
    cleanups.unshift(() => smtp.close());
    const blobDir = mkdtempSync(path.join(os.tmpdir(), 'pw-bench-blobs-'));
    cleanups.unshift(async () => rmSync(blobDir, { recursive: true, force: true }));
    const settings = { notifications: { channels: { email: true, sms: false }, quietHours: null, dailyCap: 50 } };
    await db.insertInto('merchants').values({ id: MERCHANT_ID, name: 'Memory bench shop', settings: JSON.stringify(settings) }).execute();
    const common = { KAFKA_BROKERS: kafka.brokers.join(','), DATABASE_URL: database.url, HOST: '127.0.0.1', NODE_OPTIONS: IMAGE_NODE_OPTIONS };

    // Baseline: node itself, nothing imported.
    const bare = startChild('bare node', ['-e', 'setInterval(() => {}, 1000)'], {});
    await sleep(1000);
    const bareMemory = memoryOf(bare.pid);
    await bare.stop();

    // The sandbox runs through every later stage (the poller calls it); measured at the end.
    const sandboxApiPort = await freePort();
    const sandboxUrl = `http://127.0.0.1:${sandboxApiPort}`;
    const sandboxHealthPort = await freePort();
    const sandbox = startChild('carrier-sandbox', ['services/carrier-sandbox/dist/main.js'], { ...common, PORT: String(sandboxHealthPort), SANDBOX_API_PORT: String(sandboxApiPort) });
    cleanups.unshift(() => sandbox.stop());
    await waitUntil('carrier-sandbox /healthz', sandbox, () => healthy(`http://127.0.0.1:${sandboxHealthPort}`));
    await sleep(1000);
    const sandboxIdle = memoryOf(sandbox.pid);
    const createdResponse = await fetch(`${sandboxUrl}/sandbox/shipments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: SHIPMENTS, spreadDays: 10, lane: 'CN-US' }) });
    if (!createdResponse.ok) throw new Error(`sandbox: POST /sandbox/shipments ${createdResponse.status} ${await createdResponse.text()}`);
    // Every carrier and the marketplace at the sandbox: production defaults are the real hosts.
    const providers = sandboxClientEnv(sandboxUrl);
    const journeys = ((await createdResponse.json()) as { created: Array<{ trackingNumber: string; orderId: string }> }).created;

    const unpublished = sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`;
    const consumer = (groups: Array<[string, readonly string[]]>) => async () => {
      await waitUntil(`${groups.map(([g]) => g).join(', ')} to drain`, null, async () => {
        for (const [group, topics] of groups) if (!(await drained(admin, group, topics))) return false;
        return (await count(db, unpublished)) === 0;
      });
    };
    const stages: Stage[] = [
      {
        service: 'api',
        async work(url) {
          const ingest = await issueApiKey({ db, clock: systemClock }, { name: 'memory bench', role: 'ingest', merchantIds: [MERCHANT_ID], actor: 'bench' });
          for (let i = 0; i < journeys.length; i += 100) {
            const shipments = journeys.slice(i, i + 100).map((j, k) => ({
              merchantId: MERCHANT_ID, orderId: `MEM-${i + k}`, trackingNumber: j.trackingNumber, provider: '17track', originCountry: 'CN', destinationCountry: 'US',
              buyer: { email: `buyer-${i + k}@buyers.example`, timezone: 'America/New_York' },
            }));
            const response = await fetch(`${url}/v1/shipments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest.key}` }, body: JSON.stringify({ shipments }) });
            if (!response.ok) throw new Error(`api: POST /v1/shipments ${response.status} ${(await response.text()).slice(0, 500)}`);
          }
          return `${journeys.length} shipments registered in ${Math.ceil(journeys.length / 100)} bulk requests`;
        },
      },
      {
        service: 'poller',
        async work() {
          const polled = sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE topic = ${TOPIC.trackingSnapshots}`;
          await waitUntil('the poller to poll every shipment once', null, async () => (await count(db, polled)) >= journeys.length);
          return `${await count(db, polled)} snapshots written (17TRACK: register and track, 40 numbers per call at 3 calls/s)`;
        },
      },
      { service: 'normalizer', work: async () => { await consumer([['normalizer', [TOPIC.trackingSnapshots]]])(); return 'snapshots relayed and normalized'; } },
      { service: 'detector', work: async () => { await consumer([['detector', [TOPIC.shipmentEvents, TOPIC.shipments]]])(); return 'shipment events evaluated'; } },
      {
        service: 'notifier',
        env: { SMTP_URL: smtp.url, NOTIFIER_DISPATCH_INTERVAL_MS: '200' },
        async work() {
          await consumer([['notifier', [TOPIC.shipmentEvents, TOPIC.shipmentExceptions, TOPIC.shipmentDelays, TOPIC.compensations]]])();
          const due = sql<{ n: number }>`SELECT count(*)::int AS n FROM notifications WHERE status IN ('scheduled', 'sending') AND scheduled_for <= now()`;
          await waitUntil('the notifier to send what is due', null, async () => (await count(db, due)) === 0);
          return `${smtp.received().length} emails sent`;
        },
      },
      { service: 'compensation', work: async () => { await consumer([['compensation', [TOPIC.shipmentDelays, TOPIC.shipmentExceptions]]])(); return 'delays and exceptions decided'; } },
      {
        service: 'archiver',
        env: { BLOB_DIR: blobDir },
        async work() {
          await consumer([['archiver', [TOPIC.shipmentEvents]], ['archiver-snapshots', [TOPIC.trackingSnapshots]]])();
          return 'snapshots and milestones archived';
        },
      },
    ];

    for (const stage of stages) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const snapshots = process.env['BENCH_MEMORY_HEAP_SNAPSHOTS'];
      const child = startChild(stage.service, [...(snapshots ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshots}`] : []), `services/${stage.service}/dist/main.js`], { ...common, ...providers, PORT: String(port), ...stage.env });
      try {
        await waitUntil(`${stage.service} /healthz`, child, () => healthy(url));
        const ready = memoryOf(child.pid);
        const started = performance.now();
        const did = await stage.work(url, child);
        const after = memoryOf(child.pid);
        const heap = await heapOf(url);
        if (snapshots) await heapSnapshot(child, snapshots);
        log(`${stage.service}: ${did} in ${Math.round(performance.now() - started)} ms; RSS ${mib(after.rssBytes)} MiB; ${Object.entries(heap).map(([k, v]) => `${k} ${v}`).join(', ')}`);
        recordService(stage.service, after, ready, bareMemory, did, heap);
      } finally {
        await child.stop();
      }
    }
    const sandboxAfter = memoryOf(sandbox.pid);
    recordService('carrier-sandbox', sandboxAfter, sandboxIdle, bareMemory, `${SHIPMENTS} journeys created and served to the poller`);
    record({
      name: 'carrier-sandbox RSS idle (started, no journeys)',
      value: mib(sandboxIdle.rssBytes),
      unit: 'MiB',
      better: 'lower',
      baseline: { name: 'bare node process, nothing imported', value: mib(bareMemory.rssBytes) },
    });
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((err: unknown) => log(`cleanup failed: ${String(err)}`));
  }
}

/** BENCH_MEMORY_HEAP_SNAPSHOTS=<dir>: a V8 heap snapshot of each service after its workload, for a closer look. */
async function heapSnapshot(child: Child, dir: string): Promise<void> {
  const before = new Set(await readdir(dir).catch(() => []));
  child.process.kill('SIGUSR2');
  const deadline = Date.now() + 120_000;
  for (;;) {
    const written = (await readdir(dir)).filter((file) => !before.has(file) && file.endsWith('.heapsnapshot'));
    if (written.length > 0) {
      // Written in one go once the file appears; wait until its size stops changing.
      let size = -1;
      for (let now = (await stat(path.join(dir, written[0]!))).size; now !== size; now = (await stat(path.join(dir, written[0]!))).size) {
        size = now;
        await sleep(1_000);
      }
      log(`heap snapshot ${path.join(dir, written[0]!)}`);
      return;
    }
    if (Date.now() > deadline) throw new Error('no heap snapshot within 2 minutes');
    await sleep(500);
  }
}

/**
 * Where the RSS is, from the service's own /metrics (prom-client's default process metrics), in
 * MiB: the V8 heap used and reserved, its new space, and memory held outside the heap (buffers).
 */
async function heapOf(url: string): Promise<Record<string, number>> {
  const text = await fetch(`${url}/metrics`).then((response) => response.text()).catch(() => '');
  const metric = (pattern: RegExp) => {
    const match = pattern.exec(text);
    return match ? mib(Number(match[1])) : -1;
  };
  return {
    heapUsedMiB: metric(/^\w*nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m),
    heapTotalMiB: metric(/^\w*nodejs_heap_size_total_bytes(?:\{[^}]*\})? (\S+)/m),
    newSpaceMiB: metric(/^\w*nodejs_heap_space_size_total_bytes\{[^}]*space="new"[^}]*\} (\S+)/m),
    externalMiB: metric(/^\w*nodejs_external_memory_bytes(?:\{[^}]*\})? (\S+)/m),
  };
}

function recordService(service: string, after: Memory, ready: Memory, bare: Memory, workload: string, heap: Record<string, number> = {}): void {
  record({
    name: `${service} RSS after its workload`,
    value: mib(after.rssBytes),
    unit: 'MiB',
    better: 'lower',
    baseline: { name: 'bare node process, nothing imported', value: mib(bare.rssBytes) },
    context: { workload, shipments: SHIPMENTS, nodeOptions: IMAGE_NODE_OPTIONS, peakRssMiB: mib(after.peakRssBytes), readyRssMiB: mib(ready.rssBytes), ...heap },
  });
}

/**
 * The services run here with the node options their image sets (the Dockerfile's runtime
 * NODE_OPTIONS, which compose and the Kubernetes manifests inherit), read from the Dockerfile
 * itself so that the figures describe what is deployed.
 */
const IMAGE_NODE_OPTIONS = /^\s*NODE_OPTIONS="([^"]*)"/m.exec(readFileSync(path.resolve(import.meta.dirname, '../Dockerfile'), 'utf8'))?.[1] ?? '';

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
