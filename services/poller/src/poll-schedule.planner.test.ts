import { describe, expect, it } from '@jest/globals';
import type { PollableShipment } from '@parcelwatch/db';
import { DEFAULT_CADENCE } from './domain/cadence.js';
import { planSchedule } from './poll-schedule.planner.js';

const NOW = new Date('2025-05-01T12:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

function shipment(overrides: Partial<PollableShipment> = {}): PollableShipment {
  return {
    id: '0193a1b2-0000-7000-8000-000000000001',
    merchantId: '0193a1b2-0000-7000-8000-0000000000aa',
    orderId: 'O-1',
    trackingNumber: 'LX100000017CN',
    carrier: 'china-post',
    provider: '17track',
    status: 'in_transit',
    statusReason: 'departed_origin',
    statusAt: ago(31),
    lastCheckpointAt: ago(31),
    deliveredAt: null,
    returnedAt: null,
    createdAt: ago(35),
    pollAttempts: 0,
    leaseUntil: new Date(NOW.getTime() + 60_000),
    ...overrides,
  };
}

describe('planSchedule when polling stops', () => {
  it('keeps a parcel quiet for 30 days active, so the detector can still call it lost', () => {
    const { decision, update } = planSchedule(shipment(), { kind: 'answered' }, NOW, DEFAULT_CADENCE);
    expect(decision).toEqual({ kind: 'stop', reason: 'expired_quiet' });
    expect(update).toMatchObject({ nextPollAt: null, active: true });
  });

  it('deactivates a delivered parcel after its grace and a shipment past the maximum age', () => {
    const delivered = shipment({ status: 'delivered', statusReason: 'signed', statusAt: ago(4), lastCheckpointAt: ago(4), deliveredAt: ago(4) });
    expect(planSchedule(delivered, { kind: 'answered' }, NOW, DEFAULT_CADENCE).update).toMatchObject({ nextPollAt: null, active: false });
    const old = shipment({ lastCheckpointAt: ago(1), statusAt: ago(1), createdAt: ago(121) });
    expect(planSchedule(old, { kind: 'answered' }, NOW, DEFAULT_CADENCE)).toMatchObject({ decision: { kind: 'stop', reason: 'expired_age' }, update: { active: false } });
  });
});
