import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createIdempotentHandler } from '@parcelwatch/bus';
import { EVENT_TYPES, parseEvent } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createMetricsRegistry, fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { registerCompensationMetrics } from '../src/compensation.metrics.js';
import { createTriggerApplier, type TriggerEvent } from '../src/trigger.handler.js';
import type { CompensationPolicy } from '@parcelwatch/policy';
import {
  compensationsOf,
  defaultPolicy,
  delayEvent,
  deliveredEvent,
  exceptionEvent,
  fixedPolicy,
  outboxEvents,
  received,
  recordDetectorFacts,
  seedShipment,
  uuid,
} from './support.js';

const logger = createLogger({ name: 'compensation-test', level: 'silent' });
const TOPIC = 'compensations';
const BUDGET_MERCHANT = uuid('merchant', 'budget');

describe('compensation decisions (frozen time, PGlite)', () => {
  let db: Kysely<Database>;
  const clock = fixedClock('2026-11-23T09:00:00Z');
  // The shipped policy, with a small cap for one merchant so the budget scenario stays short.
  let policy: CompensationPolicy = defaultPolicy((raw) => {
    raw['budget']['merchants'] = { [BUDGET_MERCHANT]: '20.00' };
  });

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  /** Delivers events to the compensation consumer's handler, as the bus would, after the detector recorded their facts. */
  async function deliver(...events: TriggerEvent[]): Promise<void> {
    await recordDetectorFacts(db, events);
    await deliverUnrecorded(...events);
  }

  /** Delivers events nobody recorded: what someone writing to the broker directly can do. */
  async function deliverUnrecorded(...events: TriggerEvent[]): Promise<void> {
    const handler = createIdempotentHandler<TriggerEvent>({
      db,
      groupId: 'compensation',
      apply: createTriggerApplier({ policy: fixedPolicy(policy), compensationsTopic: TOPIC, now: () => clock.now() }),
    });
    await handler(received(events), { groupId: 'compensation', topic: 'shipment.delays', partition: 0, logger, heartbeat: async () => undefined, isRunning: () => true });
  }

  it.each([
    // [order value, days late, tier, action, amount, approval level, status]
    ['29.99', 2, null, null, null, null, null],
    ['29.99', 3, 1, 'coupon', 500, 'auto', 'approved'],
    ['29.99', 13, 1, 'coupon', 500, 'auto', 'approved'],
    ['29.99', 14, 2, 'partial_refund', 900, 'auto', 'approved'],
    ['30.00', 14, 2, 'partial_refund', 900, 'supervisor', 'pending'],
    ['50.00', 14, 2, 'partial_refund', 1500, 'supervisor', 'pending'],
    ['100.00', 14, 2, 'partial_refund', 3000, 'supervisor', 'pending'],
    ['100.01', 14, 2, 'partial_refund', 3000, 'manager', 'pending'],
  ] as const)('order %s USD, %i days late: tier %s %s %s minor units, %s approval', async (value, days, tier, action, amount, level, status) => {
    const s = await seedShipment(db, { name: `boundary-${value}-${days}`, orderValue: value });
    await deliver(delayEvent(s, days));
    const rows = await compensationsOf(db, s.shipmentId);
    if (tier === null) {
      expect(rows).toHaveLength(0);
      return;
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tier, action, amount_minor: amount, currency: 'USD', approval_level: level, status, policy_version: '2026-12-07.1' });
    expect(rows[0]!.evidence_required).toBe(level !== 'auto');
    expect(rows[0]!.channel).toBe(level === 'auto' ? 'fast' : 'standard');
    expect(rows[0]!.rule_fired).toContain(`tier${tier}.delay`);
    expect(rows[0]!.explanation).toContain(`Policy 2026-12-07.1`);
    const events = await outboxEvents(db, s.shipmentId);
    expect(events.map((e) => e.type)).toEqual(
      level === 'auto' ? [EVENT_TYPES.compensationDecided, EVENT_TYPES.compensationApproved] : [EVENT_TYPES.compensationDecided],
    );
    for (const event of events) expect(parseEvent('compensations', event)).toMatchObject({ ok: true });
    expect(events[0]!.data).toMatchObject({ approval: level === 'auto' ? 'automatic' : level, action: tier === 1 ? 'store_coupon' : 'partial_refund' });
  });

  it('converts a EUR order to USD for the thresholds and pays in EUR', async () => {
    // 27.59 EUR / 0.92 = 29.99 USD: fast channel. 27.60 EUR = 30.00 USD: a supervisor.
    const below = await seedShipment(db, { name: 'eur-below', orderValue: '27.59', currency: 'EUR' });
    const at = await seedShipment(db, { name: 'eur-at', orderValue: '27.60', currency: 'EUR' });
    await deliver(delayEvent(below, 4), delayEvent(at, 4));
    const [fast] = await compensationsOf(db, below.shipmentId);
    const [supervised] = await compensationsOf(db, at.shipmentId);
    // The 5 USD coupon is issued in the order's currency: 4.60 EUR.
    expect(fast).toMatchObject({ approval_level: 'auto', amount_minor: 460, currency: 'EUR', base_amount_minor: 500, base_currency: 'USD' });
    expect(supervised).toMatchObject({ approval_level: 'supervisor', amount_minor: 460, currency: 'EUR' });
    expect(supervised!.explanation).toContain('€27.60 ($30.00)');
  });

  it('gives buyers with 500+ USD lifetime spend (this order included) the green channel: reship first', async () => {
    const green = await seedShipment(db, { name: 'green', orderValue: '80.00', spentBefore: '420.00' });
    const regular = await seedShipment(db, { name: 'not-green', orderValue: '80.00', spentBefore: '419.99' });
    await deliver(delayEvent(green, 15), delayEvent(regular, 15), exceptionEvent(green, 'lost'));
    const greenRows = await compensationsOf(db, green.shipmentId);
    expect(greenRows.map((r) => [r.tier, r.action, r.channel, r.approval_level])).toEqual([
      [2, 'reship', 'green', 'supervisor'],
      [3, 'priority_reship', 'green', 'supervisor'],
    ]);
    expect(greenRows[1]!.add_ons).toEqual(['gift']);
    expect(greenRows[1]!.supersedes_id).toBe(greenRows[0]!.id);
    const [regularRow] = await compensationsOf(db, regular.shipmentId);
    expect(regularRow).toMatchObject({ action: 'partial_refund', channel: 'standard', amount_minor: 2400 });
  });

  it('sums spend paid in several currencies with the policy rates; a currency without a rate counts for nothing', async () => {
    const merchantId = uuid('merchant', 'multi-currency');
    // 276.00 EUR is 300.00 USD at 0.92; with a 200.00 USD order the buyer has spent 500.00 USD.
    await seedShipment(db, { name: 'multi-eur', buyer: 'multi', merchantId, orderValue: '276.00', currency: 'EUR' });
    const usd = await seedShipment(db, { name: 'multi-usd', buyer: 'multi', merchantId, orderValue: '200.00' });
    // The shipped policy has no CHF rate: a 1,000 CHF order does not make its buyer a VIP.
    await seedShipment(db, { name: 'chf-1', buyer: 'chf', merchantId, orderValue: '1000.00', currency: 'CHF' });
    const chf = await seedShipment(db, { name: 'chf-2', buyer: 'chf', merchantId, orderValue: '80.00' });
    await deliver(delayEvent(usd, 15), delayEvent(chf, 15));
    const [green] = await compensationsOf(db, usd.shipmentId);
    expect(green).toMatchObject({ tier: 2, action: 'reship', channel: 'green' });
    expect(green!.explanation).toContain("the buyer's lifetime spend $500.00 reaches $500.00");
    expect((await compensationsOf(db, chf.shipmentId))[0]).toMatchObject({ tier: 2, action: 'partial_refund', channel: 'standard' });
  });

  it('sends a decision over the merchant daily budget to a manager, and frees the budget the next day', async () => {
    const first = await seedShipment(db, { name: 'budget-1', orderValue: '15.00', merchantId: BUDGET_MERCHANT });
    const second = await seedShipment(db, { name: 'budget-2', orderValue: '10.00', merchantId: BUDGET_MERCHANT });
    const third = await seedShipment(db, { name: 'budget-3', orderValue: '10.00', merchantId: BUDGET_MERCHANT });
    await deliver(exceptionEvent(first, 'lost'), exceptionEvent(second, 'lost'));
    expect((await compensationsOf(db, first.shipmentId))[0]).toMatchObject({ approval_level: 'auto', status: 'approved', amount_minor: 1500 });
    const [over] = await compensationsOf(db, second.shipmentId);
    expect(over).toMatchObject({ approval_level: 'manager', status: 'pending', amount_minor: 1000 });
    expect(over!.rule_fired).toContain('budget.daily_cap');
    expect(over!.explanation).toContain('daily budget of $20.00 would be exceeded');
    clock.advance({ days: 1 });
    try {
      await deliver(exceptionEvent(third, 'lost'));
    } finally {
      clock.set('2026-11-23T09:00:00Z');
    }
    expect((await compensationsOf(db, third.shipmentId))[0]).toMatchObject({ approval_level: 'auto', status: 'approved' });
  });

  it('pays a higher tier only the difference, once per tier, and nothing for a repeated tier', async () => {
    const s = await seedShipment(db, { name: 'difference', orderValue: '60.00' });
    await deliver(delayEvent(s, 3));
    await deliver(delayEvent(s, 4), delayEvent(s, 5));
    await deliver(delayEvent(s, 3));
    const beforeTier2 = await outboxEvents(db, s.shipmentId);
    expect(beforeTier2.map((e) => e.type)).toEqual([EVENT_TYPES.compensationDecided]);
    await deliver(delayEvent(s, 15), delayEvent(s, 16));
    const rows = await compensationsOf(db, s.shipmentId);
    expect(rows.map((r) => [r.tier, r.action, r.amount_minor])).toEqual([
      [1, 'coupon', 500],
      // 30 % of 60.00 = 18.00, minus the 5.00 coupon.
      [2, 'partial_refund', 1300],
    ]);
    expect(rows[1]!.supersedes_id).toBe(rows[0]!.id);
    expect(rows[1]!.explanation).toContain('minus $5.00 already granted by a lower tier: $13.00');
    // Tier 3 (lost) refunds the rest of the order: 60.00 - 5.00 - 13.00.
    await deliver(exceptionEvent(s, 'lost'));
    expect((await compensationsOf(db, s.shipmentId))[2]).toMatchObject({ tier: 3, action: 'full_refund', amount_minor: 4200, supersedes_id: rows[1]!.id });
    expect((await outboxEvents(db, s.shipmentId)).filter((e) => e.type === EVENT_TYPES.compensationDecided)).toHaveLength(3);
  });

  it('records a higher tier worth no more than what was granted as rejected: already compensated', async () => {
    const s = await seedShipment(db, { name: 'nothing-due', orderValue: '10.00' });
    await deliver(delayEvent(s, 3), delayEvent(s, 14));
    const rows = await compensationsOf(db, s.shipmentId);
    // 30 % of 10.00 = 3.00 < the 5.00 coupon.
    expect(rows[1]).toMatchObject({ tier: 2, status: 'rejected', rejected_reason: 'already_compensated', amount_minor: 0, base_amount_minor: 0 });
    const events = await outboxEvents(db, s.shipmentId);
    expect(events.at(-1)).toMatchObject({ type: EVENT_TYPES.compensationRejected, data: { reason: 'already_compensated', rejectedBy: { kind: 'system' } } });
  });

  it('maps exceptions to tiers: light damage tier 2, lost tier 3 with a gift, returning only by carrier fault', async () => {
    const damaged = await seedShipment(db, { name: 'damaged', orderValue: '20.00' });
    const refused = await seedShipment(db, { name: 'returning-refused', orderValue: '20.00' });
    const carrierFault = await seedShipment(db, { name: 'returning-fault', orderValue: '20.00' });
    const stalled = await seedShipment(db, { name: 'stalled', orderValue: '20.00' });
    await deliver(
      exceptionEvent(damaged, 'damaged'),
      exceptionEvent(refused, 'returning', { cause: 'refused', carrierFault: false, causeCode: '17track:Exception_Rejected' }),
      exceptionEvent(carrierFault, 'returning', { cause: 'misrouted', carrierFault: true, causeCode: 'usps:08' }),
      exceptionEvent(stalled, 'stalled', { daysWithoutScan: 6, thresholdDays: 5 }),
    );
    expect((await compensationsOf(db, damaged.shipmentId)).map((r) => [r.tier, r.action, r.amount_minor, r.trigger_kind])).toEqual([[2, 'partial_refund', 600, 'damaged']]);
    expect(await compensationsOf(db, refused.shipmentId)).toHaveLength(0);
    expect(await compensationsOf(db, stalled.shipmentId)).toHaveLength(0);
    expect((await compensationsOf(db, carrierFault.shipmentId))[0]).toMatchObject({ tier: 3, action: 'full_refund', amount_minor: 2000, trigger_kind: 'returning', cancel_on_delivery: true });
    // The decision tells the notifier what it makes up for, so the apology names the cause.
    expect((await outboxEvents(db, carrierFault.shipmentId))[0]).toMatchObject({ type: EVENT_TYPES.compensationDecided, data: { tier: 3, cause: 'returning' } });
    expect((await outboxEvents(db, damaged.shipmentId))[0]).toMatchObject({ data: { tier: 2, cause: 'damaged' } });
  });

  it('cancels a lost-parcel refund that is delivered before execution; a delay coupon stands', async () => {
    const s = await seedShipment(db, { name: 'delivered-before', orderValue: '20.00' });
    await deliver(delayEvent(s, 6), exceptionEvent(s, 'lost'));
    expect((await compensationsOf(db, s.shipmentId)).map((r) => r.status)).toEqual(['approved', 'approved']);
    await deliver(deliveredEvent(s));
    const rows = await compensationsOf(db, s.shipmentId);
    expect(rows.map((r) => [r.tier, r.status, r.cancelled_reason])).toEqual([
      [1, 'approved', null],
      [3, 'cancelled', 'delivered_before_execution'],
    ]);
    expect((await outboxEvents(db, s.shipmentId)).at(-1)).toMatchObject({ type: EVENT_TYPES.compensationRejected, data: { tier: 3, reason: 'delivered_before_execution' } });
    // A lost report for a parcel already delivered decides nothing.
    const late = await seedShipment(db, { name: 'lost-after-delivery', orderValue: '20.00', status: 'delivered' });
    await deliver(exceptionEvent(late, 'lost'));
    expect(await compensationsOf(db, late.shipmentId)).toHaveLength(0);
  });

  it('without an order value, refunds become a reship that a manager approves', async () => {
    const s = await seedShipment(db, { name: 'no-value', orderValue: null });
    await deliver(delayEvent(s, 20));
    expect((await compensationsOf(db, s.shipmentId))[0]).toMatchObject({ tier: 2, action: 'reship', approval_level: 'manager', status: 'pending' });
  });

  it('records the version of the policy in force at decision time', async () => {
    const s = await seedShipment(db, { name: 'policy-version', orderValue: '20.00' });
    const before = policy;
    policy = defaultPolicy((raw) => {
      raw['version'] = '2026-11-24.1';
      raw['tiers']['tier1']['couponAmount'] = '7.00';
    });
    try {
      await deliver(delayEvent(s, 3));
    } finally {
      policy = before;
    }
    expect((await compensationsOf(db, s.shipmentId))[0]).toMatchObject({ policy_version: '2026-11-24.1', amount_minor: 700 });
  });

  describe('checks each trigger against the database, not only the event', () => {
    const refusals = async (shipmentId: string) =>
      db.selectFrom('compensation_refusals').select(['reason', 'trigger_event_id']).where('shipment_id', '=', shipmentId).orderBy('trigger_event_id').execute();

    it('refuses a delay the detector never recorded, on record with its reason, once however often it arrives', async () => {
      const s = await seedShipment(db, { name: 'forged-delay', orderValue: '25.00' });
      const forged = delayEvent(s, 20);
      await deliverUnrecorded(forged);
      await deliverUnrecorded({ ...forged, id: uuid('replayed', forged.id) });
      await deliverUnrecorded(forged);
      expect(await compensationsOf(db, s.shipmentId)).toEqual([]);
      expect((await refusals(s.shipmentId)).map((r) => r.reason)).toEqual(['not_late_on_record', 'not_late_on_record']);
      const registry = createMetricsRegistry({ service: 'compensation', defaultMetrics: false });
      registerCompensationMetrics(registry, db);
      expect(await registry.metrics()).toMatch(/parcelwatch_compensation_refused_triggers\{[^}]*reason="not_late_on_record"[^}]*\} [1-9]/);
    });

    it('decides the tier from the days late on record when the event claims more', async () => {
      const s = await seedShipment(db, { name: 'inflated-delay', orderValue: '25.00' });
      await deliver(delayEvent(s, 4));
      await deliverUnrecorded(delayEvent(s, 30));
      expect((await compensationsOf(db, s.shipmentId)).map((c) => [c.tier, c.action, c.amount_minor])).toEqual([[1, 'coupon', 500]]);
    });

    it("refuses an event naming another merchant than the shipment's, and one for an unknown shipment", async () => {
      const s = await seedShipment(db, { name: 'other-merchant', orderValue: '25.00' });
      const event = delayEvent(s, 5);
      await recordDetectorFacts(db, [event]);
      await deliverUnrecorded({ ...event, id: uuid('foreign', event.id), merchantid: uuid('merchant', 'intruder') });
      const ghost = { shipmentId: uuid('shipment', 'ghost'), merchantId: s.merchantId, orderId: 'none' };
      await deliverUnrecorded(delayEvent(ghost, 5));
      expect(await compensationsOf(db, s.shipmentId)).toEqual([]);
      expect((await refusals(s.shipmentId)).map((r) => r.reason)).toEqual(['merchant_mismatch']);
      expect((await refusals(ghost.shipmentId)).map((r) => r.reason)).toEqual(['unknown_shipment']);
    });

    it('does not cancel a lost-parcel refund on a "delivered" resolution for a shipment not delivered on record', async () => {
      const s = await seedShipment(db, { name: 'forged-delivered', orderValue: '20.00' });
      await deliver(exceptionEvent(s, 'lost'));
      await deliverUnrecorded(deliveredEvent(s));
      expect((await compensationsOf(db, s.shipmentId)).map((r) => [r.tier, r.status])).toEqual([[3, 'approved']]);
    });

    it('refuses an exception that is not on record, or whose facts differ from the record', async () => {
      const s = await seedShipment(db, { name: 'forged-lost', orderValue: '25.00' });
      await deliverUnrecorded(exceptionEvent(s, 'lost'));
      const t = await seedShipment(db, { name: 'forged-return-cause', orderValue: '25.00' });
      await recordDetectorFacts(db, [exceptionEvent(t, 'returning', { cause: 'refused', carrierFault: false, causeCode: null })]);
      await deliverUnrecorded(exceptionEvent(t, 'returning', { cause: 'damaged', carrierFault: true, causeCode: null }));
      expect(await compensationsOf(db, s.shipmentId)).toEqual([]);
      expect(await compensationsOf(db, t.shipmentId)).toEqual([]);
      expect((await refusals(s.shipmentId)).map((r) => r.reason)).toEqual(['exception_not_on_record']);
      expect((await refusals(t.shipmentId)).map((r) => r.reason)).toEqual(['exception_not_on_record']);
    });
  });
});
