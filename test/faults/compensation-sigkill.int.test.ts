import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as pause } from 'node:timers/promises';
import { KafkaBus } from '@parcelwatch/bus';
import { createCarrierSandboxService, sandboxClientEnv, type CarrierSandboxService } from '@parcelwatch/carrier-sandbox';
import { createCompensationService, DEFAULT_POLICY_PATH, loadPolicyStore, type CompensationService } from '@parcelwatch/compensation';
import { createEnvelope, EVENT_TYPES, exceptionOpenedEventSchema, idFromName, newId } from '@parcelwatch/contracts';
import { createDb, insertExceptions, type Database } from '@parcelwatch/db';
import { seedShipments } from '@parcelwatch/db/testing';
import { systemClock } from '@parcelwatch/service-kit';
import { createTestDatabase, kafkaBrokers, uniqueTopic } from '@parcelwatch/test-harness';
import type { Kysely } from 'kysely';
import { logger } from '../e2e/tracking-pipeline.fixture.js';

/*
 * Fault: the compensation service, as its own process (services/compensation/src/main.ts with its
 * environment, paying through the sandbox's TikTok Shop), is killed with SIGKILL while it pays:
 * the marketplace has applied a refund and holds its answer, the process dies before it hears
 * it or commits. A new process takes the unfinished payout again once its lease has run out,
 * with the same idempotency key. Counted at the marketplace: every approved compensation paid
 * exactly once, the killed one asked twice (applied, then repeated).
 */
const PARCELS = 6;
const LEASE_MS = 3_000;
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const LOOPBACK_GUARD = new URL('../../test/harness/loopback-guard.mjs', import.meta.url).href;
const MAIN = fileURLToPath(new URL('../../services/compensation/src/main.ts', import.meta.url));
const AT = '2026-11-23T08:00:00Z';

type KeyCount = { requests: number; applied: number; repeated: number; refused: number };

describe('fault: the compensation process killed with SIGKILL mid-payout and restarted', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let bus: KafkaBus;
  let sandbox: CarrierSandboxService;
  let decider: CompensationService;
  const children: ChildProcess[] = [];
  let kill: { key: string; statusAtKill: string; statusAfterKill: string } | undefined;

  const keyCounts = async (): Promise<Record<string, KeyCount>> => ((await (await fetch(`${sandbox.url}/sandbox/marketplace/keys`)).json()) as { keys: Record<string, KeyCount> }).keys;
  const rows = () => db.selectFrom('compensations').select(['id', 'status', 'execution_key', 'approved_at']).execute();

  /** The deployment's own entry point, configured by environment only. */
  function startPayer(): ChildProcess {
    const { DATABASE_URL: _d, KAFKA_BROKERS: _k, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', TSX, '--import', LOOPBACK_GUARD, MAIN], {
      env: {
        ...inherited,
        ...sandboxClientEnv(sandbox.url),
        NODE_OPTIONS: '',
        DATABASE_URL: database.url,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        COMPENSATION_POLICY_PATH: DEFAULT_POLICY_PATH,
        COMPENSATION_EXECUTION_INTERVAL_MS: '200',
        COMPENSATION_EXECUTION_LEASE_MS: String(LEASE_MS),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
    return child;
  }
  const exited = (child: ChildProcess) => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve())));

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 4 });
    sandbox = createCarrierSandboxService({ logger, clock: systemClock, options: { rateLimits: { tiktok: null } } });
    await sandbox.start();

    // Lost parcels of small orders: their full refunds are approved automatically when decided.
    const merchantId = idFromName('sigkill-merchant', database.url);
    await db.insertInto('merchants').values({ id: merchantId, name: 'SIGKILL Merchant' }).execute();
    const parcels = Array.from({ length: PARCELS }, (_, i) => ({ id: newId(), orderId: `SIGKILL-${i}`, trackingNumber: `LX${String(700_000_000 + i)}CN` }));
    await seedShipments(db, parcels.map((p) => ({ id: p.id, merchantId, orderId: p.orderId, trackingNumber: p.trackingNumber, orderValueMinor: 2000, orderCurrency: 'USD', registeredAt: new Date(AT) })));
    sandbox.marketplace.registerOrders(parcels.map((p) => ({ orderId: p.orderId, value: { amountMinor: 2000, currency: 'USD' } })));

    // The decisions come from the detector's events over Kafka, to a compensation service that does not pay.
    const topics = { delays: uniqueTopic('shipment.delays'), exceptions: uniqueTopic('shipment.exceptions'), compensations: uniqueTopic('compensations') };
    bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'compensation-sigkill', logger });
    await bus.connect();
    await bus.ensureTopics(Object.values(topics).map((name) => ({ name, partitions: 2 })));
    decider = createCompensationService({ logger, clock: systemClock, db, bus, policy: await loadPolicyStore(DEFAULT_POLICY_PATH, logger), executor: null, topics, groupId: uniqueTopic('compensation') });
    await decider.start();
    const lost = parcels.map((p) => ({ parcel: p, exceptionId: newId() }));
    // The detector's record of each exception, through its repository: compensation checks every trigger against it.
    await insertExceptions(
      db,
      lost.map(({ parcel, exceptionId }) => ({ id: exceptionId, shipmentId: parcel.id, merchantId, kind: 'lost' as const, status: 'open' as const, severity: 'high' as const, level: 0, openedAt: AT, escalatedAt: null, details: { ruleFired: 'lost@v1', facts: {} } })),
    );
    await bus.publish(
      topics.exceptions,
      lost.map(({ parcel: p, exceptionId }) =>
        exceptionOpenedEventSchema.parse(
          createEnvelope({
            id: newId(),
            type: EVENT_TYPES.exceptionOpened,
            source: 'parcelwatch/detector',
            subject: p.id,
            merchantid: merchantId,
            time: AT,
            data: { shipmentId: p.id, exceptionId, kind: 'lost', severity: 'high', openedAt: AT, ruleFired: 'lost@v1', status: { milestone: 'exception', reason: 'lost' }, lastCheckpointAt: null, checkpointId: null, facts: {} },
          }),
        ),
      ),
    );
    for (let i = 0; i < 600 && (await rows()).filter((r) => r.status === 'approved').length < PARCELS; i += 1) await pause(100);
    expect((await rows()).map((r) => r.status)).toEqual(Array(PARCELS).fill('approved'));

    // The first refund is applied and its answer held: the process is mid-call when it dies.
    // Held for less than the client's 10 s timeout, so the process is still waiting for it when it dies.
    const stalled = await fetch(`${sandbox.url}/sandbox/marketplace/stalls`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: 1, ms: 8_000 }) });
    expect(`${stalled.status} ${await stalled.text()}`).toMatch(/^200 /);
    const first = startPayer();
    // The marketplace's payout log is written when a refund is applied (its request count only once answered):
    // the held one is the row still executing whose key the marketplace has already paid.
    const paidKeys = () => new Set(sandbox.marketplace.ledger.report().payouts.map((payout) => payout.idempotencyKey));
    let applied: string | undefined;
    for (let i = 0; i < 2_400 && applied === undefined; i += 1) {
      const paid = paidKeys();
      applied = (await rows()).find((r) => r.status === 'executing' && paid.has(r.execution_key))?.execution_key;
      if (applied === undefined) await pause(50);
    }
    if (applied === undefined) throw new Error('the compensation process paid nothing within 120 s');
    const statusOf = async (key: string) => (await rows()).find((r) => r.execution_key === key)?.status ?? 'unknown';
    const statusAtKill = await statusOf(applied);
    first.kill('SIGKILL');
    await exited(first);
    kill = { key: applied, statusAtKill, statusAfterKill: await statusOf(applied) };

    startPayer();
    for (let i = 0; i < 1_200 && (await rows()).some((r) => r.status !== 'executed'); i += 1) await pause(100);
    // The held answer is counted once the marketplace sends it (to the dead process), up to 8 s after it was applied.
    for (let i = 0; i < 300 && ((await keyCounts())[applied]?.requests ?? 0) < 2; i += 1) await pause(100);
  }, 300_000);

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited(child);
      }
    }
    await decider?.stop();
    await bus?.disconnect();
    await sandbox?.stop();
    await db?.destroy();
    await database?.drop();
  });

  it('killed the process after the marketplace applied a payout and before it was committed', () => {
    process.stderr.write(`[faults] compensation sigkill: killed with ${kill?.key} ${kill?.statusAtKill}\n`);
    expect(kill).toMatchObject({ statusAtKill: 'executing', statusAfterKill: 'executing' });
  });

  it('pays every approved compensation exactly once, counted at the marketplace', async () => {
    const counts = await keyCounts();
    const all = await rows();
    expect(all.map((r) => r.status)).toEqual(Array(PARCELS).fill('executed'));
    expect(Object.keys(counts).sort()).toEqual(all.map((r) => r.execution_key).sort());
    for (const row of all) expect([row.id, counts[row.execution_key]?.applied]).toEqual([row.id, 1]);
    // The killed one was asked again with its key after the lease, and answered without paying.
    expect(counts[kill!.key]).toEqual({ requests: 2, applied: 1, repeated: 1, refused: 0 });
    const ledger = sandbox.marketplace.ledger.report();
    expect(ledger.counts.payouts.total).toBe(PARCELS);
  });
});
