import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmbeddedBus } from '@parcelwatch/bus';
import { createCompensationService, DEFAULT_POLICY_PATH, ExecutionError, loadPolicyStore, type CompensationExecutor } from '@parcelwatch/compensation';
import { createEnvelope, EVENT_TYPES, exceptionOpenedEventSchema, newId } from '@parcelwatch/contracts';
import { createDb, insertExceptions, insertMerchant, listAudit, migrateToLatest } from '@parcelwatch/db';
import { seedShipments } from '@parcelwatch/db/testing';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import { UsageError } from '../src/commands/carriers.command.js';
import { compensationsRetryCommand } from '../src/commands/compensations.command.js';

const logger = createLogger({ name: 'compensations-command-test', level: 'silent' });
const AT = '2026-11-23T08:00:00Z';

function collector() {
  let text = '';
  return { write: (chunk: string) => (text += chunk), text: () => text };
}

describe('parcelwatch compensations retry', () => {
  let dataDir: string;
  let failedId: string;
  const previous = process.env['PGLITE_DATA_DIR'];

  // A payout the marketplace refused, as the compensation service records it from a "lost" exception.
  beforeAll(async () => {
    dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'pw-compensations-')), 'data', 'pglite');
    const db = await createDb({ kind: 'pglite', dataDir });
    await migrateToLatest(db);
    const merchantId = newId();
    const shipmentId = newId();
    // As onboarding creates a merchant (the repository POST /v1/merchants writes with).
    await insertMerchant(db, {
      id: merchantId, name: 'Retry Merchant', defaultLocale: 'en-US', defaultTimezone: 'UTC', settings: {}, supportEmail: null,
      marketplaceShopId: null, marketplaceShopCipher: null, compensationPolicyVersion: null, createdAt: new Date(AT),
    });
    await seedShipments(db, [{ id: shipmentId, merchantId, trackingNumber: 'LX000000001CN', orderValueMinor: 2000, orderCurrency: 'USD', registeredAt: new Date(AT) }]);
    const refuse = async () => {
      throw new ExecutionError('marketplace refused: code 25007006 Order not found.', false);
    };
    const executor: CompensationExecutor = { issueCoupon: refuse, refund: refuse, reship: refuse };
    const bus = new EmbeddedBus({ logger });
    await bus.connect();
    const policy = await loadPolicyStore(DEFAULT_POLICY_PATH, logger);
    const service = createCompensationService({ logger, db, bus, clock: fixedClock('2026-11-23T09:00:00Z'), policy, executor, executionIntervalMs: 0 });
    await service.start();
    const exception = exceptionOpenedEventSchema.parse(
      createEnvelope({
        id: newId(),
        type: EVENT_TYPES.exceptionOpened,
        source: 'parcelwatch/detector',
        subject: shipmentId,
        merchantid: merchantId,
        time: AT,
        data: { shipmentId, exceptionId: newId(), kind: 'lost', severity: 'high', openedAt: AT, ruleFired: 'lost@v1', status: { milestone: 'exception', reason: 'lost' }, lastCheckpointAt: null, checkpointId: null, facts: {} },
      }),
    );
    // The detector's record of the exception (compensation checks every trigger against it), through its repository.
    await insertExceptions(db, [
      { id: exception.data.exceptionId, shipmentId, merchantId, kind: 'lost', status: 'open', severity: 'high', level: 0, openedAt: AT, escalatedAt: null, details: { ruleFired: 'lost@v1', facts: {} } },
    ]);
    await bus.publish('shipment.exceptions', [exception]);
    for (let i = 0; i < 300 && (await service.approvals.list({ shipmentId })).length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await service.executeDue()).toMatchObject({ failed: 1 });
    const [failed] = await service.approvals.list({ shipmentId });
    expect(failed).toMatchObject({ status: 'failed' });
    failedId = failed!.id;
    await service.stop();
    await bus.disconnect();
    await db.destroy();
    process.env['PGLITE_DATA_DIR'] = dataDir;
    delete process.env['DATABASE_URL'];
  });

  afterAll(() => {
    if (previous === undefined) delete process.env['PGLITE_DATA_DIR'];
    else process.env['PGLITE_DATA_DIR'] = previous;
  });

  it('sends a failed compensation back to execution, audited as the cli, and only a failed one', async () => {
    const out = collector();
    expect(await compensationsRetryCommand(failedId, out)).toBe(0);
    expect(out.text()).toBe(`compensation ${failedId} is approved again: paid on the next execution round (same idempotency key)\n`);
    await expect(compensationsRetryCommand(failedId, collector())).rejects.toThrow(new UsageError(`compensation ${failedId} is approved, not failed: there is nothing to retry`));
    const db = await createDb({ kind: 'pglite', dataDir });
    try {
      const row = await db.selectFrom('compensations').selectAll().where('id', '=', failedId).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'approved', execution_attempts: 0, next_attempt_at: null });
      const audit = await listAudit(db, { merchantIds: null, targetId: failedId });
      expect(audit).toMatchObject([{ action: 'compensation.retried', actor: 'cli', target_type: 'compensation' }]);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a missing or malformed id, and an unknown one', async () => {
    await expect(compensationsRetryCommand(undefined, collector())).rejects.toThrow(UsageError);
    await expect(compensationsRetryCommand('12', collector())).rejects.toThrow(/lowercase UUID/);
    const unknown = newId();
    await expect(compensationsRetryCommand(unknown, collector())).rejects.toThrow(`no compensation ${unknown}`);
  });
});
