import { describe, expect, it } from '@jest/globals';
import { pickupUncollectedRule } from '../src/domain/pickup-uncollected.rule.js';
import { DEFAULT_THRESHOLDS } from '../src/domain/thresholds.js';
import { evaluate, iso, kindsOpened, kindsResolved, ms, openException, parcel } from './detection.fixtures.js';

// Frozen-time scenarios: each rule just before and just after its threshold, how it resolves,
// and the next instant the detector has to look again.

describe('not_picked_up', () => {
  const labelOnly = parcel({ status: 'info_received', statusReason: 'label_created', pickedUpAt: null, lastCheckpointAt: ms('2025-02-28T12:00:00Z') });
  it('waits 72 h after the label, then opens', () => {
    const before = evaluate({ state: labelOnly, now: '2025-03-03T11:59:59Z' });
    expect(before.open).toEqual([]);
    expect(iso(before.nextCheckAt)).toBe('2025-03-03T12:00:00.000Z');
    const after = evaluate({ state: labelOnly, now: '2025-03-03T12:00:00Z' });
    expect(after.open).toEqual([expect.objectContaining({ kind: 'not_picked_up', severity: 'medium', ruleFired: 'not_picked_up@v1', facts: { hoursWithoutScan: 72, thresholdHours: 72 } })]);
  });
  it('counts from registration when no label event came', () => {
    const pending = parcel({ status: 'pending', statusReason: null, pickedUpAt: null, infoReceivedAt: null, lastCheckpointAt: null });
    expect(kindsOpened(evaluate({ state: pending, now: '2025-03-03T12:00:00Z' }))).toEqual(['not_picked_up']);
  });
  it('resolves as progressed at the first carrier scan', () => {
    const result = evaluate({ state: parcel(), now: '2025-03-04T00:00:00Z', open: [openException('not_picked_up')] });
    expect(kindsResolved(result)).toEqual(['not_picked_up:progressed']);
  });
});

describe('stalled', () => {
  it('opens 5 days after the last scan of a courier', () => {
    expect(evaluate({ state: parcel(), now: '2025-03-06T07:59:59Z' }).open).toEqual([]);
    const result = evaluate({ state: parcel(), now: '2025-03-06T08:00:00Z' });
    expect(result.open).toEqual([expect.objectContaining({ kind: 'stalled', ruleFired: 'stalled@v1', facts: { daysWithoutScan: 5, thresholdDays: 5, postalLane: false } })]);
    // Next: the end of the estimated date (pickup + p90 20 days = 21 March, New York), before lost at 30 days.
    expect(iso(result.nextCheckAt)).toBe('2025-03-22T04:00:00.000Z');
  });
  it('waits 7 days on a postal lane (China Post)', () => {
    const postal = parcel({ carrier: 'china-post' });
    const sixDays = evaluate({ state: postal, now: '2025-03-07T08:00:00Z' });
    expect(sixDays.open).toEqual([]);
    expect(iso(sixDays.nextCheckAt)).toBe('2025-03-08T08:00:00.000Z');
    expect(evaluate({ state: postal, now: '2025-03-08T08:00:00Z' }).open).toEqual([expect.objectContaining({ kind: 'stalled', ruleFired: 'stalled@v1:postal' })]);
  });
  it('resolves as progressed when a new scan arrives', () => {
    const moved = parcel({ statusReason: 'departed_origin', lastCheckpointAt: ms('2025-03-07T00:00:00Z') });
    expect(kindsResolved(evaluate({ state: moved, now: '2025-03-07T01:00:00Z', open: [openException('stalled')] }))).toEqual(['stalled:progressed']);
  });
  it('is superseded by lost once 30 days pass without a scan', () => {
    const result = evaluate({ state: parcel(), now: '2025-03-31T08:00:00Z', open: [openException('stalled')] });
    expect(kindsOpened(result)).toEqual(['lost']);
    expect(kindsResolved(result)).toEqual(['stalled:superseded']);
    expect(result.open[0]).toMatchObject({ severity: 'critical', ruleFired: 'lost@v1:no_scan', facts: { daysWithoutScan: 30, thresholdDays: 30 } });
  });
});

describe('customs_hold', () => {
  it('opens at once on a customs hold reason', () => {
    const held = parcel({ status: 'exception', statusReason: 'duties_unpaid', statusAt: ms('2025-03-05T00:00:00Z'), lastCheckpointAt: ms('2025-03-05T00:00:00Z') });
    expect(evaluate({ state: held, now: '2025-03-05T00:00:01Z' }).open).toEqual([
      expect.objectContaining({ kind: 'customs_hold', ruleFired: 'customs_hold@v1:duties_unpaid' }),
    ]);
  });
  it('opens after 48 h of customs processing without release, and resolves on release', () => {
    const processing = parcel({ statusReason: 'customs_processing', statusAt: ms('2025-03-05T00:00:00Z'), lastCheckpointAt: ms('2025-03-05T00:00:00Z') });
    const early = evaluate({ state: processing, now: '2025-03-06T23:59:59Z' });
    expect(early.open).toEqual([]);
    expect(iso(early.nextCheckAt)).toBe('2025-03-07T00:00:00.000Z');
    expect(kindsOpened(evaluate({ state: processing, now: '2025-03-07T00:00:00Z' }))).toEqual(['customs_hold']);
    const released = { ...processing, statusReason: 'customs_released', statusAt: ms('2025-03-07T10:00:00Z'), customsClearedAt: ms('2025-03-07T10:00:00Z'), lastCheckpointAt: ms('2025-03-07T10:00:00Z') };
    expect(kindsResolved(evaluate({ state: released, now: '2025-03-07T11:00:00Z', open: [openException('customs_hold')] }))).toEqual(['customs_hold:progressed']);
  });
  it('raises a reminder level every 72 h the hold lasts, up to two, and then stops looking', () => {
    const held = parcel({ status: 'exception', statusReason: 'duties_unpaid', statusAt: ms('2025-03-05T00:00:00Z'), lastCheckpointAt: ms('2025-03-05T00:00:00Z') });
    const opened = evaluate({ state: held, now: '2025-03-05T00:00:01Z' });
    expect(opened.open[0]?.facts).toEqual({ carrierReason: 'duties_unpaid', hoursHeld: 0, reminders: 0 });
    expect(iso(opened.nextCheckAt)).toBe('2025-03-08T00:00:00.000Z');
    expect(evaluate({ state: held, now: '2025-03-07T23:59:59Z', open: [openException('customs_hold')] }).escalate).toEqual([]);
    const first = evaluate({ state: held, now: '2025-03-08T00:00:00Z', open: [openException('customs_hold')] });
    expect(first.escalate).toEqual([
      expect.objectContaining({ kind: 'customs_hold', fromLevel: 0, toLevel: 1, fromSeverity: 'medium', toSeverity: 'high', ruleFired: 'customs_hold@v1:duties_unpaid:reminder', facts: { carrierReason: 'duties_unpaid', hoursHeld: 72, reminders: 1 } }),
    ]);
    expect(iso(first.nextCheckAt)).toBe('2025-03-11T00:00:00.000Z');
    const second = evaluate({ state: held, now: '2025-03-11T00:00:00Z', open: [openException('customs_hold', 1, 'high')] });
    expect(second.escalate).toEqual([expect.objectContaining({ fromLevel: 1, toLevel: 2 })]);
    const later = evaluate({ state: held, now: '2025-03-30T00:00:00Z', open: [openException('customs_hold', 2, 'high')] });
    expect(later.escalate).toEqual([]);
    expect(later.nextCheckAt).not.toBeNull(); // lost (30 days without a scan) still has its deadline
  });
  it('counts reminders of an overdue processing from the moment it became overdue', () => {
    const processing = parcel({ statusReason: 'customs_processing', statusAt: ms('2025-03-05T00:00:00Z'), lastCheckpointAt: ms('2025-03-05T00:00:00Z') });
    const result = evaluate({ state: processing, now: '2025-03-10T00:00:00Z', open: [openException('customs_hold')] });
    expect(result.escalate).toEqual([expect.objectContaining({ toLevel: 1, ruleFired: 'customs_hold@v1:processing_overdue:reminder', facts: { hoursInCustoms: 120, thresholdHours: 48, hoursHeld: 120, reminders: 1 } })]);
  });
  it('takes its reminder pace from the thresholds (an override of 24 h, at most one)', () => {
    const held = parcel({ status: 'exception', statusReason: 'customs_hold', statusAt: ms('2025-03-05T00:00:00Z'), lastCheckpointAt: ms('2025-03-05T00:00:00Z') });
    const thresholds = { ...DEFAULT_THRESHOLDS, customs_hold: { processingHours: 48, reminderHours: 24, maxReminders: 1 } };
    expect(evaluate({ state: held, now: '2025-03-09T00:00:00Z', thresholds }).escalate).toEqual([expect.objectContaining({ exception: null, toLevel: 1 })]);
  });
});

describe('delivery_overdue', () => {
  const ofd = parcel({ status: 'out_for_delivery', statusReason: 'out_for_delivery', statusAt: ms('2025-03-12T13:00:00Z'), lastCheckpointAt: ms('2025-03-12T13:00:00Z'), outForDeliveryAt: ms('2025-03-12T13:00:00Z') });
  it('opens 24 h after out for delivery', () => {
    expect(evaluate({ state: ofd, now: '2025-03-13T12:59:59Z' }).open).toEqual([]);
    expect(kindsOpened(evaluate({ state: ofd, now: '2025-03-13T13:00:00Z' }))).toEqual(['delivery_overdue']);
  });
  it('resolves as delivered', () => {
    const delivered = { ...ofd, status: 'delivered' as const, statusReason: 'signed', deliveredAt: ms('2025-03-13T15:00:00Z'), statusAt: ms('2025-03-13T15:00:00Z') };
    const result = evaluate({ state: delivered, now: '2025-03-13T16:00:00Z', open: [openException('delivery_overdue')] });
    expect(kindsResolved(result)).toEqual(['delivery_overdue:delivered']);
    expect(result.nextCheckAt).toBeNull();
  });
});

describe('failed_delivery', () => {
  const attempt = (n: number) => parcel({ status: 'failed_attempt', statusReason: 'recipient_unavailable', failedAttempts: n, statusAt: ms('2025-03-12T15:00:00Z') });
  it('opens on the first attempt, at medium', () => {
    const result = evaluate({ state: attempt(1), now: '2025-03-12T16:00:00Z' });
    expect(result.open).toEqual([expect.objectContaining({ kind: 'failed_delivery', severity: 'medium', facts: { failedAttempts: 1, lastReason: 'recipient_unavailable' } })]);
    expect(result.escalate).toEqual([]);
  });
  it('escalates to high on the second attempt', () => {
    const result = evaluate({ state: attempt(2), now: '2025-03-13T16:00:00Z', open: [openException('failed_delivery')] });
    expect(result.open).toEqual([]);
    expect(result.escalate).toEqual([expect.objectContaining({ kind: 'failed_delivery', fromSeverity: 'medium', toSeverity: 'high', fromLevel: 0, toLevel: 1, ruleFired: 'failed_delivery@v1:repeated' })]);
    // Escalated once: the same state again changes nothing.
    expect(evaluate({ state: attempt(2), now: '2025-03-13T17:00:00Z', open: [openException('failed_delivery', 1, 'high')] }).escalate).toEqual([]);
  });
  it('opens and escalates at once when both attempts arrive together', () => {
    const result = evaluate({ state: attempt(2), now: '2025-03-13T16:00:00Z' });
    expect(kindsOpened(result)).toEqual(['failed_delivery']);
    expect(result.escalate).toEqual([expect.objectContaining({ exception: null, toLevel: 1 })]);
  });
  it('resolves at a pickup point', () => {
    const atPoint = parcel({ status: 'available_for_pickup', statusReason: 'at_pickup_point', failedAttempts: 2, statusAt: ms('2025-03-14T09:00:00Z') });
    expect(kindsResolved(evaluate({ state: atPoint, now: '2025-03-14T10:00:00Z', open: [openException('failed_delivery', 1, 'high')] }))).toEqual(['failed_delivery:progressed']);
  });
});

describe('pickup_uncollected', () => {
  const atPoint = parcel({ status: 'available_for_pickup', statusReason: 'at_pickup_point', statusAt: ms('2025-03-14T09:00:00Z'), availableForPickupAt: ms('2025-03-14T09:00:00Z') });
  it('opens after 3 days at the pickup point', () => {
    const early = evaluate({ state: atPoint, now: '2025-03-17T08:59:59Z' });
    expect(early.open).toEqual([]);
    expect(iso(early.nextCheckAt)).toBe('2025-03-17T09:00:00.000Z');
    expect(kindsOpened(evaluate({ state: atPoint, now: '2025-03-17T09:00:00Z' }))).toEqual(['pickup_uncollected']);
  });
  it('gives one last call 2 days later, before a 7-day pickup point sends it back, then waits for the parcel to move', () => {
    // The rule's own deadline.
    const opened = pickupUncollectedRule.evaluate({ state: atPoint, thresholds: DEFAULT_THRESHOLDS, now: ms('2025-03-17T09:00:00Z'), delay: null });
    expect(iso(opened.nextCheckAt)).toBe('2025-03-19T09:00:00.000Z');
    expect(evaluate({ state: atPoint, now: '2025-03-19T08:59:59Z', open: [openException('pickup_uncollected')] }).escalate).toEqual([]);
    const reminder = evaluate({ state: atPoint, now: '2025-03-19T09:00:00Z', open: [openException('pickup_uncollected')] });
    expect(reminder.escalate).toEqual([
      expect.objectContaining({ kind: 'pickup_uncollected', toLevel: 1, toSeverity: 'high', ruleFired: 'pickup_uncollected@v1:reminder', facts: { daysAtPickupPoint: 5, thresholdDays: 3, reminders: 1 } }),
    ]);
    expect(evaluate({ state: atPoint, now: '2025-04-01T09:00:00Z', open: [openException('pickup_uncollected', 1, 'high')] }).escalate).toEqual([]);
  });
  it('resolves as delivered when the buyer collects it', () => {
    const collected = { ...atPoint, status: 'delivered' as const, statusReason: 'pickup_point', deliveredAt: ms('2025-03-21T09:00:00Z'), statusAt: ms('2025-03-21T09:00:00Z') };
    expect(kindsResolved(evaluate({ state: collected, now: '2025-03-21T10:00:00Z', open: [openException('pickup_uncollected')] }))).toEqual(['pickup_uncollected:delivered']);
  });
});

describe('returning', () => {
  it('opens on the way back and escalates once it is back', () => {
    const back = parcel({ status: 'exception', statusReason: 'returning', statusAt: ms('2025-03-10T00:00:00Z') });
    expect(evaluate({ state: back, now: '2025-03-10T01:00:00Z' }).open).toEqual([
      expect.objectContaining({ kind: 'returning', ruleFired: 'returning@v1', facts: { cause: 'unknown', carrierFault: false, causeCode: null } }),
    ]);
    const returned = { ...back, statusReason: 'returned', returnedAt: ms('2025-03-20T00:00:00Z'), statusAt: ms('2025-03-20T00:00:00Z') };
    const result = evaluate({ state: returned, now: '2025-03-20T01:00:00Z', open: [openException('returning')] });
    expect(result.escalate).toEqual([expect.objectContaining({ kind: 'returning', toSeverity: 'high', ruleFired: 'returning@v1:returned' })]);
    expect(result.nextCheckAt).toBeNull();
  });
  it('carries the cause the classifier read, on opening and on escalation', () => {
    const returnCause = { cause: 'damaged' as const, carrierFault: true, causeCode: 'ups:059' };
    const back = parcel({ status: 'exception', statusReason: 'returning', statusAt: ms('2025-03-10T00:00:00Z'), returnCause });
    expect(evaluate({ state: back, now: '2025-03-10T01:00:00Z' }).open[0]?.facts).toEqual(returnCause);
    const returned = { ...back, statusReason: 'returned', returnedAt: ms('2025-03-20T00:00:00Z'), statusAt: ms('2025-03-20T00:00:00Z') };
    expect(evaluate({ state: returned, now: '2025-03-20T01:00:00Z', open: [openException('returning')] }).escalate[0]?.facts).toEqual(returnCause);
  });
});

describe('lost', () => {
  it('opens when the carrier says lost, and resolves when the parcel is found', () => {
    const lost = parcel({ status: 'exception', statusReason: 'lost', statusAt: ms('2025-03-10T00:00:00Z') });
    expect(evaluate({ state: lost, now: '2025-03-10T01:00:00Z' }).open).toEqual([expect.objectContaining({ kind: 'lost', severity: 'critical', ruleFired: 'lost@v1:carrier_lost' })]);
    const found = parcel({ statusReason: 'arrived_hub', statusAt: ms('2025-03-12T00:00:00Z'), lastCheckpointAt: ms('2025-03-12T00:00:00Z') });
    expect(kindsResolved(evaluate({ state: found, now: '2025-03-12T01:00:00Z', open: [openException('lost', 0, 'critical')] }))).toEqual(['lost:progressed']);
  });
  it('opens after 30 days without a checkpoint, not a second earlier', () => {
    expect(evaluate({ state: parcel({ carrier: 'china-post' }), now: '2025-03-31T07:59:59Z' }).open.map((o) => o.kind)).toEqual(['stalled']);
    expect(kindsOpened(evaluate({ state: parcel({ carrier: 'china-post' }), now: '2025-03-31T08:00:00Z' }))).toEqual(['lost']);
  });
  it('opens when the carrier says destroyed', () => {
    const destroyed = parcel({ status: 'exception', statusReason: 'destroyed' });
    expect(evaluate({ state: destroyed, now: '2025-03-10T00:00:00Z' }).open).toEqual([expect.objectContaining({ kind: 'lost', ruleFired: 'lost@v1:carrier_destroyed' })]);
  });
});

describe('damaged', () => {
  it('opens when the carrier says damaged and stays open after delivery', () => {
    const damaged = parcel({ status: 'exception', statusReason: 'damaged' });
    expect(evaluate({ state: damaged, now: '2025-03-10T00:00:00Z' }).open).toEqual([expect.objectContaining({ kind: 'damaged', severity: 'high' })]);
    const delivered = parcel({ status: 'delivered', statusReason: 'signed', deliveredAt: ms('2025-03-12T00:00:00Z') });
    const result = evaluate({ state: delivered, now: '2025-03-12T01:00:00Z', open: [openException('damaged', 0, 'high')] });
    expect(result.resolve).toEqual([]);
  });
});

describe('late and overrides', () => {
  it('opens late the instant the promised day ends in the buyer zone', () => {
    const promised = parcel({ promisedDeliveryDate: '2025-03-14' });
    // 14 March ends at 04:00 UTC on the 15th in New York (EDT, UTC-4, after the 9 March change).
    const before = evaluate({ state: promised, now: '2025-03-15T03:59:59Z' });
    expect(before.open.map((o) => o.kind)).not.toContain('late');
    expect(iso(before.nextCheckAt)).toBe('2025-03-15T04:00:00.000Z');
    const after = evaluate({ state: promised, now: '2025-03-15T04:00:00Z' });
    expect(after.open).toContainEqual(expect.objectContaining({ kind: 'late', severity: 'low', facts: { daysLate: 1, promisedDate: '2025-03-14', timeZone: 'America/New_York', tier: null } }));
  });
  it('uses an overridden threshold', () => {
    const thresholds = { ...DEFAULT_THRESHOLDS, stalled: { days: 10, postalDays: 12 } };
    expect(evaluate({ state: parcel(), now: '2025-03-08T08:00:00Z', thresholds }).open).toEqual([]);
  });
  it('never opens twice what is open at the same level', () => {
    const result = evaluate({ state: parcel(), now: '2025-03-07T00:00:00Z', open: [openException('stalled')] });
    expect(result.open).toEqual([]);
    expect(result.escalate).toEqual([]);
    expect(result.resolve).toEqual([]);
  });
});
