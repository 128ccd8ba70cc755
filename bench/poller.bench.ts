// `npm run bench -- poller`: shipments polled per minute through the 17TRACK API of the carrier
// sandbox (loopback HTTP) with its real rate limit (3 requests/s per key, 40 numbers per call),
// the poller as main.ts wires it (default clients, their token bucket and retries), snapshots
// written to the outbox in PostgreSQL. Baselines in the same run: the theoretical maximum the
// limits allow (calls/s x numbers/call), and the same poller against a sandbox with no limit.
// Registration (one call per 40 numbers too) happens first and is not timed.
import { CarrierClientRegistry, PROVIDER_DEFAULTS } from '@parcelwatch/carriers';
import { createCarrierSandboxService, DEFAULT_RATE_LIMITS } from '@parcelwatch/carrier-sandbox';
import { idFromName } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createPollerService, createSandboxPollerClients } from '@parcelwatch/poller';
import { systemClock } from '@parcelwatch/service-kit';
import { sql, type Kysely } from 'kysely';
import { benchDatabase } from './bench-infra.js';
import { record, scaled } from './results.js';

const SHIPMENTS = Number(process.env['BENCH_POLLER_SHIPMENTS'] ?? scaled(2400, 240));
const TOPIC = 'bench.tracking.snapshots';
const MERCHANT_ID = idFromName('merchant', 'poller-bench');
const TIMEOUT_MS = 10 * 60_000;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const logger = createLogger({ name: 'bench', level: 'warn' });

interface PollRun {
  seconds: number;
  perMinute: number;
  requests: number;
  rejected: number;
}

async function count(db: Kysely<Database>, query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  return Number((await query.execute(db)).rows[0]?.n ?? 0);
}

/** One sandbox, one poller, `SHIPMENTS` fresh shipments: registered first, then every one polled once, timed. */
async function pollOnce(db: Kysely<Database>, label: string, unlimited: boolean): Promise<PollRun> {
  const sandbox = createCarrierSandboxService({ logger, clock: systemClock, options: { seed: unlimited ? 11 : 7, ...(unlimited ? { rateLimits: { '17track': null } } : {}) } });
  await sandbox.start();
  try {
    const journeys = sandbox.journeys.createBatch({ count: SHIPMENTS, spreadDays: 10 });
    await sql`UPDATE shipments SET active = false`.execute(db);
    for (let i = 0; i < journeys.length; i += 1000) {
      await db.insertInto('shipments').values(journeys.slice(i, i + 1000).map((j) => ({
        id: idFromName('poller-bench', label, j.trackingNumber), merchant_id: MERCHANT_ID, order_id: `${label}-${j.orderId}`, tracking_number: j.trackingNumber,
        carrier: j.originCarrier, provider: '17track', origin_country: j.origin.country, destination_country: j.destination.country,
      }))).execute();
    }
    const registry = new CarrierClientRegistry();
    const clients = createSandboxPollerClients({ baseUrl: sandbox.url, registry, ...(unlimited ? { rateLimit: { requestsPerSecond: 100_000 } } : {}) });
    const poller = createPollerService({ logger, clock: systemClock, db, clients, options: { topics: { trackingSnapshots: TOPIC } } });
    const deadline = Date.now() + TIMEOUT_MS;
    while ((await count(db, sql`SELECT count(*)::int AS n FROM shipments WHERE active AND provider_registered_at IS NULL`)) > 0) {
      if (Date.now() > deadline) throw new Error(`${label}: registration did not finish`);
      await poller.tick();
    }
    // Every shipment due now: one poll each, as fast as the poller and the limits let it.
    await sql`UPDATE shipments SET next_poll_at = now() - interval '1 second' WHERE active`.execute(db);
    sandbox.stats.reset();
    const outboxBefore = await count(db, sql`SELECT count(*)::int AS n FROM outbox WHERE topic = ${TOPIC}`);
    const started = performance.now();
    let polled = 0;
    while (polled < SHIPMENTS) {
      if (Date.now() > deadline) throw new Error(`${label}: ${polled}/${SHIPMENTS} polled`);
      const report = await poller.tick();
      polled += report.polled;
    }
    const seconds = (performance.now() - started) / 1000;
    const snapshots = (await count(db, sql`SELECT count(*)::int AS n FROM outbox WHERE topic = ${TOPIC}`)) - outboxBefore;
    if (snapshots < SHIPMENTS) throw new Error(`${label}: ${snapshots} snapshots written for ${SHIPMENTS} shipments polled`);
    await poller.stop();
    const stats = sandbox.stats.report({}).providers['17track'];
    return { seconds, perMinute: (SHIPMENTS / seconds) * 60, requests: stats?.requests ?? 0, rejected: stats?.rejectedOverLimit ?? 0 };
  } finally {
    await sandbox.stop();
  }
}

export async function run(): Promise<void> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const database = await benchDatabase();
    cleanups.unshift(() => database.drop());
    const db = await createDb({ kind: 'postgres', url: database.url, max: 6 });
    cleanups.unshift(() => db.destroy());
    await migrateToLatest(db);
    await db.insertInto('merchants').values({ id: MERCHANT_ID, name: 'Poller bench shop' }).execute();

    const limit = DEFAULT_RATE_LIMITS['17track'];
    const batch = PROVIDER_DEFAULTS['17track'].batchSize;
    const theoretical = (limit.limit / (limit.windowMs / 1000)) * batch * 60;
    const limited = await pollOnce(db, 'limited', false);
    log(`limited: ${SHIPMENTS} shipments polled in ${limited.seconds.toFixed(1)} s, ${limited.requests} requests, ${limited.rejected} refused with 429`);
    const unlimited = await pollOnce(db, 'unlimited', true);
    log(`unlimited: ${SHIPMENTS} shipments polled in ${unlimited.seconds.toFixed(1)} s, ${unlimited.requests} requests`);
    const context = { shipments: SHIPMENTS, provider: '17track', limitPerSecond: limit.limit / (limit.windowMs / 1000), numbersPerCall: batch, seconds: Math.round(limited.seconds * 10) / 10, requests: limited.requests, refusedWith429: limited.rejected };
    record({
      name: 'poller shipments/min under the sandbox 17TRACK rate limit',
      value: limited.perMinute,
      unit: 'shipments/min',
      better: 'higher',
      baseline: { name: `theoretical maximum the limit allows (${context.limitPerSecond} calls/s x ${batch} numbers/call x 60)`, value: theoretical },
      context,
    });
    record({
      name: 'poller shipments/min under the limit, as a share of the same poller against an unlimited sandbox',
      value: limited.perMinute,
      unit: 'shipments/min',
      better: 'higher',
      baseline: { name: 'the same poller, sandbox and client with no rate limit', value: unlimited.perMinute },
      context: { ...context, unlimitedSeconds: Math.round(unlimited.seconds * 10) / 10 },
    });
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((err: unknown) => log(`cleanup failed: ${String(err)}`));
  }
}
