// The journeys of the exception e2e: each kind the issue names several times, chosen from the
// seeded generator by their true timelines, with the promised date, order value and buyer zone
// each is registered with.
import { generateJourney, type Journey, type JourneyIncident, type JourneyOutcome, type JourneyRates } from '@parcelwatch/carrier-sandbox';
import { DateTime } from 'luxon';
import { expectedFor, type Expected, type RegisteredJourney } from './exception-pipeline.oracle.js';

export const SEED = 23;
export const START = '2025-03-20T00:00:00Z';
export const STEP_HOURS = 12;
export const STEPS = 90; // 45 days

/** Only the forced incidents happen; every carrier reports its zone (the tracking e2e covers zoneless scans). */
export const FORCED_ONLY: JourneyRates = { stall: 0, customsDocuments: 0, failedAttempt: 0, returned: 0, lost: 0, damaged: 0, noZone: 0 };

interface Spec {
  name: string;
  count: number;
  outcome: JourneyOutcome;
  incidents?: JourneyIncident[];
  /** Days the registered promise is moved earlier than the journey's, so tiers 1 and 2 occur. */
  shiftDays?: number;
  accept?: (journey: Journey) => boolean;
  /** What the oracle must expect of it, e.g. a delay tier (the poller only sees what a step catches). */
  want?: (expected: Expected) => boolean;
  /** Only journeys whose outcome differs between a postal (7-day stall) and a courier (5-day) lane. */
  laneMatters?: boolean;
}

const SPECS: Spec[] = [
  { name: 'on-time', count: 6, outcome: 'delivered' },
  { name: 'late-tier1', count: 4, outcome: 'delivered', shiftDays: 9, want: (e) => e.tier === 1 },
  { name: 'late-tier2', count: 4, outcome: 'delivered', shiftDays: 21, want: (e) => e.tier === 2 },
  { name: 'stall', count: 6, outcome: 'delivered', incidents: ['stall'] },
  { name: 'stall-6-days', count: 4, outcome: 'delivered', incidents: ['stall'], laneMatters: true },
  { name: 'customs', count: 5, outcome: 'delivered', incidents: ['customs_documents'], shiftDays: 3 },
  ...[1, 2, 3].map((attempts) => ({ name: `failed-${attempts}`, count: 3, outcome: 'delivered' as const, incidents: ['failed_attempts' as const], accept: (j: Journey) => j.failedAttempts === attempts })),
  { name: 'lost-carrier', count: 4, outcome: 'lost', accept: (j) => !j.incidents.includes('silent_loss') },
  { name: 'lost-silent', count: 4, outcome: 'lost', incidents: ['silent_loss'] },
  { name: 'returned', count: 4, outcome: 'returned', shiftDays: 4 },
  { name: 'returned-carrier-fault', count: 4, outcome: 'returned', incidents: ['missorted'], shiftDays: 4 },
  { name: 'damaged', count: 4, outcome: 'delivered', incidents: ['damaged'], shiftDays: 2, want: (e) => e.exceptions.some((x) => x.kind === 'damaged') },
];

const ORDER_VALUES = [
  { amountMinor: 2000, currency: 'USD' },
  { amountMinor: 4500, currency: 'USD' },
  { amountMinor: 8000, currency: 'USD' },
  { amountMinor: 15000, currency: 'USD' },
  { amountMinor: 4000, currency: 'EUR' },
] as const;

const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7];
function s10(serial: number): string {
  const digits = String(serial).padStart(8, '0');
  const sum = [...digits].reduce((total, d, i) => total + Number(d) * S10_WEIGHTS[i]!, 0);
  const check = 11 - (sum % 11);
  return `LX${digits}${check === 10 ? 0 : check === 11 ? 5 : check}CN`;
}

export function stepTimes(): number[] {
  const start = Date.parse(START);
  return Array.from({ length: STEPS }, (_, k) => start + (k + 1) * STEP_HOURS * 3_600_000);
}

export interface PlannedShipment extends RegisteredJourney {
  spec: string;
  shippedAt: string;
  /** The incidents forced on the sandbox (the journey's own list also names derived ones). */
  incidents: JourneyIncident[];
  expected: Expected;
}

/**
 * Walks numbered candidates per spec (alternating China Post S10 numbers, a postal lane, and
 * YunExpress ones) until enough journeys fit it and none is ambiguous for the oracle.
 */
export function planShipments(): PlannedShipment[] {
  const steps = stepTimes();
  const planned: PlannedShipment[] = [];
  let serial = 10_000_000;
  for (const spec of SPECS) {
    let found = 0;
    for (let tries = 0; found < spec.count; tries += 1) {
      if (tries > 500) throw new Error(`no journey fits ${spec.name}`);
      serial += 1;
      const postal = serial % 2 === 0;
      const trackingNumber = postal ? s10(serial) : `YT${String(serial).padStart(16, '0')}`;
      const shippedAt = DateTime.fromISO(START, { zone: 'utc' }).plus({ hours: 6 * (serial % 4) });
      const journey = generateJourney(SEED, { trackingNumber, shippedAt, outcome: spec.outcome, incidents: spec.incidents ?? [] }, FORCED_ONLY);
      if (spec.accept && !spec.accept(journey)) continue;
      const index = planned.length;
      const promised = DateTime.fromISO(journey.promisedDeliveryDate).minus({ days: spec.shiftDays ?? 0 }).toISODate()!;
      const registered: RegisteredJourney = { journey, promisedDeliveryDate: promised, orderValue: ORDER_VALUES[index % ORDER_VALUES.length]!, postal };
      const expected = expectedFor(registered, steps);
      if (expected.ambiguous !== null || (spec.want && !spec.want(expected))) continue;
      if (spec.laneMatters && JSON.stringify(expectedFor({ ...registered, postal: !postal }, steps).exceptions) === JSON.stringify(expected.exceptions)) continue;
      planned.push({ ...registered, spec: spec.name, shippedAt: shippedAt.toISO()!, incidents: spec.incidents ?? [], expected });
      found += 1;
    }
  }
  return planned;
}
