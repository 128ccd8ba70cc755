import { describe, expect, it } from '@jest/globals';
import {
  MILESTONES,
  PROGRESS_RANK,
  REASONS_BY_MILESTONE,
  isForwardMove,
  isValidStatus,
  milestoneStatusSchema,
  reasonSchema,
} from '../src/index.js';
import type { Milestone } from '../src/index.js';

describe('milestone/reason pairs', () => {
  it.each([
    ['in_transit', 'customs_processing'],
    ['in_transit', 'arrived_destination_country'],
    ['failed_attempt', 'security'],
    ['delivered', 'neighbour'],
    ['exception', 'held_for_payment'],
    ['info_received', 'label_created'],
    ['available_for_pickup', 'at_pickup_point'],
  ])('accepts %s/%s', (milestone, reason) => {
    expect(isValidStatus(milestone, reason)).toBe(true);
  });

  it.each([['pending'], ['expired'], ['not_found']])('%s takes no reason (null)', (milestone) => {
    expect(isValidStatus(milestone, null)).toBe(true);
    expect(isValidStatus(milestone, 'other')).toBe(false);
  });

  it.each([
    ['delivered', 'customs_hold'],
    ['in_transit', 'signed'],
    ['exception', 'picked_up'],
    ['failed_attempt', 'pickup_point'],
    ['in_transit', null],
    ['teleported', 'other'],
  ])('refuses %s/%s', (milestone, reason) => {
    expect(isValidStatus(milestone as string, reason)).toBe(false);
  });

  it('explains a wrong reason with the allowed ones', () => {
    const result = milestoneStatusSchema.safeParse({ milestone: 'delivered', reason: 'lost' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['reason']);
    expect(result.error?.issues[0]?.message).toContain('"signed"');
  });

  it('lists every reason in reasonSchema, and every milestone in the rank table', () => {
    const all = Object.values(REASONS_BY_MILESTONE).flat();
    for (const reason of all) expect(reasonSchema.safeParse(reason).success).toBe(true);
    expect(reasonSchema.safeParse('nope').success).toBe(false);
    expect(Object.keys(PROGRESS_RANK).sort()).toEqual([...MILESTONES].sort());
  });
});

describe('isForwardMove (for a newer event)', () => {
  it.each<[Milestone, Milestone]>([
    ['pending', 'info_received'],
    ['pending', 'not_found'],
    ['not_found', 'in_transit'],
    ['info_received', 'in_transit'],
    ['in_transit', 'out_for_delivery'],
    ['out_for_delivery', 'failed_attempt'],
    ['failed_attempt', 'out_for_delivery'],
    ['failed_attempt', 'available_for_pickup'],
    ['available_for_pickup', 'delivered'],
    ['in_transit', 'delivered'],
    ['in_transit', 'exception'],
    ['info_received', 'expired'],
    ['expired', 'in_transit'],
    ['expired', 'delivered'],
  ])('%s -> %s moves forward', (from, to) => {
    expect(isForwardMove(from, to)).toBe(true);
  });

  it.each<[Milestone, Milestone]>([
    ['in_transit', 'in_transit'],
    ['in_transit', 'info_received'],
    ['out_for_delivery', 'in_transit'],
    ['in_transit', 'pending'],
    ['info_received', 'not_found'],
    ['not_found', 'pending'],
    ['delivered', 'in_transit'],
    ['delivered', 'out_for_delivery'],
    ['delivered', 'expired'],
    ['delivered', 'failed_attempt'],
  ])('%s -> %s does not move', (from, to) => {
    expect(isForwardMove(from, to)).toBe(false);
  });

  it('lets a newer scan refine the reason within a milestone', () => {
    expect(isForwardMove({ milestone: 'in_transit', reason: 'arrived_hub' }, { milestone: 'in_transit', reason: 'departed_hub' })).toBe(true);
    expect(isForwardMove({ milestone: 'delivered', reason: 'left_at_door' }, { milestone: 'delivered', reason: 'signed' })).toBe(true);
    expect(isForwardMove({ milestone: 'in_transit', reason: 'forwarded' }, { milestone: 'in_transit', reason: 'forwarded' })).toBe(false);
  });

  it('moves delivered to a return only (delivered-then-returned parcels)', () => {
    const delivered = { milestone: 'delivered', reason: 'signed' } as const;
    expect(isForwardMove(delivered, { milestone: 'exception', reason: 'returning' })).toBe(true);
    expect(isForwardMove(delivered, { milestone: 'exception', reason: 'returned' })).toBe(true);
    expect(isForwardMove(delivered, { milestone: 'exception', reason: 'customs_hold' })).toBe(false);
    expect(isForwardMove(delivered, { milestone: 'exception', reason: 'lost' })).toBe(false);
  });

  it('keeps a returning parcel on the return path', () => {
    const returning = { milestone: 'exception', reason: 'returning' } as const;
    expect(isForwardMove(returning, { milestone: 'exception', reason: 'returned' })).toBe(true);
    expect(isForwardMove(returning, { milestone: 'exception', reason: 'lost' })).toBe(true);
    expect(isForwardMove(returning, { milestone: 'in_transit', reason: 'arrived_hub' })).toBe(false);
    expect(isForwardMove(returning, { milestone: 'delivered', reason: 'signed' })).toBe(false);
    expect(isForwardMove(returning, { milestone: 'exception', reason: 'delayed_carrier' })).toBe(false);
  });

  it('treats returned and destroyed as terminal', () => {
    for (const reason of ['returned', 'destroyed'] as const) {
      const terminal = { milestone: 'exception', reason } as const;
      expect(isForwardMove(terminal, { milestone: 'in_transit', reason: 'arrived_hub' })).toBe(false);
      expect(isForwardMove(terminal, { milestone: 'delivered', reason: 'signed' })).toBe(false);
      expect(isForwardMove(terminal, 'expired')).toBe(false);
      expect(isForwardMove(terminal, { milestone: 'exception', reason: 'lost' })).toBe(false);
    }
  });

  it('leaves a non-terminal exception on progress, not on an earlier stage', () => {
    const hold = { milestone: 'exception', reason: 'customs_hold' } as const;
    expect(isForwardMove(hold, { milestone: 'in_transit', reason: 'customs_released' })).toBe(true);
    expect(isForwardMove({ milestone: 'exception', reason: 'lost' }, { milestone: 'delivered', reason: 'signed' })).toBe(true);
    expect(isForwardMove(hold, { milestone: 'info_received', reason: 'label_created' })).toBe(false);
    expect(isForwardMove(hold, { milestone: 'exception', reason: 'duties_unpaid' })).toBe(true);
  });
});
