import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { appendAudit } from '@parcelwatch/db';
import { fixedClock } from '@parcelwatch/service-kit';
import { registerApprovalRoutes } from '../src/approval/approval.routes.js';
import { createApprovalWorkflow, type ApprovalWorkflow } from '../src/approval/approval.workflow.js';
import { compensationIdFor } from '../src/trigger.handler.js';
import { startOwnPortServer, type OwnPortServer } from '@parcelwatch/access/testing';
import { applyTriggers, defaultPolicy, delayEvent, fixedPolicy, seedShipment } from './support.js';

// A decision and its audit entry commit together or not at all.
describe('approval audit in the decision\'s transaction', () => {
  const policy = fixedPolicy(defaultPolicy());
  const clock = fixedClock('2026-11-23T10:00:00Z');
  let server: OwnPortServer;
  let workflow: ApprovalWorkflow;
  beforeAll(async () => {
    server = await startOwnPortServer((app, deps) => {
      workflow = createApprovalWorkflow({ ...deps, compensationsTopic: 'compensations' });
      registerApprovalRoutes(app, workflow);
    });
  });
  afterAll(async () => server.close());

  async function pending(name: string) {
    const s = await seedShipment(server.db, { name, orderValue: '60.00' });
    await applyTriggers(server.db, policy, clock, [delayEvent(s, 15)]);
    return { ...s, id: compensationIdFor(s.shipmentId, 2) };
  }
  const statusOf = async (id: string) => (await server.db.selectFrom('compensations').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  const auditsOf = async (id: string) => server.db.selectFrom('audit_log').select(['action', 'actor']).where('target_id', '=', id).execute();

  it('writes the approval and its audit entry together', async () => {
    const c = await pending('audit-ok');
    const key = await server.key('approver', [c.merchantId]);
    const response = await server.call('POST', `/compensations/${c.id}/approve`, key, { evidence: ['proof:1'] });
    expect(response.status).toBe(200);
    expect(await statusOf(c.id)).toBe('approved');
    expect(await auditsOf(c.id)).toEqual([{ action: 'compensation.approved', actor: expect.stringMatching(/^key:/) }]);
  });

  it('keeps the compensation pending when its audit entry cannot be written', async () => {
    const c = await pending('audit-fails');
    const key = await server.key('approver', [c.merchantId]);
    const outbox = () => server.db.selectFrom('outbox').select('id').where('message_key', '=', c.shipmentId).execute();
    const before = await outbox();
    await sql`ALTER TABLE audit_log RENAME TO audit_log_away`.execute(server.db);
    try {
      const response = await server.call('POST', `/compensations/${c.id}/reject`, key, { reason: 'duplicate claim' });
      expect(response.status).toBe(500);
    } finally {
      await sql`ALTER TABLE audit_log_away RENAME TO audit_log`.execute(server.db);
    }
    expect(await statusOf(c.id)).toBe('pending');
    expect(await outbox()).toEqual(before);
  });

  it('drops the audit entry when the decision fails after it', async () => {
    const c = await pending('decision-fails');
    await expect(
      workflow.approve(c.id, { id: 'user-1', role: 'supervisor' }, ['proof:1'], async (trx, row) => {
        await appendAudit(trx, { at: new Date(), actor: 'user-1', action: 'compensation.approved', targetType: 'compensation', targetId: row.id, merchantId: row.merchant_id, details: {} });
        throw new Error('failure after the change');
      }),
    ).rejects.toThrow('failure after the change');
    expect(await statusOf(c.id)).toBe('pending');
    expect(await auditsOf(c.id)).toEqual([]);
  });
});
