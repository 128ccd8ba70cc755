import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { defaultPolicy, delayTier } from '@parcelwatch/policy';
import { assessDelay, transitEstimate } from '../src/domain/delay.policy.js';
import { DEFAULT_THRESHOLDS } from '../src/domain/thresholds.js';
import { evaluate, iso, ms, openException, parcel } from './detection.fixtures.js';

const tiers = defaultPolicy().tiers;
const limits = DEFAULT_THRESHOLDS.late;

/** Noon in the buyer's zone, `days` local days after the promised date. */
const localNoonAfter = (date: string, zone: string, days: number) => DateTime.fromISO(date, { zone }).plus({ days, hours: 12 }).toUTC().toISO() ?? '';

describe('delay tiers at every boundary', () => {
  it.each([
    [1, null],
    [2, null],
    [3, 1],
    [5, 1],
    [6, 1],
    [13, 1],
    [14, 2],
    [30, 2],
  ] as const)('%i days late -> tier %p', (daysLate, tier) => {
    expect(delayTier(tiers, daysLate)).toBe(tier);
    const promised = parcel({ promisedDeliveryDate: '2025-04-10', buyerTimezone: 'Europe/Berlin' });
    const result = evaluate({ state: promised, now: localNoonAfter('2025-04-10', 'Europe/Berlin', daysLate) });
    expect(result.delay).toMatchObject({ daysLate, tier, reference: { against: 'promised', date: '2025-04-10' } });
    // The late exception's level follows the tier.
    const late = [...result.open, ...result.escalate].filter((step) => step.kind === 'late');
    expect(late.at(-1)).toMatchObject({ ruleFired: tier === null ? 'late@v1' : `late@v1:tier${tier}` });
  });

  it('escalates late from low to medium at 3 days and to high at 14', () => {
    const promised = parcel({ promisedDeliveryDate: '2025-04-10', buyerTimezone: 'Europe/Berlin' });
    const three = evaluate({ state: promised, now: localNoonAfter('2025-04-10', 'Europe/Berlin', 3), open: [openException('late', 0, 'low')], recorded: { promised: 2 } });
    expect(three.escalate).toEqual([expect.objectContaining({ kind: 'late', fromSeverity: 'low', toSeverity: 'medium', toLevel: 1 })]);
    const fourteen = evaluate({ state: promised, now: localNoonAfter('2025-04-10', 'Europe/Berlin', 14), open: [openException('late', 1, 'medium')], recorded: { promised: 13 } });
    expect(fourteen.escalate).toEqual([expect.objectContaining({ fromSeverity: 'medium', toSeverity: 'high', toLevel: 2 })]);
  });

  it('announces a delay only when daysLate grows past what is recorded', () => {
    const promised = parcel({ promisedDeliveryDate: '2025-04-10', buyerTimezone: 'UTC' });
    expect(evaluate({ state: promised, now: '2025-04-15T12:00:00Z', recorded: { promised: 5 } }).delay).toBeNull();
    expect(evaluate({ state: promised, now: '2025-04-15T12:00:00Z', recorded: { promised: 4 } }).delay).toMatchObject({ daysLate: 5 });
  });
});

describe('the buyer time zone', () => {
  it('UTC-10 (Honolulu): the promised day ends at 10:00 UTC the next day', () => {
    const promised = parcel({ promisedDeliveryDate: '2025-06-01', buyerTimezone: 'Pacific/Honolulu' });
    const before = evaluate({ state: promised, now: '2025-06-02T09:59:59Z' });
    expect(before.delay).toBeNull();
    expect(iso(before.nextCheckAt)).toBe('2025-06-02T10:00:00.000Z');
    expect(evaluate({ state: promised, now: '2025-06-02T10:00:00Z' }).delay).toMatchObject({ daysLate: 1, tier: null, deadline: ms('2025-06-02T10:00:00Z') });
    // 3 days late from 10:00 UTC on the 4th: still 2 a second before.
    expect(evaluate({ state: promised, now: '2025-06-04T09:59:59Z' }).delay).toMatchObject({ daysLate: 2, tier: null });
    expect(evaluate({ state: promised, now: '2025-06-04T10:00:00Z' }).delay).toMatchObject({ daysLate: 3, tier: 1 });
  });

  it('UTC+13 (Tongatapu): the promised day ends at 11:00 UTC on that same date', () => {
    const promised = parcel({ promisedDeliveryDate: '2025-06-01', buyerTimezone: 'Pacific/Tongatapu' });
    expect(evaluate({ state: promised, now: '2025-06-01T10:59:59Z' }).delay).toBeNull();
    const late = evaluate({ state: promised, now: '2025-06-01T11:00:00Z' });
    expect(late.delay).toMatchObject({ daysLate: 1, deadline: ms('2025-06-01T11:00:00Z') });
    expect(iso(late.nextCheckAt)).toBe('2025-06-02T11:00:00.000Z');
    // In UTC it is still 1 June at 12:00, yet the buyer in Tonga is on the 14th day after 1 June.
    expect(evaluate({ state: promised, now: '2025-06-14T11:00:00Z' }).delay).toMatchObject({ daysLate: 14, tier: 2 });
  });

  it('a DST change (New York, 9 March 2025) shifts the deadline by an hour in UTC, not the day count', () => {
    const promised = parcel({ promisedDeliveryDate: '2025-03-07', buyerTimezone: 'America/New_York' });
    // 7 March ends at midnight EST = 05:00 UTC on the 8th.
    expect(evaluate({ state: promised, now: '2025-03-08T04:59:59Z' }).delay).toBeNull();
    expect(evaluate({ state: promised, now: '2025-03-08T05:00:00Z' }).delay).toMatchObject({ daysLate: 1 });
    // 9 March has 23 hours; day 2 ends at midnight EDT = 04:00 UTC on the 10th.
    const day2 = evaluate({ state: promised, now: '2025-03-09T12:00:00Z' });
    expect(day2.delay).toMatchObject({ daysLate: 2 });
    expect(iso(day2.nextCheckAt)).toBe('2025-03-10T04:00:00.000Z');
    expect(evaluate({ state: promised, now: '2025-03-10T03:59:59Z' }).delay).toMatchObject({ daysLate: 2 });
    expect(evaluate({ state: promised, now: '2025-03-10T04:00:00Z' }).delay).toMatchObject({ daysLate: 3, tier: 1 });
    // A 24-hour count would say 13 at this instant (13 x 24 h after 05:00 UTC on the 8th is 05:00 on the 21st).
    expect(evaluate({ state: promised, now: '2025-03-21T04:00:00Z' }).delay).toMatchObject({ daysLate: 14, tier: 2 });
  });

  it('an unknown zone falls back to UTC rather than failing', () => {
    const promised = parcel({ promisedDeliveryDate: '2025-06-01', buyerTimezone: 'Mars/Olympus_Mons' });
    expect(evaluate({ state: promised, now: '2025-06-02T00:00:00Z' }).delay).toMatchObject({ daysLate: 1, reference: { timeZone: 'UTC' } });
  });
});

describe('late against the estimate', () => {
  it('uses the p90 of the carrier + lane history once there are enough samples, else the defaults', () => {
    expect(transitEstimate({ p50Days: 8, p90Days: 11, samples: 29 }, limits)).toEqual({ p50Days: 12, p90Days: 20, samples: 29, source: 'default' });
    expect(transitEstimate({ p50Days: 8, p90Days: 11, samples: 30 }, limits)).toEqual({ p50Days: 8, p90Days: 11, samples: 30, source: 'history' });
  });

  it('counts days late after pickup + p90 transit days, in the buyer zone', () => {
    // Picked up 1 March 08:00 UTC; + 20 days = 21 March (New York) ends 04:00 UTC on the 22nd.
    const unpromised = parcel({ lastCheckpointAt: ms('2025-03-20T00:00:00Z') });
    expect(evaluate({ state: unpromised, now: '2025-03-22T03:59:59Z' }).delay).toBeNull();
    const late = evaluate({ state: unpromised, now: '2025-03-22T04:00:00Z' });
    expect(late.delay).toMatchObject({ daysLate: 1, reference: { against: 'estimated', date: '2025-03-21' } });
    // Against an estimate the parcel is delayed, but the promise-based late exception does not open.
    expect(late.open.map((o) => o.kind)).not.toContain('late');
  });

  it('freezes the delay at delivery: a late delivery is recorded once and never grows', () => {
    const delivered = parcel({ promisedDeliveryDate: '2025-03-14', status: 'delivered', statusReason: 'signed', deliveredAt: ms('2025-03-20T15:00:00Z'), statusAt: ms('2025-03-20T15:00:00Z') });
    const result = evaluate({ state: delivered, now: '2025-04-30T00:00:00Z', open: [openException('late', 1, 'medium')], recorded: { promised: 5 } });
    expect(result.delay).toMatchObject({ daysLate: 6, tier: 1, nextCheckAt: null });
    expect(result.resolve).toEqual([expect.objectContaining({ resolution: 'delivered' })]);
    expect(result.nextCheckAt).toBeNull();
  });
});

describe('assessDelay', () => {
  it('stops looking daily once the parcel is 60 days late (handled as lost by then)', () => {
    const reference = { against: 'promised' as const, date: '2025-03-14', timeZone: 'UTC' };
    expect(assessDelay(reference, ms('2025-05-12T12:00:00Z'), false, limits, tiers)).toMatchObject({ daysLate: 59, nextCheckAt: ms('2025-05-13T00:00:00Z') });
    expect(assessDelay(reference, ms('2025-05-13T12:00:00Z'), false, limits, tiers)).toMatchObject({ daysLate: 60, tier: 2, nextCheckAt: null });
  });

  it('is 0 days late before the deadline and looks again at the deadline', () => {
    const reference = { against: 'promised' as const, date: '2025-03-14', timeZone: 'UTC' };
    expect(assessDelay(reference, ms('2025-03-14T23:59:59Z'), false, limits, tiers)).toMatchObject({ daysLate: 0, nextCheckAt: ms('2025-03-15T00:00:00Z') });
  });
});
