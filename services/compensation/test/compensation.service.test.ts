import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DLQ_HEADERS, EmbeddedBus, rawParser, type RawMessage } from '@parcelwatch/bus';
import { EVENT_TYPES } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { checkServiceLifecycle, fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { createCompensationService, type CompensationService } from '../src/app.js';
import type { CompensationExecutor, ExecutionOrder } from '../src/execution/executor.js';
import { compensationsOf, defaultPolicy, delayEvent, exceptionEvent, fixedPolicy, outboxEvents, recordDetectorFacts, seedShipment, waitFor } from './support.js';

const logger = createLogger({ name: 'compensation-service-test', level: 'silent' });

/** Pays in memory, once per key, like a marketplace with idempotency keys. */
function recordingExecutor(): CompensationExecutor & { paid: Map<string, ExecutionOrder> } {
  const paid = new Map<string, ExecutionOrder>();
  const pay = async (order: ExecutionOrder) => {
    if (!paid.has(order.executionKey)) paid.set(order.executionKey, order);
    return { externalRef: `ref-${order.executionKey}` };
  };
  return { paid, issueCoupon: pay, refund: pay, reship: pay };
}

describe('compensation service on the embedded bus and PGlite', () => {
  let db: Kysely<Database>;
  let bus: EmbeddedBus;
  let service: CompensationService;
  let executor: ReturnType<typeof recordingExecutor>;

  beforeEach(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    bus = new EmbeddedBus({ logger });
    await bus.connect();
    executor = recordingExecutor();
    service = createCompensationService({ logger, db, bus, clock: fixedClock('2026-11-23T09:00:00Z'), policy: fixedPolicy(defaultPolicy()), executor, executionIntervalMs: 0, maxBatchSize: 3 });
  });
  afterEach(async () => {
    await service.stop();
    await bus.disconnect();
    await db.destroy();
  });

  const processed = async () => Number((await db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  it('decides from delays and exceptions once however often they arrive, dead-letters what it cannot read, and pays the approved', async () => {
    const delayed = await seedShipment(db, { name: 'svc-delayed', orderValue: '25.00' });
    const lost = await seedShipment(db, { name: 'svc-lost', orderValue: '80.00' });
    const delays = [delayEvent(delayed, 3), delayEvent(delayed, 4), delayEvent(delayed, 14)];
    const exceptions = [exceptionEvent(lost, 'lost')];
    await recordDetectorFacts(db, [...delays, ...exceptions]);
    await service.start();
    await bus.publish('shipment.delays', delays);
    await bus.publish('shipment.exceptions', exceptions);
    // Every message again (a redelivery), and two it cannot use.
    await bus.publish('shipment.delays', delays);
    await bus.publish('shipment.exceptions', exceptions);
    await bus.send([
      { topic: 'shipment.delays', key: delayed.shipmentId, value: '{"type":"parcelwatch.shipment.delay.detected.v1","data":{}}' },
      { topic: 'shipment.delays', key: delayed.shipmentId, value: '{"type":"parcelwatch.shipment.registered.v1","data":{}}' },
    ]);
    const dlq: RawMessage[] = [];
    const reader = bus.subscribe({ topics: 'shipment.delays.dlq', groupId: 'dlq-reader', parse: rawParser(), handler: async (batch) => void dlq.push(...batch) });
    await reader.start();
    await waitFor('every event processed and the bad one dead-lettered', async () => (await processed()) === 4 && dlq.length === 2);
    await reader.stop();
    const reasons = dlq.map((m) => m.headers[DLQ_HEADERS.reason]).sort();
    expect(reasons[0]).toMatch(/invalid delay event: specversion/);
    expect(reasons[1]).toMatch(/not a delay or exception event \(type "parcelwatch\.shipment\.registered\.v1"\)/);

    expect((await compensationsOf(db, delayed.shipmentId)).map((r) => [r.tier, r.action, r.amount_minor, r.status])).toEqual([
      [1, 'coupon', 500, 'approved'],
      [2, 'partial_refund', 250, 'approved'],
    ]);
    expect((await compensationsOf(db, lost.shipmentId)).map((r) => [r.tier, r.action, r.amount_minor, r.status, r.approval_level])).toEqual([[3, 'full_refund', 8000, 'pending', 'supervisor']]);

    expect(await service.executeDue()).toEqual({ executed: 2, cancelled: 0, failed: 0, retryLater: 0 });
    expect([...executor.paid.values()].map((o) => [o.action, o.amount?.amountMinor])).toEqual([
      ['store_coupon', 500],
      ['partial_refund', 250],
    ]);
    await service.approvals.approve((await compensationsOf(db, lost.shipmentId))[0]!.id, { id: 'sup-1', role: 'supervisor' }, ['proof:1']);
    expect(await service.executeDue()).toMatchObject({ executed: 1 });
    expect([...executor.paid.values()].at(-1)).toMatchObject({ action: 'full_refund', addOns: ['gift'], amount: { amountMinor: 8000, currency: 'USD' } });
    const types = (await outboxEvents(db)).map((e) => e.type);
    expect(types.filter((t) => t === EVENT_TYPES.compensationDecided)).toHaveLength(3);
    expect(types.filter((t) => t === EVENT_TYPES.compensationExecuted)).toHaveLength(3);
  });

  it('starts, answers /healthz, /readyz and /metrics, and stops cleanly', async () => {
    expect(await service.isHealthy()).toBe(false);
    expect(await checkServiceLifecycle(service, logger)).toEqual({ healthz: 200, readyz: 200, metricsLabelled: true, exitCode: 0 });
    expect(await service.isHealthy()).toBe(false);
  });
});
