import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RATE_LIMITS } from '@parcelwatch/carrier-sandbox';
import { loadApiConfig, trackingUrls } from '@parcelwatch/api';
import { describeAdapters, selectAdapters } from '@parcelwatch/config';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle } from '@parcelwatch/service-kit';
import { DateTime } from 'luxon';
import { openStack, type Stack } from '../service-stack.js';
import { demoClock } from '../demo/demo-clock.js';
import { STEP_HOURS, demoMerchantIds, demoStart, ensureDemoMerchants, findDemoRecord, restoreDemoJourneys, runDemo } from '../demo/demo-runner.js';
import { formatSummary, readSummary, showcaseShipment } from '../demo/demo-summary.js';
import { DEMO_SEED } from '../demo/demo-workload.js';
import { PipelineStuckError } from '../demo/pipeline-drain.js';
import { UsageError } from './carriers.command.js';
import { ensureBootstrapAdminKey } from './keys.command.js';

export interface StartOptions {
  /** Start everything, check it is ready, print the report, stop. For scripts and CI. */
  once: boolean;
  /** Run the demo workload (default true; `--no-demo` turns it off). */
  demo: boolean;
  /** Shipments in the demo (default DEFAULT_DEMO_SHIPMENTS). */
  demoShipments: number;
  /** Simulated days the demo runs (default 35). */
  demoDays: number;
  /** Run the demo to its summary, then stop: exit 0 when the pipeline drained and every stage is healthy. */
  exitAfterDemo: boolean;
  /** Wipe ./data first (embedded database, blobs, outbox): a new demo on a clean slate. */
  fresh: boolean;
}

/**
 * On embedded PGlite (one session, on its own thread) on this 2-core machine, 35 simulated days
 * of 1,000 shipments take about 5 minutes, 2,000 about 10, 3,000 about 13 (`--demo-shipments`
 * sets it; the cost grows with the shipments). The dashboard is served from the start, so the
 * demo can be watched as it plays.
 */
export const DEFAULT_DEMO_SHIPMENTS = 2_000;
const DATA_DIR = 'data';
/** Where `start` keeps its admin API key (every merchant); the key is never printed or logged. */
const ADMIN_KEY_FILE = 'data/admin-key';
const OUTBOX_DIR = 'data/outbox';
/** The key carrier accounts are sealed under on embedded defaults (PARCELWATCH_SECRET_KEY wins); never printed or logged. */
const SECRET_KEY_FILE = 'data/secret-key';
const TOPICS_FILE = fileURLToPath(new URL('../../../../infra/kafka/topics.yaml', import.meta.url));
/**
 * The demo's carrier requests: the sandbox is local, so its per-real-second provider limits
 * (which would make a simulated hour of 3,000 parcels take minutes) are off, and the clients
 * may send as fast as the sandbox answers.
 */
const DEMO_SANDBOX_LIMITS = Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS).map((provider) => [provider, null]));
const DEMO_REQUESTS_PER_SECOND = 10_000;
/**
 * Polls cost most of the demo's time (each answer is a snapshot the normalizer and archiver
 * read), so the demo polls about half as often as production, and a delivered parcel every
 * 36 hours of its 3-day grace. Sparser than this in transit and the news arrives late enough to
 * raise false exceptions (tried: every 24 h in transit and 48 h on the line haul turned 2
 * "delivery overdue" into 144, out of 1,000 parcels).
 */
const DEMO_CADENCE_HOURS = 'lastMile=3,customs=6,inTransit=12,lineHaul=24,notFoundMin=6,terminal=36';
/** The demo's pacing, given to the poller as its settings. */
const DEMO_SETTINGS = { POLLER_REQUESTS_PER_SECOND: String(DEMO_REQUESTS_PER_SECOND), POLLER_CADENCE_HOURS: DEMO_CADENCE_HOURS };

/**
 * `parcelwatch start`: every service in one process. With no KAFKA_BROKERS / DATABASE_URL /
 * S3_ENDPOINT it runs on embedded defaults (PGlite under ./data, the in-process bus, a
 * filesystem blob store); with them, on the real ones. One health server reports on all.
 *
 * The demo: on a database without one, DEFAULT_DEMO_SHIPMENTS shipments play out over five simulated
 * weeks (the clock moves ${STEP_HOURS} hours per step once the pipeline has caught up), then the clock runs
 * on in real time from where the demo ended (which is about the real time: the demo starts five
 * weeks back) and the stack keeps serving. A database that already holds a demo is not seeded
 * again; `--fresh` wipes ./data for a new one.
 */
export async function startCommand(options: StartOptions): Promise<number> {
  // The api is the one front door: its settings say where it listens (PORT, default 3000) and what the adapters are.
  const settings = loadApiConfig();
  const plan = selectAdapters(settings);
  if (options.fresh) {
    if (plan.database.kind !== 'pglite' || plan.database.dataDir === undefined || plan.database.dataDir.startsWith('memory:')) {
      throw new UsageError('--fresh wipes the embedded ./data only; with DATABASE_URL set, drop or recreate that database yourself');
    }
    await rm(path.resolve(DATA_DIR), { recursive: true, force: true });
    await rm(path.resolve(plan.database.dataDir), { recursive: true, force: true });
  }
  const logger = createLogger({ name: 'parcelwatch', level: settings.LOG_LEVEL, pretty: process.stdout.isTTY });
  const exitWhenDone = options.once || options.exitAfterDemo;
  const lifecycle = createLifecycle({ logger, timeoutMs: settings.SHUTDOWN_TIMEOUT_MS, exit: exitWhenDone ? () => undefined : undefined });
  logger.info({ adapters: describeAdapters(plan) }, 'starting parcelwatch');

  const clock = demoClock(demoStart(options.demoDays));
  const wantDemo = options.demo && !options.once;
  // The demo plays on the carrier sandbox: every carrier and the marketplace point at it. Without
  // the demo, the services reach the hosts their settings name (the providers' own by default).
  const stack = await openStack({
    env: process.env,
    logger,
    clock,
    topicsFile: TOPICS_FILE,
    outboxDir: OUTBOX_DIR,
    secretKeyFile: SECRET_KEY_FILE,
    ...(wantDemo ? { sandbox: { seed: DEMO_SEED, rateLimits: DEMO_SANDBOX_LIMITS }, overrides: DEMO_SETTINGS } : {}),
  });
  lifecycle.register('adapters', () => stack.close());
  const previous = wantDemo ? await findDemoRecord(stack.db) : null;
  const runNow = wantDemo && previous === null;
  if (runNow) await ensureDemoMerchants(stack.db, clock);
  else clock.release(DateTime.utc());
  const adminKey = await ensureBootstrapAdminKey(stack.db, clock, ADMIN_KEY_FILE);
  if (previous !== null) restoreDemoJourneys(stack, previous);
  if (stack.parts.sandbox !== null) process.stdout.write(`carrier sandbox: ${stack.parts.sandbox.url} (the demo's carriers and TikTok Shop)\n`);
  for (const service of stack.services) {
    await service.start();
    lifecycle.register(service.name, () => service.stop());
  }
  stack.relay.start();
  lifecycle.register('outbox relay', () => stack.relay.stop());

  const report = await fetch(`${stack.api.url()}/readyz`);
  const body = (await report.json()) as unknown;
  const lines = [
    `parcelwatch is up: ${stack.api.url()} (adapters: ${JSON.stringify(describeAdapters(plan))})`,
    ...stack.services.map((s) => `  ${s.name.padEnd(16)} started`),
    `  dashboard: ${stack.api.url()}/dashboard (sign in with an API key, e.g. the one in ${ADMIN_KEY_FILE})`,
    `  api keys: required; admin key for every merchant ${adminKey.created ? 'written to' : 'reused from'} ${ADMIN_KEY_FILE} (send it as "Authorization: Bearer <key>")`,
    `  readiness: ${report.status === 200 ? 'ready' : 'NOT ready'} ${JSON.stringify(body)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (options.once) {
    await lifecycle.stop();
    return report.status === 200 ? 0 : 1;
  }

  let code = report.status === 200 ? 0 : 1;
  if (runNow) code = Math.max(code, await demo(stack, clock, options));
  else if (previous !== null) {
    process.stdout.write(`\nthis database already holds a demo (${previous.shipments} shipments from ${previous.start.slice(0, 10)}); not seeding again (--fresh starts over)\n`);
    const summary = await readSummary(stack.db, demoMerchantIds());
    process.stdout.write(formatSummary(summary, { dashboard: `${stack.api.url()}/dashboard`, outbox: stack.channels['email'] ?? null, wallSeconds: null, simulated: `${previous.start.slice(0, 10)} to ${previous.end.slice(0, 10)}` }));
    await printTrackingLink(stack);
  }
  if (options.exitAfterDemo) {
    await lifecycle.stop();
    return code;
  }
  process.stdout.write(`serving until Ctrl-C on ${stack.api.url()} (dashboard ${stack.api.url()}/dashboard); the clock runs in real time now\n`);
  return new Promise<number>(() => undefined); // runs until a signal; the lifecycle exits the process
}

/** One demo shipment's buyer tracking page, as its buyer got it in every message. */
async function printTrackingLink(stack: Stack): Promise<void> {
  const shipment = await showcaseShipment(stack.db, demoMerchantIds());
  if (shipment === undefined) return;
  const url = (await trackingUrls(stack.trackingLinks, [shipment.id])).get(shipment.id);
  if (url !== undefined) process.stdout.write(`  buyer tracking page (order ${shipment.orderId}): ${url}\n`);
}

/** Runs the demo and prints its summary; 0 when the pipeline drained and every stage is healthy. */
async function demo(stack: Stack, clock: ReturnType<typeof demoClock>, options: StartOptions): Promise<number> {
  const tty = process.stdout.isTTY === true;
  process.stdout.write(`\ndemo: ${options.demoShipments} shipments over ${options.demoDays} simulated days from ${clock.now().toISODate()}, ${STEP_HOURS} hours per step\n`);
  try {
    const result = await runDemo(stack, clock, { shipments: options.demoShipments, days: options.demoDays, out: process.stdout, tty });
    const end = clock.now();
    clock.release();
    const ready = await fetch(`${stack.api.url()}/readyz`);
    process.stdout.write(
      formatSummary(result.summary, {
        dashboard: `${stack.api.url()}/dashboard`,
        outbox: stack.channels['email'] ?? null,
        wallSeconds: result.wallSeconds,
        simulated: `${result.record.start.slice(0, 10)} to ${end.toISODate()}`,
      }),
    );
    await printTrackingLink(stack);
    if (ready.status !== 200) {
      process.stderr.write(`parcelwatch: a stage is not healthy after the demo: ${JSON.stringify(await ready.json())}\n`);
      return 1;
    }
    return 0;
  } catch (err) {
    clock.release();
    if (err instanceof PipelineStuckError) {
      process.stderr.write(`\nparcelwatch: the demo did not drain: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
