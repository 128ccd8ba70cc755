import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CADENCE, nextPoll, type ShipmentPollState } from './cadence.js';

const NOW = new Date('2025-03-20T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const hoursUntil = (decision: ReturnType<typeof nextPoll>) => (decision.kind === 'poll' ? (decision.at.getTime() - NOW.getTime()) / HOUR : null);

function state(overrides: Partial<ShipmentPollState> = {}): ShipmentPollState {
  return {
    status: 'in_transit',
    statusReason: null,
    statusAt: ago(6 * HOUR),
    lastCheckpointAt: ago(6 * HOUR),
    deliveredAt: null,
    returnedAt: null,
    createdAt: ago(5 * DAY),
    ...overrides,
  };
}

const answered = { kind: 'answered' } as const;

describe('nextPoll cadence', () => {
  it('polls hourly on the last mile, every 2 h in customs, every 6 h in transit', () => {
    expect(hoursUntil(nextPoll(state({ status: 'out_for_delivery' }), answered, NOW))).toBe(1);
    expect(hoursUntil(nextPoll(state({ status: 'available_for_pickup' }), answered, NOW))).toBe(1);
    expect(hoursUntil(nextPoll(state({ status: 'failed_attempt', statusReason: 'recipient_unavailable' }), answered, NOW))).toBe(1);
    expect(hoursUntil(nextPoll(state({ statusReason: 'customs_processing' }), answered, NOW))).toBe(2);
    expect(hoursUntil(nextPoll(state({ status: 'exception', statusReason: 'customs_hold' }), answered, NOW))).toBe(2);
    expect(hoursUntil(nextPoll(state({ statusReason: 'departed_origin' }), answered, NOW))).toBe(6);
  });

  it('slows to 12 h during line haul with no scan for days', () => {
    expect(hoursUntil(nextPoll(state({ lastCheckpointAt: ago(4 * DAY), statusAt: ago(4 * DAY) }), answered, NOW))).toBe(12);
    expect(hoursUntil(nextPoll(state({ lastCheckpointAt: ago(2 * DAY) }), answered, NOW))).toBe(6);
  });

  it('backs off for not found and pending with the shipment age, between 1 h and 24 h', () => {
    expect(hoursUntil(nextPoll(state({ status: 'not_found', lastCheckpointAt: null, createdAt: ago(2 * HOUR) }), answered, NOW))).toBe(1);
    expect(hoursUntil(nextPoll(state({ status: 'pending', lastCheckpointAt: null, createdAt: ago(1 * DAY) }), answered, NOW))).toBe(6);
    expect(hoursUntil(nextPoll(state({ status: 'not_found', lastCheckpointAt: null, createdAt: ago(20 * DAY) }), answered, NOW))).toBe(24);
  });

  it('keeps polling a delivered shipment through the grace period, never past it, then stops', () => {
    const delivered = state({ status: 'delivered', statusReason: 'signed' });
    expect(hoursUntil(nextPoll({ ...delivered, deliveredAt: ago(1 * HOUR) }, answered, NOW))).toBe(12);
    expect(hoursUntil(nextPoll({ ...delivered, deliveredAt: ago(3 * DAY - 2 * HOUR) }, answered, NOW))).toBe(2);
    expect(nextPoll({ ...delivered, deliveredAt: ago(3 * DAY) }, answered, NOW)).toEqual({ kind: 'stop', reason: 'delivered' });
  });

  it('stops after a terminal return plus grace, but keeps polling a parcel still on its way back', () => {
    expect(nextPoll(state({ status: 'exception', statusReason: 'returned', returnedAt: ago(4 * DAY) }), answered, NOW)).toEqual({ kind: 'stop', reason: 'returned' });
    expect(nextPoll(state({ status: 'exception', statusReason: 'returning' }), answered, NOW).kind).toBe('poll');
  });

  it('expires a shipment with no news for 30 days, or older than the maximum age', () => {
    expect(nextPoll(state({ lastCheckpointAt: ago(31 * DAY), createdAt: ago(40 * DAY) }), answered, NOW)).toEqual({ kind: 'stop', reason: 'expired_quiet' });
    expect(nextPoll(state({ status: 'not_found', lastCheckpointAt: null, createdAt: ago(30 * DAY) }), answered, NOW)).toEqual({ kind: 'stop', reason: 'expired_quiet' });
    expect(nextPoll(state({ lastCheckpointAt: ago(1 * DAY), createdAt: ago(121 * DAY) }), answered, NOW)).toEqual({ kind: 'stop', reason: 'expired_age' });
  });

  it('reschedules failed fetches with a capped exponential backoff', () => {
    const failed = (n: number) => nextPoll(state({ status: 'out_for_delivery' }), { kind: 'failed', consecutiveFailures: n }, NOW);
    const minutes = [1, 2, 3, 4, 10, 100].map((n) => (failed(n).kind === 'poll' ? ((failed(n) as { at: Date }).at.getTime() - NOW.getTime()) / 60_000 : null));
    expect(minutes).toEqual([5, 10, 20, 40, 360, 360]);
    expect(failed(1)).toMatchObject({ kind: 'poll', because: 'failure_backoff' });
  });

  it('still stops a finished shipment whose last fetch failed', () => {
    const decision = nextPoll(state({ status: 'delivered', deliveredAt: ago(5 * DAY) }), { kind: 'failed', consecutiveFailures: 3 }, NOW);
    expect(decision).toEqual({ kind: 'stop', reason: 'delivered' });
  });

  it('takes its intervals from the policy', () => {
    const policy = { ...DEFAULT_CADENCE, inTransitMs: 3 * HOUR };
    expect(hoursUntil(nextPoll(state(), answered, NOW, policy))).toBe(3);
  });
});
