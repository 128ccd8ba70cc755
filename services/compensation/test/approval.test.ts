/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read loosely in assertions */
import { installAccessLayer } from '@parcelwatch/access';
import { createLogger } from '@parcelwatch/logger';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EVENT_TYPES, parseEvent } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { fixedClock } from '@parcelwatch/service-kit';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { registerApprovalRoutes } from '../src/approval/approval.routes.js';
import { createApprovalWorkflow } from '../src/approval/approval.workflow.js';
import { compensationIdFor } from '../src/trigger.handler.js';
import { applyTriggers, defaultPolicy, delayEvent, fixedPolicy, outboxEvents, seedShipment } from './support.js';

const policy = fixedPolicy(defaultPolicy());

describe('approval workflow over HTTP', () => {
  let db: Kysely<Database>;
  let app: FastifyInstance;
  let base = '';
  const clock = fixedClock('2026-11-23T10:00:00Z');

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    app = Fastify({ logger: false });
    // The routes alone, every caller trusted (access off); without a layer they would answer nobody.
    installAccessLayer(app, { db, clock, logger: createLogger({ name: 'routes-alone', level: 'silent' }), options: { enabled: false }, rateLimits: false });
    registerApprovalRoutes(app, createApprovalWorkflow({ db, clock, compensationsTopic: 'compensations' }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(async () => {
    await app?.close();
    await db?.destroy();
  });

  async function pending(name: string, orderValue: string) {
    const s = await seedShipment(db, { name, orderValue });
    await applyTriggers(db, policy, clock, [delayEvent(s, 15)]);
    return { ...s, id: compensationIdFor(s.shipmentId, 2) };
  }
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const body = (await response.json()) as any;
    return { statusCode: response.status, json: () => body };
  };
  const post = (url: string, payload: unknown) => call('POST', url, payload);
  const get = (url: string) => call('GET', url);

  it('lets a supervisor approve a supervisor-level compensation with evidence, recording who and when', async () => {
    const c = await pending('supervised', '50.00');
    const response = await post(`/compensations/${c.id}/approve`, { actor: { id: 'user-17', role: 'supervisor' }, evidence: ['proof:abc', 'message:42'] });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'approved', approval: 'supervisor', approver: 'user-17', approverRole: 'supervisor', approvedAt: '2026-11-23T10:00:00.000Z', evidence: ['proof:abc', 'message:42'] });
    const approved = (await outboxEvents(db, c.shipmentId)).at(-1);
    expect(approved).toMatchObject({ type: EVENT_TYPES.compensationApproved, data: { approvedBy: { kind: 'user', ref: 'user-17' } } });
    expect(parseEvent('compensations', approved)).toMatchObject({ ok: true });
    // Decided once: a second decision is a conflict.
    const again = await post(`/compensations/${c.id}/reject`, { actor: { id: 'user-18', role: 'manager' }, reason: 'changed my mind' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'not_pending' });
  });

  it('refuses a supervisor on a manager-level compensation with a clear error; a manager may approve it', async () => {
    const c = await pending('managed', '100.01');
    const refused = await post(`/compensations/${c.id}/approve`, { actor: { id: 'user-17', role: 'supervisor' }, evidence: ['proof:abc'] });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: 'forbidden_role', message: `compensation ${c.id} needs manager approval; the supervisor role cannot decide it` });
    expect((await outboxEvents(db, c.shipmentId)).map((e) => e.type)).toEqual([EVENT_TYPES.compensationDecided]);
    const approved = await post(`/compensations/${c.id}/approve`, { actor: { id: 'boss-1', role: 'manager' }, evidence: ['proof:abc'] });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', approverRole: 'manager' });
  });

  it('asks for evidence where the policy requires it, and validates the actor', async () => {
    const c = await pending('evidence', '60.00');
    const missing = await post(`/compensations/${c.id}/approve`, { actor: { id: 'user-17', role: 'supervisor' } });
    expect(missing.statusCode).toBe(422);
    expect(missing.json()).toMatchObject({ error: 'evidence_required' });
    const badRole = await post(`/compensations/${c.id}/approve`, { actor: { id: 'user-17', role: 'intern' }, evidence: ['x'] });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().message).toMatch(/actor\.role/);
    const unknown = await post(`/compensations/${compensationIdFor(c.shipmentId, 3)}/approve`, { actor: { id: 'u', role: 'manager' }, evidence: ['x'] });
    expect(unknown.statusCode).toBe(404);
  });

  it('rejects with a reason and lists the queue', async () => {
    const c = await pending('rejected', '70.00');
    const queue = await get(`/compensations?status=pending&merchantId=${c.merchantId}`);
    expect(queue.json().items.map((i: { id: string }) => i.id)).toEqual([c.id]);
    expect(queue.json().items[0].explanation).toMatch(/^Tier 2 \(major delay or light damage\) because 15 days late/);
    const rejected = await post(`/compensations/${c.id}/reject`, { actor: { id: 'user-9', role: 'supervisor' }, reason: 'evidence_insufficient' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', rejectedReason: 'evidence_insufficient', approver: 'user-9' });
    expect((await outboxEvents(db, c.shipmentId)).at(-1)).toMatchObject({ type: EVENT_TYPES.compensationRejected, data: { reason: 'evidence_insufficient', rejectedBy: { kind: 'user', ref: 'user-9' } } });
    const after = await get(`/compensations?status=pending&merchantId=${c.merchantId}`);
    expect(after.json().items).toEqual([]);
  });
});
