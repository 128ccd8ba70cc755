import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startOwnPortServer, type OwnPortServer } from '@parcelwatch/access/testing';
import { createLogger } from '@parcelwatch/logger';
import { registerApprovalRoutes } from '../src/approval/approval.routes.js';
import { createApprovalWorkflow } from '../src/approval/approval.workflow.js';
import { createExecutionWorker } from '../src/execution/execution.worker.js';
import { ExecutionError, type CompensationExecutor } from '../src/execution/executor.js';
import { compensationIdFor } from '../src/trigger.handler.js';
import { applyTriggers, compensationsOf, defaultPolicy, exceptionEvent, fixedPolicy, seedShipment } from './support.js';

const logger = createLogger({ name: 'failed-retry-test', level: 'silent' });

// POST /compensations/:id/retry behind the access layer: approvers of the merchant only, 409 unless failed, audited.
describe('retrying a failed compensation', () => {
  const policy = fixedPolicy(defaultPolicy());
  let server: OwnPortServer;
  const paid: string[] = [];
  let refusing = true;
  const pay = async (order: Parameters<CompensationExecutor['refund']>[0]) => {
    if (refusing) throw new ExecutionError('marketplace refused: code 25007006 Order not found.', false);
    paid.push(order.executionKey);
    return { externalRef: `ref-${paid.length}` };
  };
  const executor: CompensationExecutor = { issueCoupon: pay, refund: pay, reship: pay };

  beforeAll(async () => {
    server = await startOwnPortServer((app, deps) => registerApprovalRoutes(app, createApprovalWorkflow({ ...deps, compensationsTopic: 'compensations' })));
  });
  afterAll(async () => server.close());

  const worker = () => createExecutionWorker({ db: server.db, clock: server.clock, logger, executor, compensationsTopic: 'compensations' });
  const rowOf = (id: string) => server.db.selectFrom('compensations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('lets an approver of the merchant retry a failed payout once, audited, and pays it with the same key', async () => {
    const s = await seedShipment(server.db, { name: 'retry-route', orderValue: '20.00' });
    await applyTriggers(server.db, policy, server.clock, [exceptionEvent(s, 'lost')]);
    const [decided] = await compensationsOf(server.db, s.shipmentId);
    const id = decided!.id;
    expect(await worker().runOnce()).toMatchObject({ failed: 1 });
    expect(await rowOf(id)).toMatchObject({ status: 'failed', last_error_class: 'refused' });

    const approver = await server.key('approver', [s.merchantId]);
    const viewer = await server.key('viewer', [s.merchantId]);
    const foreign = await server.key('approver', [await server.merchant()]);
    expect((await server.call('POST', `/compensations/${id}/retry`, viewer)).status).toBe(403);
    expect((await server.call('POST', `/compensations/${id}/retry`, foreign)).status).toBe(404);
    expect((await server.call('POST', `/compensations/${id}/retry`, null)).status).toBe(401);
    expect(await rowOf(id)).toMatchObject({ status: 'failed' });

    const retried = await server.call('POST', `/compensations/${id}/retry`, approver);
    expect(retried).toMatchObject({ status: 200, body: { id, status: 'approved', execution: { attempts: 0, nextAttemptAt: null, lastErrorClass: 'refused' } } });
    // Approved again: nothing to retry until it fails again.
    expect(await server.call('POST', `/compensations/${id}/retry`, approver)).toMatchObject({ status: 409, body: { error: 'not_failed' } });
    const audit = await server.db.selectFrom('audit_log').select(['action', 'actor', 'merchant_id', 'details']).where('target_id', '=', id).execute();
    expect(audit).toEqual([{ action: 'compensation.retried', actor: expect.stringMatching(/^key:/), merchant_id: s.merchantId, details: expect.objectContaining({ errorClass: 'refused', attempts: 1 }) }]);

    refusing = false;
    expect(await worker().runOnce()).toMatchObject({ executed: 1 });
    expect(paid).toEqual([(await rowOf(id)).execution_key]);
    expect(await server.call('POST', `/compensations/${id}/retry`, approver)).toMatchObject({ status: 409 });
  });

  it('answers 404 for an unknown compensation and 400 for a malformed id', async () => {
    const merchant = await server.merchant();
    const approver = await server.key('approver', [merchant]);
    expect((await server.call('POST', `/compensations/${compensationIdFor('00000000-0000-4000-8000-000000000000', 1)}/retry`, approver)).status).toBe(404);
    expect((await server.call('POST', '/compensations/not-a-uuid/retry', approver)).status).toBe(400);
  });
});
