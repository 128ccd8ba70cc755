import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTikTokShopMarketplace } from '@parcelwatch/marketplace';
import { EVENT_TYPES, parseEvent, toDecimalString } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { createApprovalWorkflow } from '../src/approval/approval.workflow.js';
import { createExecutionWorker } from '../src/execution/execution.worker.js';
import { ExecutionError, type CompensationExecutor } from '../src/execution/executor.js';
import { createTikTokMarketplaceExecutor } from '../src/execution/tiktok-marketplace.executor.js';
import { startMarketplacePeer, type MarketplacePeer, type PeerCredentials } from './marketplace-peer.js';
import { applyTriggers, compensationsOf, defaultPolicy, delayEvent, exceptionEvent, fixedPolicy, outboxEvents, seedShipment } from './support.js';

const logger = createLogger({ name: 'execution-test', level: 'silent' });
const credentials: PeerCredentials = { appKey: 'app-29a39d', appSecret: 'secret-e59af819cc', accessToken: 'token-1', shopCipher: 'ROW_shop_1' };
const policy = fixedPolicy(defaultPolicy());

describe('executing approved compensations against a TikTok Shop style marketplace', () => {
  let db: Kysely<Database>;
  let peer: MarketplacePeer;
  const clock = fixedClock('2026-11-23T09:00:00Z');
  const nowSeconds = () => clock.now().toSeconds();
  let scenario = 0;

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });
  beforeEach(async () => {
    scenario += 1;
    peer = await startMarketplacePeer(credentials, { nowSeconds });
    // Earlier scenarios' compensations are done or failed; only this scenario's are due.
  });
  afterEach(async () => {
    await peer.close();
  });

  const marketplace = (overrides: Partial<PeerCredentials> & { timeoutMs?: number } = {}) =>
    createTikTokMarketplaceExecutor(createTikTokShopMarketplace({ baseUrl: peer.url, ...credentials, ...overrides, shopCipher: () => overrides.shopCipher ?? credentials.shopCipher, nowSeconds }));
  const worker = (executor: CompensationExecutor) => createExecutionWorker({ db, clock, logger, executor, compensationsTopic: 'compensations' });
  const name = (label: string) => `${label}-${scenario}`;

  it('pays each kind (coupon, partial refund, full refund with gift, reship) once, with the stored amounts', async () => {
    const coupon = await seedShipment(db, { name: name('coupon'), orderValue: '25.00' });
    const partial = await seedShipment(db, { name: name('partial'), orderValue: '29.99' });
    const full = await seedShipment(db, { name: name('full'), orderValue: '20.00', currency: 'EUR' });
    const reship = await seedShipment(db, { name: name('reship'), orderValue: '25.00', spentBefore: '775.00' });
    const supervised = await seedShipment(db, { name: name('supervised'), orderValue: '45.00' });
    await applyTriggers(db, policy, clock, [delayEvent(coupon, 4), delayEvent(partial, 20), exceptionEvent(full, 'lost'), delayEvent(reship, 15), delayEvent(supervised, 4)]);

    const round = await worker(marketplace()).runOnce();
    expect(round).toEqual({ executed: 4, cancelled: 0, failed: 0, retryLater: 0 });
    expect(await worker(marketplace()).runOnce()).toEqual({ executed: 0, cancelled: 0, failed: 0, retryLater: 0 });

    const paid = new Map(peer.payouts.map((p) => [p.orderId, p]));
    expect(peer.payouts).toHaveLength(4);
    for (const s of [coupon, partial, full, reship]) {
      const [row] = await compensationsOf(db, s.shipmentId);
      expect(row).toMatchObject({ status: 'executed', executed_at: clock.now().toJSDate() });
      const payout = paid.get(s.orderId);
      expect(payout?.key).toBe(row!.execution_key);
      expect(row!.external_ref).toBe(payout?.ref);
      if (row!.action === 'reship') expect(payout).toMatchObject({ kind: 'reship', amount: null });
      else expect(payout).toMatchObject({ amount: toDecimalString({ amountMinor: row!.amount_minor, currency: 'USD' }), currency: row!.currency.trim() });
      const executed = (await outboxEvents(db, s.shipmentId)).filter((e) => e.type === EVENT_TYPES.compensationExecuted);
      expect(executed).toHaveLength(1);
      expect(parseEvent('compensations', executed[0])).toMatchObject({ ok: true });
      expect(executed[0]!.data['executionRef']).toBe(payout?.ref);
    }
    expect(paid.get(coupon.orderId)).toMatchObject({ kind: 'coupon', amount: '5.00', currency: 'USD' });
    expect(paid.get(partial.orderId)).toMatchObject({ kind: 'refund', amount: '9.00' });
    expect(paid.get(full.orderId)).toMatchObject({ kind: 'refund', amount: '20.00', currency: 'EUR' });
    // Waiting for a supervisor: not paid.
    expect((await compensationsOf(db, supervised.shipmentId))[0]).toMatchObject({ status: 'pending' });
    expect(paid.has(supervised.orderId)).toBe(false);
  });

  it('a timeout after the marketplace paid is retried with the same key and pays once', async () => {
    const s = await seedShipment(db, { name: name('timeout'), orderValue: '20.00' });
    await applyTriggers(db, policy, clock, [exceptionEvent(s, 'lost')]);
    peer.stallFirstAnswer(1, 600);
    expect(await worker(marketplace({ timeoutMs: 100 })).runOnce()).toMatchObject({ executed: 0, retryLater: 1 });
    const [waiting] = await compensationsOf(db, s.shipmentId);
    expect(waiting).toMatchObject({ status: 'approved' });
    expect(waiting!.error).toMatch(/unreachable/);
    // Backed off: due again within the first delay (30 s, with jitter).
    clock.advance({ seconds: 30 });
    expect(await worker(marketplace()).runOnce()).toMatchObject({ executed: 1 });
    expect(peer.payouts).toHaveLength(1);
    expect(peer.requests.map((r) => r.outcome)).toEqual(['paid', 'repeated']);
    expect((await compensationsOf(db, s.shipmentId))[0]).toMatchObject({ status: 'executed', external_ref: peer.payouts[0]!.ref, execution_attempts: 2 });
  });

  it('a crash between the marketplace call and the commit is retried after the lease and pays once', async () => {
    const s = await seedShipment(db, { name: name('crash'), orderValue: '20.00' });
    await applyTriggers(db, policy, clock, [exceptionEvent(s, 'lost')]);
    const real = marketplace();
    // The process "dies" right after the marketplace answered: nothing after the call runs.
    const dying: CompensationExecutor = {
      issueCoupon: real.issueCoupon,
      reship: real.reship,
      refund: async (order) => {
        await real.refund(order);
        throw new Error('process died before the commit');
      },
    };
    expect(await worker(dying).runOnce()).toMatchObject({ executed: 0, retryLater: 1 });
    expect((await compensationsOf(db, s.shipmentId))[0]).toMatchObject({ status: 'executing' });
    // Within the lease nobody takes it again.
    expect(await worker(real).runOnce()).toMatchObject({ executed: 0 });
    clock.advance({ minutes: 6 });
    expect(await worker(real).runOnce()).toMatchObject({ executed: 1 });
    expect(peer.payouts).toHaveLength(1);
    expect(peer.requests.map((r) => r.outcome)).toEqual(['paid', 'repeated']);
    expect((await outboxEvents(db, s.shipmentId)).filter((e) => e.type === EVENT_TYPES.compensationExecuted)).toHaveLength(1);
  });

  it('a request the marketplace refuses (bad signature) fails without paying', async () => {
    const s = await seedShipment(db, { name: name('bad-sign'), orderValue: '20.00' });
    await applyTriggers(db, policy, clock, [exceptionEvent(s, 'lost')]);
    expect(await worker(marketplace({ appSecret: 'not-the-secret' })).runOnce()).toMatchObject({ failed: 1 });
    expect(peer.payouts).toHaveLength(0);
    expect(peer.requests.map((r) => r.outcome)).toEqual(['refused 106001']);
    expect((await compensationsOf(db, s.shipmentId))[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/code 106001 invalid sign/) });
  });

  it('backs off a retriable failure, claims it only when due, and pays it once the marketplace is back', async () => {
    const s = await seedShipment(db, { name: name('backoff'), orderValue: '20.00' });
    await applyTriggers(db, policy, clock, [exceptionEvent(s, 'lost')]);
    const real = marketplace();
    let down = true;
    const outage = async () => {
      throw new ExecutionError('marketplace /return_refund/202309/returns answered HTTP 503', true);
    };
    const flaky: CompensationExecutor = { issueCoupon: real.issueCoupon, reship: real.reship, refund: (order) => (down ? outage() : real.refund(order)) };
    const w = createExecutionWorker({ db, clock, logger, executor: flaky, compensationsTopic: 'compensations', retry: { baseMs: 60_000, maxDelayMs: 600_000 }, random: () => 0.5 });
    expect(await w.runOnce()).toMatchObject({ retryLater: 1 });
    const [waiting] = await compensationsOf(db, s.shipmentId);
    // Half the delay fixed, half jitter: 30 s + 0.5 * 30 s.
    expect(waiting).toMatchObject({ status: 'approved', last_error_class: 'retriable', execution_attempts: 1, first_failed_at: clock.now().toJSDate() });
    expect(waiting!.next_attempt_at).toEqual(clock.now().plus({ seconds: 45 }).toJSDate());
    // Not due yet: nobody takes it.
    clock.advance({ seconds: 44 });
    expect(await w.runOnce()).toEqual({ executed: 0, cancelled: 0, failed: 0, retryLater: 0 });
    clock.advance({ seconds: 1 });
    expect(await w.runOnce()).toMatchObject({ retryLater: 1 });
    // The second delay doubles (60 s + jitter 30 s).
    expect((await compensationsOf(db, s.shipmentId))[0]!.next_attempt_at).toEqual(clock.now().plus({ seconds: 90 }).toJSDate());
    down = false;
    clock.advance({ seconds: 90 });
    expect(await w.runOnce()).toMatchObject({ executed: 1 });
    expect(peer.payouts).toHaveLength(1);
    expect((await compensationsOf(db, s.shipmentId))[0]).toMatchObject({ status: 'executed', execution_attempts: 3 });
  });

  it('survives a marketplace outage of a day, retrying at most every capped delay, and pays once', async () => {
    const s = await seedShipment(db, { name: name('day-outage'), orderValue: '20.00' });
    await applyTriggers(db, policy, clock, [exceptionEvent(s, 'lost')]);
    const real = marketplace();
    const started = clock.now();
    let calls = 0;
    const dayDown: CompensationExecutor = {
      issueCoupon: real.issueCoupon,
      reship: real.reship,
      refund: (order) => {
        calls += 1;
        if (clock.now() < started.plus({ hours: 24 })) return Promise.reject(new ExecutionError('marketplace unreachable: connect ECONNREFUSED', true));
        return real.refund(order);
      },
    };
    // The service's defaults (30 s doubling to 30 min, 3 days), a round every minute of clock time for 25 h.
    const w = createExecutionWorker({ db, clock, logger, executor: dayDown, compensationsTopic: 'compensations' });
    let executed = 0;
    for (let t = 0; t < 25 * 60; t += 1) {
      executed += (await w.runOnce()).executed;
      clock.advance({ minutes: 1 });
    }
    expect(executed).toBe(1);
    expect(peer.payouts).toHaveLength(1);
    // Backoff, not every round: about 8 attempts to reach the cap, then one per 15-30 min.
    expect(calls).toBeGreaterThan(24 * 2);
    expect(calls).toBeLessThan(24 * 4 + 12);
    expect((await compensationsOf(db, s.shipmentId))[0]).toMatchObject({ status: 'executed', execution_attempts: calls });
  }, 60_000);

  it('gives up after the retry horizon, and an approver retry pays it once with the same key', async () => {
    const s = await seedShipment(db, { name: name('horizon'), orderValue: '20.00' });
    await applyTriggers(db, policy, clock, [exceptionEvent(s, 'lost')]);
    const down = async () => {
      throw new ExecutionError('marketplace /return_refund/202309/returns answered HTTP 503', true);
    };
    const flaky = createExecutionWorker({ db, clock, logger, executor: { issueCoupon: down, refund: down, reship: down }, compensationsTopic: 'compensations', retry: { baseMs: 60_000, maxDelayMs: 60_000, horizonMs: 3_600_000 } });
    const rounds = [];
    for (let i = 0; i < 200; i += 1) {
      rounds.push(await flaky.runOnce());
      clock.advance({ minutes: 1 });
    }
    expect(rounds.reduce((n, r) => n + r.failed, 0)).toBe(1);
    const attempts = rounds.reduce((n, r) => n + r.retryLater + r.failed, 0);
    const [failed] = await compensationsOf(db, s.shipmentId);
    expect(failed).toMatchObject({ status: 'failed', last_error_class: 'gave_up', error: `gave up after ${attempts} attempts; last error: marketplace /return_refund/202309/returns answered HTTP 503` });
    // One attempt a minute for the hour, then failed for good: no more claims.
    expect(attempts).toBeGreaterThanOrEqual(60);
    expect(attempts).toBeLessThanOrEqual(62);

    const approvals = createApprovalWorkflow({ db, clock, compensationsTopic: 'compensations' });
    await approvals.retryFailed({ compensationId: failed!.id, actor: 'key:approver-1', merchantIds: [failed!.merchant_id] });
    await expect(approvals.retryFailed({ compensationId: failed!.id, actor: 'key:approver-1', merchantIds: null })).rejects.toMatchObject({ code: 'not_failed' });
    expect(await worker(marketplace()).runOnce()).toMatchObject({ executed: 1 });
    expect(peer.payouts).toHaveLength(1);
    expect(peer.payouts[0]!.key).toBe(failed!.execution_key);
    const audit = await db.selectFrom('audit_log').selectAll().where('target_id', '=', failed!.id).execute();
    expect(audit).toMatchObject([{ action: 'compensation.retried', actor: 'key:approver-1', merchant_id: failed!.merchant_id, details: { errorClass: 'gave_up', attempts } }]);
  });

  it('fails a refusal at once, without retrying', async () => {
    const s = await seedShipment(db, { name: name('refused'), orderValue: '20.00' });
    await applyTriggers(db, policy, clock, [exceptionEvent(s, 'lost')]);
    let calls = 0;
    const refuse = async () => {
      calls += 1;
      throw new ExecutionError('marketplace refused: code 25001001 refund_total exceeds the refundable amount', false);
    };
    const w = createExecutionWorker({ db, clock, logger, executor: { issueCoupon: refuse, refund: refuse, reship: refuse }, compensationsTopic: 'compensations' });
    expect(await w.runOnce()).toMatchObject({ failed: 1, retryLater: 0 });
    clock.advance({ days: 1 });
    expect(await w.runOnce()).toEqual({ executed: 0, cancelled: 0, failed: 0, retryLater: 0 });
    expect(calls).toBe(1);
    expect((await compensationsOf(db, s.shipmentId))[0]).toMatchObject({ status: 'failed', last_error_class: 'refused', next_attempt_at: null });
  });

  it('cancels instead of paying when the "lost" parcel was delivered before execution', async () => {
    const s = await seedShipment(db, { name: name('delivered'), orderValue: '20.00' });
    await applyTriggers(db, policy, clock, [exceptionEvent(s, 'lost')]);
    await db.updateTable('shipments').set({ status: 'delivered' }).where('id', '=', s.shipmentId).execute();
    expect(await worker(marketplace()).runOnce()).toMatchObject({ cancelled: 1, executed: 0 });
    expect(peer.payouts).toHaveLength(0);
    expect((await compensationsOf(db, s.shipmentId))[0]).toMatchObject({ status: 'cancelled', cancelled_reason: 'delivered_before_execution' });
    expect((await outboxEvents(db, s.shipmentId)).at(-1)).toMatchObject({ type: EVENT_TYPES.compensationRejected, data: { reason: 'delivered_before_execution' } });
  });
});
