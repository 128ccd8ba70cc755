import { describe, expect, it } from '@jest/globals';
import { isForwardMove, isValidStatus } from '@parcelwatch/contracts';
import { DateTime } from 'luxon';
import { generateJourney } from './journey.generator.js';
import { createJourneyStore } from './journey.store.js';
import { DEFAULT_JOURNEY_RATES } from './journey.types.js';
import { s10CheckDigit, seededTrackingNumbers } from './tracking-numbers.js';

const SHIPPED = DateTime.fromISO('2025-03-01T02:00:00Z');

describe('generateJourney', () => {
  it('gives the same journey for the same seed and number, and another for another seed', () => {
    const request = { trackingNumber: 'LX123456785CN', shippedAt: SHIPPED };
    expect(generateJourney(7, request)).toEqual(generateJourney(7, request));
    expect(generateJourney(8, request).events).not.toEqual(generateJourney(7, request).events);
  });

  it('builds ordered timelines of valid statuses on both lanes, with true local offsets', () => {
    const numbers = seededTrackingNumbers(3, 150);
    const lanes = new Set<string>();
    for (const trackingNumber of numbers) {
      const journey = generateJourney(3, { trackingNumber, shippedAt: SHIPPED });
      lanes.add(journey.lane);
      const times = journey.events.map((event) => Date.parse(event.occurredAt));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(journey.events[0]?.kind).toBe('label_created');
      for (const event of journey.events) {
        expect(isValidStatus(event.milestone, event.reason)).toBe(true);
        const local = DateTime.fromISO(`${event.localTime}${event.utcOffset}`, { setZone: true });
        expect(local.toMillis()).toBe(Date.parse(event.occurredAt));
        if (event.place.country === 'CN') expect(event.utcOffset).toBe('+08:00');
      }
      expect(isValidStatus(journey.finalStatus.milestone, journey.finalStatus.reason)).toBe(true);
    }
    expect(lanes).toEqual(new Set(['CN-US', 'CN-EU']));
  });

  it('makes every next event a forward move for the taxonomy (repeated out-for-delivery aside)', () => {
    for (const trackingNumber of seededTrackingNumbers(5, 200)) {
      const journey = generateJourney(5, { trackingNumber, shippedAt: SHIPPED });
      for (let i = 1; i < journey.events.length; i += 1) {
        const from = journey.events[i - 1]!;
        const to = journey.events[i]!;
        if (from.kind === 'out_for_delivery' && to.kind === 'out_for_delivery') continue;
        expect({ from: from.kind, to: to.kind, forward: isForwardMove(from, to) }).toEqual({ from: from.kind, to: to.kind, forward: true });
      }
    }
  });

  it('plays out forced outcomes and incidents', () => {
    const base = { shippedAt: SHIPPED, lane: 'CN-US' as const };
    const returned = generateJourney(1, { ...base, trackingNumber: 'R1', outcome: 'returned' });
    expect(returned.finalStatus).toEqual({ milestone: 'exception', reason: 'returned' });
    expect(returned.failedAttempts).toBeGreaterThanOrEqual(1);
    expect(returned.failedAttempts).toBeLessThanOrEqual(3);

    const lost = generateJourney(1, { ...base, trackingNumber: 'L1', outcome: 'lost' });
    expect(lost.finalStatus).toEqual({ milestone: 'exception', reason: 'lost' });
    expect(lost.events.some((event) => event.milestone === 'delivered')).toBe(false);

    const held = generateJourney(1, { ...base, trackingNumber: 'H1', outcome: 'delivered', incidents: ['customs_documents', 'stall', 'damaged'] });
    const kinds = held.events.map((event) => event.kind);
    expect(kinds).toContain('customs_hold_documents');
    expect(kinds.indexOf('customs_released')).toBeGreaterThan(kinds.indexOf('customs_hold_documents'));
    expect(kinds).toContain('damaged');
    expect(held.finalStatus.milestone).toBe('delivered');
    const gaps = held.events.slice(1).map((event, i) => Date.parse(event.occurredAt) - Date.parse(held.events[i]!.occurredAt));
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(6 * 86_400_000);
  });

  it('returns a missorted parcel by the carrier\'s fault, without a delivery attempt, and leaves other journeys unchanged', () => {
    const base = { shippedAt: SHIPPED, lane: 'CN-US' as const, trackingNumber: 'R2', outcome: 'returned' as const };
    const fault = generateJourney(1, { ...base, incidents: ['missorted'] });
    const kinds = fault.events.map((event) => event.kind);
    expect(kinds.slice(-3)).toEqual(['missorted', 'returning', 'returned']);
    expect(fault.events.find((event) => event.kind === 'missorted')).toMatchObject({ milestone: 'exception', reason: 'delayed_carrier' });
    expect(fault.failedAttempts).toBe(0);
    expect(kinds).not.toContain('out_for_delivery');
    expect(fault.incidents).toContain('missorted');
    // The same request without it draws the same parcel: only the missorting differs.
    const refused = generateJourney(1, base);
    expect(refused.events.slice(0, kinds.indexOf('missorted'))).toEqual(fault.events.slice(0, kinds.indexOf('missorted')));
    // On a delivered journey the incident means nothing.
    expect(generateJourney(1, { ...base, outcome: 'delivered', incidents: ['missorted'] }).events).toEqual(generateJourney(1, { ...base, outcome: 'delivered' }).events);
  });

  it('draws incidents near the configured rates and leaves some zones unknown', () => {
    const journeys = seededTrackingNumbers(9, 1_000).map((trackingNumber) => generateJourney(9, { trackingNumber, shippedAt: SHIPPED }));
    const share = (test: (j: (typeof journeys)[number]) => boolean) => journeys.filter(test).length / journeys.length;
    expect(share((j) => j.incidents.includes('customs_documents'))).toBeCloseTo(DEFAULT_JOURNEY_RATES.customsDocuments, 1);
    expect(share((j) => j.incidents.includes('stall'))).toBeCloseTo(DEFAULT_JOURNEY_RATES.stall, 1);
    expect(share((j) => j.outcome === 'lost')).toBeCloseTo(DEFAULT_JOURNEY_RATES.lost, 1);
    expect(share((j) => j.events.some((e) => !e.zoneKnown))).toBeGreaterThan(0.1);
    expect(share((j) => j.events.every((e) => e.zoneKnown))).toBeGreaterThan(0.5);
  });
});

describe('journey store', () => {
  it('shows only the events that happened by the clock, and keeps the first journey of a number', () => {
    let now = SHIPPED;
    const store = createJourneyStore({ seed: 4, rates: DEFAULT_JOURNEY_RATES, now: () => now });
    const [journey] = store.create([{ trackingNumber: 'LX000000000CN' }]);
    expect(store.visibleEvents(journey!, now).map((e) => e.kind)).toEqual(['label_created']);
    now = DateTime.fromISO(journey!.events[3]!.occurredAt);
    expect(store.visibleEvents(journey!, now)).toHaveLength(4);
    now = now.plus({ days: 90 });
    expect(store.visibleEvents(journey!, now)).toEqual(journey!.events);
    expect(store.create([{ trackingNumber: 'LX000000000CN', outcome: 'lost' }])[0]).toBe(journey);
    expect(store.getByOrderId(journey!.orderId)).toBe(journey);
  });

  it('creates the same seeded batch for the same seed', () => {
    const make = () => createJourneyStore({ seed: 12, rates: DEFAULT_JOURNEY_RATES, now: () => SHIPPED }).createBatch({ count: 20, spreadDays: 10 });
    expect(make()).toEqual(make());
  });
});

describe('seeded tracking numbers', () => {
  it('gives S10 numbers with a valid check digit', () => {
    const s10 = seededTrackingNumbers(1, 50).filter((n) => n.endsWith('CN'));
    expect(s10.length).toBeGreaterThan(10);
    for (const number of s10) expect(Number(number[10])).toBe(s10CheckDigit(number.slice(2, 10)));
    // The UPU's own example: AA 47312482 9 GB.
    expect(s10CheckDigit('47312482')).toBe(9);
  });
});
