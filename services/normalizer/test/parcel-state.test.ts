import { describe, expect, it } from '@jest/globals';
import { applyCheckpoints, applyNotFound } from '../src/domain/parcel-state.js';
import { newParcel, placed, scan } from './support.js';

const SNAP = '0193a1b2-0000-7000-8000-00000000000a';

describe('parcel state', () => {
  it('takes the status of the latest checkpoint by event time and sets first-occurrence timestamps', () => {
    const { state, statusMove, reached } = applyCheckpoints(
      newParcel(),
      placed(SNAP, [
        scan('2025-03-04T10:00:00Z', 'in_transit', 'departed_origin'),
        scan('2025-03-01T08:00:00Z', 'info_received', 'label_created'),
        scan('2025-03-02T08:00:00Z', 'in_transit', 'picked_up'),
      ]),
    );
    expect(state).toMatchObject({ status: 'in_transit', statusReason: 'departed_origin', statusAt: '2025-03-04T10:00:00Z', lastCheckpointAt: '2025-03-04T10:00:00Z' });
    expect(state.milestones).toMatchObject({ info_received_at: '2025-03-01T08:00:00Z', picked_up_at: '2025-03-02T08:00:00Z', departed_origin_at: '2025-03-04T10:00:00Z', delivered_at: null });
    expect(statusMove).toMatchObject({ from: null, to: { milestone: 'in_transit', reason: 'departed_origin' } });
    expect(reached.map((r) => r.journeyMilestone)).toEqual(['shipped', 'departed_origin_country']);
  });

  it('never moves backwards: a late, older scan does not undo delivered nor get announced', () => {
    const delivered = applyCheckpoints(newParcel(), placed(SNAP, [scan('2025-03-10T15:00:00Z', 'delivered', 'signed')])).state;
    const late = applyCheckpoints(delivered, placed(SNAP, [scan('2025-03-09T07:00:00Z', 'out_for_delivery', 'out_for_delivery')]));
    expect(late.state).toMatchObject({ status: 'delivered', statusReason: 'signed', lastCheckpointAt: '2025-03-10T15:00:00Z' });
    expect(late.state.milestones.out_for_delivery_at).toBe('2025-03-09T07:00:00Z');
    expect(late.statusMove).toBeNull();
    expect(late.reached).toEqual([]);
  });

  it('ignores a newer but less advanced scan after delivery (a stray hub scan)', () => {
    const delivered = applyCheckpoints(newParcel(), placed(SNAP, [scan('2025-03-10T15:00:00Z', 'delivered', 'signed')])).state;
    const stray = applyCheckpoints(delivered, placed(SNAP, [scan('2025-03-11T01:00:00Z', 'in_transit', 'arrived_hub')]));
    expect(stray.state.status).toBe('delivered');
    expect(stray.state.lastCheckpointAt).toBe('2025-03-11T01:00:00Z');
    expect(stray.statusMove).toBeNull();
  });

  it('lets a newer return scan move a delivered shipment and records returned_at', () => {
    const delivered = applyCheckpoints(newParcel(), placed(SNAP, [scan('2025-03-10T15:00:00Z', 'delivered', 'signed')])).state;
    const back = applyCheckpoints(delivered, placed(SNAP, [scan('2025-03-20T09:00:00Z', 'exception', 'returned')]));
    expect(back.state).toMatchObject({ status: 'exception', statusReason: 'returned' });
    expect(back.state.milestones).toMatchObject({ returned_at: '2025-03-20T09:00:00Z', exception_at: '2025-03-20T09:00:00Z', delivered_at: '2025-03-10T15:00:00Z' });
    expect(back.statusMove).toMatchObject({ from: { milestone: 'delivered', reason: 'signed' }, to: { milestone: 'exception', reason: 'returned' } });
  });

  it('counts failed attempts and numbers their milestones', () => {
    const first = applyCheckpoints(newParcel(), placed(SNAP, [scan('2025-03-08T10:00:00Z', 'failed_attempt', 'recipient_unavailable')]));
    const second = applyCheckpoints(first.state, placed(SNAP, [scan('2025-03-09T10:00:00Z', 'failed_attempt', 'business_closed')]));
    expect(second.state.failedAttempts).toBe(2);
    expect(second.state.milestones.first_attempt_at).toBe('2025-03-08T10:00:00Z');
    expect(second.reached.map((r) => [r.journeyMilestone, r.sequence])).toEqual([['failed_attempt', 2]]);
  });

  it('walks a snapshot in event time: delivered then a newer stray scan in one batch stays delivered', () => {
    const { state } = applyCheckpoints(newParcel(), placed(SNAP, [scan('2025-03-11T01:00:00Z', 'in_transit', 'arrived_hub'), scan('2025-03-10T15:00:00Z', 'delivered', 'signed')]));
    expect(state.status).toBe('delivered');
  });

  it('marks a pending shipment not found, but nothing further along', () => {
    expect(applyNotFound(newParcel(), '2025-03-01T00:00:00Z').state.status).toBe('not_found');
    const moving = applyCheckpoints(newParcel(), placed(SNAP, [scan('2025-03-02T08:00:00Z', 'in_transit', 'picked_up')])).state;
    expect(applyNotFound(moving, '2025-03-03T00:00:00Z').statusMove).toBeNull();
  });
});
