import { describe, expect, it } from '@jest/globals';
import { channelsFor, planNotifications, type BuyerChannel, type ShipmentFacts } from '../src/domain/notification-planner.js';
import { DEFAULT_NOTIFICATION_SETTINGS, notificationSettingsOf } from '../src/domain/notification-settings.js';
import {
  compensationApprovedEvent,
  compensationDecidedEvent,
  delayEvent,
  exceptionEscalatedEvent,
  exceptionOpenedEvent,
  milestoneEvent,
} from './event-fixtures.js';

const s = { shipmentId: '3f1c2b5e-8d4a-4c1e-9b7a-1a2b3c4d5e6f', merchantId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' };
const facts: ShipmentFacts = {
  orderRef: 'ORD-1',
  trackingNumber: 'LX123456789CN',
  merchantName: 'Kettle & Co',
  status: 'in_transit',
  originCountry: 'CN',
  estimatedDeliveryAt: null,
  hasEmail: true,
  hasPhone: true,
};
const ALL = new Set<BuyerChannel>(['email', 'sms', 'marketplace_message']);
const T = '2025-03-01T10:00:00Z';
const plan = (event: Parameters<typeof planNotifications>[0], f: Partial<ShipmentFacts> = {}, settings = DEFAULT_NOTIFICATION_SETTINGS) =>
  planNotifications(event, { ...facts, ...f }, settings, ALL).map((i) => [i.triggerKey, i.template, i.channels.join('+')]);

describe('notification planner', () => {
  it('plans milestones with natural trigger keys, SMS only for the time-critical ones', () => {
    expect(plan(milestoneEvent(s, 'shipped', T))).toEqual([['milestone:shipped', 'shipped', 'email']]);
    expect(plan(milestoneEvent(s, 'customs_cleared', T))).toEqual([['milestone:customs_cleared', 'customs_cleared', 'email']]);
    expect(plan(milestoneEvent(s, 'out_for_delivery', T))).toEqual([['milestone:out_for_delivery', 'out_for_delivery', 'email+sms']]);
    expect(plan(milestoneEvent(s, 'failed_attempt', T, 2))).toEqual([['milestone:failed_attempt:2', 'failed_attempt', 'email+sms']]);
    expect(plan(milestoneEvent(s, 'delivered', T))).toEqual([['milestone:delivered', 'delivered', 'email+sms']]);
  });

  it('keys on the milestone, not the envelope id, so a re-published event plans the same message', () => {
    const a = planNotifications(milestoneEvent(s, 'shipped', T, 1, 'id-a'), facts, DEFAULT_NOTIFICATION_SETTINGS, ALL);
    const b = planNotifications(milestoneEvent(s, 'shipped', T, 1, 'id-b'), facts, DEFAULT_NOTIFICATION_SETTINGS, ALL);
    expect(a[0]?.triggerKey).toBe(b[0]?.triggerKey);
    expect(a[0]?.trigger).toEqual({ type: 'parcelwatch.shipment.milestone_reached.v1', id: 'id-a' });
    expect(a[0]?.params).toEqual({ orderRef: 'ORD-1', trackingNumber: 'LX123456789CN', merchantName: 'Kettle & Co', estimatedDeliveryAt: null });
  });

  it('tells the buyer about exceptions that concern them, with customs wording by what customs needs', () => {
    const opened = exceptionOpenedEvent(s, 'customs_hold', T, { carrierReason: 'duties_unpaid' }, 'customs_hold@v1:duties_unpaid');
    expect(plan(opened)).toEqual([[`exception:${opened.data.exceptionId}:opened`, 'customs_action_needed', 'email+sms']]);
    expect(planNotifications(opened, facts, DEFAULT_NOTIFICATION_SETTINGS, ALL)[0]?.params).toMatchObject({ requirement: 'duties' });
    expect(plan(exceptionOpenedEvent(s, 'customs_hold', T, { hoursInCustoms: 50 }, 'customs_hold@v1:processing_overdue'))[0]?.[1]).toBe('customs_hold');
    for (const kind of ['stalled', 'lost', 'damaged', 'returning', 'pickup_uncollected', 'delivery_overdue'] as const) {
      expect(plan(exceptionOpenedEvent(s, kind, T))[0]?.[1]).toBe(kind);
    }
    for (const kind of ['not_picked_up', 'late', 'failed_delivery'] as const) expect(plan(exceptionOpenedEvent(s, kind, T))).toEqual([]);
  });

  it('messages escalations only when they say something new', () => {
    const customs = exceptionEscalatedEvent(s, 'customs_hold', T, 1, { carrierReason: 'customs_documents_required' });
    expect(plan(customs)).toEqual([[`exception:${customs.data.exceptionId}:escalated:1`, 'customs_hold_reminder', 'email']]);
    expect(plan(exceptionEscalatedEvent(s, 'returning', T))[0]?.[1]).toBe('returned');
    expect(plan(exceptionEscalatedEvent(s, 'pickup_uncollected', T))[0]?.[1]).toBe('pickup_reminder');
    expect(plan(exceptionEscalatedEvent(s, 'failed_delivery', T))).toEqual([]);
    expect(plan(exceptionEscalatedEvent(s, 'late', T))).toEqual([]);
  });

  it('sends one delay notice per shipment and an apology naming the approved compensation', () => {
    expect(plan(delayEvent(s, T, 3))).toEqual([['delay:notice', 'delay_notice', 'email']]);
    expect(plan(delayEvent(s, T, 14))).toEqual([['delay:notice', 'delay_notice', 'email']]);
    const coupon = compensationDecidedEvent(s, T, { tier: 1, action: 'store_coupon', amount: { amountMinor: 500, currency: 'USD' } });
    const [apology] = planNotifications(coupon, facts, DEFAULT_NOTIFICATION_SETTINGS, ALL);
    expect([apology?.triggerKey, apology?.template]).toEqual([`compensation:${coupon.data.compensationId}`, 'delay_apology']);
    expect(apology?.params).toMatchObject({ offer: { action: 'store_coupon', amount: { amountMinor: 500, currency: 'USD' }, addOns: [] } });
    const refund = compensationDecidedEvent(s, T, { tier: 3, action: 'full_refund', amount: { amountMinor: 4000, currency: 'USD' }, approval: 'manager', addOns: ['gift'] });
    // Waiting for a manager: nothing yet; once approved, the loss apology.
    expect(plan(refund)).toEqual([]);
    expect(plan(compensationApprovedEvent(refund, T))).toEqual([[`compensation:${refund.data.compensationId}`, 'loss_apology', 'email']]);
  });

  it('apologises for the cause the compensation makes up for, not for its tier', () => {
    const decided = (tier: 1 | 2 | 3, cause: 'delay' | 'damaged' | 'lost' | 'returning') =>
      compensationDecidedEvent({ ...s, shipmentId: `${s.shipmentId.slice(0, -1)}${tier}` }, T, { tier, action: tier === 1 ? 'store_coupon' : 'partial_refund', amount: { amountMinor: 900, currency: 'USD' }, cause });
    expect(plan(decided(2, 'damaged'))[0]?.[1]).toBe('damage_apology');
    expect(plan(decided(3, 'damaged'))[0]?.[1]).toBe('damage_apology');
    expect(plan(decided(2, 'delay'))[0]?.[1]).toBe('delay_apology');
    expect(plan(decided(3, 'lost'))[0]?.[1]).toBe('loss_apology');
    expect(plan(decided(3, 'returning'))[0]?.[1]).toBe('return_apology');
    const approved = compensationApprovedEvent(compensationDecidedEvent(s, T, { tier: 2, action: 'reship', amount: null, approval: 'supervisor', cause: 'damaged' }), T);
    expect(plan(approved)[0]?.[1]).toBe('damage_apology');
  });

  it('sends each reminder level of a customs hold or a pickup wait once, with what customs still needs', () => {
    const first = exceptionEscalatedEvent(s, 'customs_hold', T, 1, { carrierReason: 'duties_unpaid', hoursHeld: 72, reminders: 1 });
    const second = exceptionEscalatedEvent(s, 'customs_hold', '2025-03-04T10:00:00Z', 2, { carrierReason: 'duties_unpaid', hoursHeld: 144, reminders: 2 });
    const intents = [first, second].flatMap((event) => planNotifications(event, facts, DEFAULT_NOTIFICATION_SETTINGS, ALL));
    expect(intents.map((i) => [i.triggerKey, i.template, i.params])).toEqual([
      [`exception:${first.data.exceptionId}:escalated:1`, 'customs_hold_reminder', expect.objectContaining({ requirement: 'duties' })],
      [`exception:${first.data.exceptionId}:escalated:2`, 'customs_hold_reminder', expect.objectContaining({ requirement: 'duties' })],
    ]);
    const overdue = exceptionEscalatedEvent(s, 'customs_hold', T, 1, { hoursInCustoms: 120, thresholdHours: 48, hoursHeld: 120, reminders: 1 });
    expect(planNotifications(overdue, facts, DEFAULT_NOTIFICATION_SETTINGS, ALL)[0]?.params).toMatchObject({ requirement: null });
    const pickup = exceptionEscalatedEvent(s, 'pickup_uncollected', T, 1, { daysAtPickupPoint: 8, thresholdDays: 5, reminders: 1 });
    expect(plan(pickup)).toEqual([[`exception:${pickup.data.exceptionId}:escalated:1`, 'pickup_reminder', 'email+sms']]);
    // Collected meanwhile: a late reminder is dropped.
    expect(plan(pickup, { status: 'delivered' })).toEqual([]);
  });

  it('drops stale journey news once delivered, but not the delivery itself', () => {
    expect(plan(milestoneEvent(s, 'customs_cleared', T), { status: 'delivered' })).toEqual([]);
    expect(plan(exceptionOpenedEvent(s, 'stalled', T), { status: 'delivered' })).toEqual([]);
    expect(plan(delayEvent(s, T), { status: 'delivered' })).toEqual([]);
    expect(plan(milestoneEvent(s, 'delivered', T), { status: 'delivered' })).toHaveLength(1);
  });

  it('uses only channels that are enabled, configured, and that the buyer has an address for', () => {
    const settings = notificationSettingsOf({ notifications: { channels: { marketplace_message: true, email: false } } }).settings;
    expect(channelsFor('delivered', facts, settings, ALL)).toEqual(['sms', 'marketplace_message']);
    expect(channelsFor('delivered', { ...facts, hasPhone: false }, DEFAULT_NOTIFICATION_SETTINGS, ALL)).toEqual(['email']);
    expect(channelsFor('delivered', facts, DEFAULT_NOTIFICATION_SETTINGS, new Set(['sms']))).toEqual(['sms']);
    expect(plan(milestoneEvent(s, 'shipped', T), { hasEmail: false })).toEqual([]);
  });

  it('reads merchant settings with defaults and falls back on invalid ones', () => {
    expect(DEFAULT_NOTIFICATION_SETTINGS).toMatchObject({ quietHours: { start: '21:00', end: '08:00' }, dailyCap: 3, channels: { email: true, sms: true, marketplace_message: false } });
    expect(notificationSettingsOf({ notifications: { quietHours: null, dailyCap: 5 } }).settings).toMatchObject({ quietHours: null, dailyCap: 5 });
    const bad = notificationSettingsOf({ notifications: { quietHours: { start: '25:00' } } });
    expect(bad.settings).toEqual(DEFAULT_NOTIFICATION_SETTINGS);
    expect(bad.problem).toContain('quietHours.start');
  });
});
