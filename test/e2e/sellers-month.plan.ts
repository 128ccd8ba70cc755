// One seller's month: which parcels it ships, to whom, for how much, through which intake and
// tracking provider, and which journey the carrier sandbox is asked to play for each. Journeys
// come from the sandbox's own seeded generator (the same call the sandbox makes), chosen by
// their true timelines, so the plan knows what each parcel will go through.
import { generateJourney, type Journey, type JourneyEvent, type JourneyIncident, type JourneyOutcome, type JourneyRates, type Lane } from '@parcelwatch/carrier-sandbox';
import { DateTime } from 'luxon';

export const SEED = 16;
/** 17:00 UTC: every step lands in the buyers' day, from Los Angeles to Rome (no quiet hours). */
export const START = '2026-11-01T17:00:00Z';
/** Simulated hours per step of the month. */
export const STEP_HOURS = 24;
/** The month, plus the tail in which the last parcels settle and silent losses show. */
export const DAYS = 40;
/** Only the incidents the plan asks for happen; every carrier reports its zone. */
export const FORCED_ONLY: JourneyRates = { stall: 0, customsDocuments: 0, failedAttempt: 0, returned: 0, lost: 0, damaged: 0, noZone: 0 };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type Intake = 'api' | 'csv';
export type Provider = '17track' | 'aftership';

export interface Buyer {
  email: string;
  locale: string;
  phone?: string;
  /** Spend with this seller before parcelwatch (CSV/intake history), minor units. */
  historySpendMinor?: number;
}

export interface PlannedParcel {
  scenario: string;
  orderId: string;
  journey: Journey;
  /** The request that makes the sandbox generate exactly this journey. */
  request: { trackingNumber: string; shippedAt: string; lane: Lane; outcome: JourneyOutcome; incidents: JourneyIncident[]; orderId: string };
  promisedDeliveryDate: string;
  orderValue: { amountMinor: number; currency: 'USD' | 'EUR' };
  buyer: Buyer;
  intake: Intake;
  provider: Provider;
  /** When the seller registers it (ISO): at shipping, or later for the backlog. */
  registerAt: string;
}

interface Scenario {
  name: string;
  count: number;
  lane: Lane | ((i: number) => Lane);
  outcome: JourneyOutcome;
  incidents?: JourneyIncident[];
  accept?: (journey: Journey) => boolean;
  /** The promised date: the journey's own unless a delay (days after it) is wanted. */
  lateDays?: number;
  value: (i: number) => { amountMinor: number; currency: 'USD' | 'EUR' };
  buyer?: (i: number) => Buyer;
  intake: Intake | ((i: number) => Intake);
  provider: Provider | ((i: number) => Provider);
  /** Shipped this many days before the month starts (the backlog a seller brings along). */
  shippedDaysBefore?: number;
}

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' as const });
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' as const });

const gapOf = (journey: Journey, from: string, to: string): number => {
  const a = journey.events.find((e) => e.kind === from);
  const b = journey.events.find((e) => e.kind === to);
  return a && b ? Date.parse(b.occurredAt) - Date.parse(a.occurredAt) : 0;
};
/** The longest time between two consecutive scans. */
const longestSilence = (journey: Journey): number =>
  journey.events.slice(1).reduce((most, e, i) => Math.max(most, Date.parse(e.occurredAt) - Date.parse(journey.events[i]!.occurredAt)), 0);
const has = (journey: Journey, kind: string) => journey.events.some((e) => e.kind === kind);
/** The return scan comes within a few scans of the damage: the carrier broke it, then sent it back. */
const damagedThenReturned = (journey: Journey): boolean => {
  const damaged = journey.events.findIndex((e) => e.kind === 'damaged');
  const returning = journey.events.findIndex((e) => e.kind === 'returning');
  return damaged >= 0 && returning > damaged && returning - damaged <= 5;
};

/** Repeat buyers: a VIP with history, a frequent small buyer, and the backlog's big buyer. */
export const VIP: Buyer = { email: 'mara.vip@buyers.example', locale: 'en-US', phone: '+1 555 0100001', historySpendMinor: 48_000 };
/** Orders whose lost claim ops hold until the carrier's trace comes back (the seller does not approve it). */
export const FOUND_AFTER_LOSS = 'PW-FOUND-AFTER-LOSS-0';

const REGULAR: Buyer = { email: 'sam.regular@buyers.example', locale: 'en-US' };
const BULK: Buyer = { email: 'office.bulk@buyers.example', locale: 'en-GB' };
const buyerN = (scenario: string, i: number): Buyer => ({
  email: `${scenario}.${i}@buyers.example`,
  locale: i % 2 === 0 ? 'en-US' : 'en-GB',
  ...(i % 2 === 0 ? { phone: `+1 555 ${String(200_000 + scenario.length * 100 + i).padStart(7, '0')}` } : {}),
});

const SCENARIOS: Scenario[] = [
  // A dozen orders of one office buyer, shipped before the seller started and already two weeks
  // late when imported: green channel (their own spend crosses 500 USD), and together more than a
  // day's compensation budget.
  { name: 'backlog', count: 12, lane: 'CN-US', outcome: 'lost', incidents: ['silent_loss'], lateDays: -14, shippedDaysBefore: 27, value: () => usd(9_500), buyer: () => BULK, intake: 'csv', provider: '17track' },
  { name: 'on-time', count: 2, lane: (i) => (i === 0 ? 'CN-US' : 'CN-EU'), outcome: 'delivered', value: (i) => (i === 0 ? usd(2_500) : eur(4_000)), intake: (i) => (i === 0 ? 'api' : 'csv'), provider: (i) => (i === 0 ? '17track' : 'aftership') },
  { name: 'late-minor', count: 2, lane: 'CN-US', outcome: 'delivered', lateDays: 4, value: (i) => (i === 0 ? usd(2_000) : usd(3_500)), buyer: (i) => (i === 0 ? REGULAR : buyerN('late-minor', i)), intake: 'api', provider: '17track' },
  { name: 'late-major', count: 2, lane: (i) => (i === 0 ? 'CN-US' : 'CN-EU'), outcome: 'delivered', lateDays: 16, value: (i) => (i === 0 ? usd(8_000) : eur(14_000)), buyer: (i) => (i === 0 ? REGULAR : buyerN('late-major', i)), intake: 'api', provider: '17track' },
  { name: 'stall', count: 2, lane: 'CN-EU', outcome: 'delivered', incidents: ['stall'], accept: (j) => longestSilence(j) >= 8 * DAY, value: () => eur(3_000), intake: 'api', provider: (i) => (i === 0 ? '17track' : 'aftership') },
  { name: 'customs-hold', count: 2, lane: 'CN-US', outcome: 'delivered', incidents: ['customs_documents'], accept: (j) => gapOf(j, 'customs_hold_documents', 'customs_released') >= 4.5 * DAY, value: () => usd(5_000), intake: 'api', provider: (i) => (i === 0 ? '17track' : 'aftership') },
  { name: 'failed-twice', count: 1, lane: 'CN-US', outcome: 'delivered', incidents: ['failed_attempts'], accept: (j) => j.failedAttempts === 2, value: () => usd(4_000), intake: 'api', provider: '17track' },
  { name: 'pickup-collected', count: 1, lane: 'CN-US', outcome: 'delivered', incidents: ['failed_attempts'], accept: (j) => j.failedAttempts === 3, value: () => usd(2_900), intake: 'api', provider: '17track' },
  { name: 'pickup-uncollected', count: 2, lane: (i) => (i === 0 ? 'CN-US' : 'CN-EU'), outcome: 'returned', accept: (j) => j.failedAttempts === 3 && gapOf(j, 'available_for_pickup', 'returning') >= 6 * DAY, value: () => usd(4_500), intake: 'api', provider: '17track' },
  { name: 'damaged', count: 2, lane: 'CN-US', outcome: 'delivered', incidents: ['damaged'], value: (i) => (i === 0 ? usd(2_500) : usd(4_500)), buyer: (i) => (i === 0 ? REGULAR : buyerN('damaged', i)), intake: 'api', provider: (i) => (i === 0 ? '17track' : 'aftership') },
  { name: 'lost-carrier', count: 2, lane: 'CN-US', outcome: 'lost', accept: (j) => has(j, 'lost'), value: (i) => (i === 0 ? usd(6_000) : usd(18_000)), intake: 'api', provider: '17track' },
  // Dark in the destination network for over 30 days, reported lost, then delivered after all;
  // ops hold its lost claim for the carrier's trace (FOUND_AFTER_LOSS), so delivery cancels it.
  { name: 'found-after-loss', count: 1, lane: 'CN-US', outcome: 'delivered', incidents: ['silent_until_delivery'], shippedDaysBefore: 8, accept: (j) => deliveredLocalDate(j) !== null, value: () => usd(5_500), intake: 'api', provider: '17track' },
  // Out for delivery two days without a scan, then delivered: the buyer hears it is overdue.
  { name: 'out-for-delivery-overdue', count: 1, lane: 'CN-US', outcome: 'delivered', incidents: ['out_for_delivery_overnight'], accept: (j) => gapOf(j, 'out_for_delivery', 'delivered') >= 2 * DAY, value: () => usd(3_200), intake: 'api', provider: '17track' },
  { name: 'lost-silent', count: 1, lane: 'CN-EU', outcome: 'lost', incidents: ['silent_loss'], value: () => eur(2_500), intake: 'api', provider: '17track' },
  { name: 'returned-refused', count: 1, lane: 'CN-US', outcome: 'returned', accept: (j) => !has(j, 'damaged') && j.failedAttempts < 3, value: () => usd(3_000), intake: 'api', provider: '17track' },
  { name: 'returned-carrier-fault', count: 2, lane: 'CN-US', outcome: 'returned', incidents: ['damaged'], accept: damagedThenReturned, value: (i) => (i === 0 ? usd(2_800) : usd(7_000)), intake: 'api', provider: '17track' },
  // The VIP's orders: the first imported with her history (480 USD before parcelwatch).
  { name: 'vip', count: 3, lane: 'CN-US', outcome: 'delivered', value: () => usd(3_000), buyer: () => VIP, intake: (i) => (i === 0 ? 'csv' : 'api'), provider: '17track' },
  { name: 'vip-damaged', count: 1, lane: 'CN-US', outcome: 'delivered', incidents: ['damaged'], value: () => usd(4_500), buyer: () => VIP, intake: 'api', provider: '17track' },
  { name: 'vip-lost', count: 1, lane: 'CN-US', outcome: 'lost', accept: (j) => has(j, 'lost'), value: () => usd(6_000), buyer: () => VIP, intake: 'api', provider: '17track' },
];

const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7];
function s10(serial: number): string {
  const digits = String(serial).padStart(8, '0');
  const sum = [...digits].reduce((total, d, i) => total + Number(d) * S10_WEIGHTS[i]!, 0);
  const check = 11 - (sum % 11);
  return `LX${digits}${check === 10 ? 0 : check === 11 ? 5 : check}CN`;
}

function deliveredLocalDate(journey: Journey): string | null {
  const delivered = journey.events.find((e: JourneyEvent) => e.milestone === 'delivered');
  return delivered ? DateTime.fromISO(delivered.occurredAt, { zone: journey.destination.zone }).toISODate() : null;
}

/** The month's parcels, in the order the seller registers them. */
export function planMonth(): PlannedParcel[] {
  const start = DateTime.fromISO(START, { zone: 'utc' });
  const parcels: PlannedParcel[] = [];
  let serial = 31_000_000;
  let shipped = 0;
  for (const scenario of SCENARIOS) {
    let found = 0;
    for (let tries = 0; found < scenario.count; tries += 1) {
      if (tries > 800) throw new Error(`no journey fits ${scenario.name}`);
      serial += 1;
      // Two carriers: China Post (S10, a postal lane) and YunExpress.
      const trackingNumber = serial % 2 === 0 ? s10(serial) : `YT${String(serial).padStart(16, '0')}`;
      const pick = <T>(v: T | ((i: number) => T)): T => (typeof v === 'function' ? (v as (i: number) => T)(found) : v);
      const shippedAt = scenario.shippedDaysBefore !== undefined ? start.minus({ days: scenario.shippedDaysBefore, hours: found }) : start.plus({ hours: 6 + 7 * shipped });
      const orderId = `PW-${scenario.name}-${found}`.toUpperCase();
      const request = { trackingNumber, shippedAt: shippedAt.toISO()!, lane: pick(scenario.lane), outcome: scenario.outcome, incidents: scenario.incidents ?? [], orderId };
      const journey = generateJourney(SEED, { ...request, shippedAt }, FORCED_ONLY);
      if (scenario.accept && !scenario.accept(journey)) continue;
      let promised = journey.promisedDeliveryDate;
      if (scenario.lateDays !== undefined && scenario.lateDays > 0) {
        const delivered = deliveredLocalDate(journey);
        if (delivered === null) continue;
        promised = DateTime.fromISO(delivered).minus({ days: scenario.lateDays }).toISODate()!;
      } else if (scenario.lateDays !== undefined) {
        // Already this many days late when the seller registers it (at the month's start).
        promised = start.setZone(journey.destination.zone).plus({ days: scenario.lateDays }).toISODate()!;
      }
      parcels.push({
        scenario: scenario.name,
        orderId,
        journey,
        request,
        promisedDeliveryDate: promised,
        orderValue: scenario.value(found),
        buyer: scenario.buyer?.(found) ?? buyerN(scenario.name, found),
        intake: pick(scenario.intake),
        provider: pick(scenario.provider),
        registerAt: (shippedAt < start ? start.plus({ hours: 1 }) : shippedAt.plus({ hours: 1 })).toISO()!,
      });
      found += 1;
      if (scenario.shippedDaysBefore === undefined) shipped += 1;
    }
  }
  return parcels.sort((a, b) => a.registerAt.localeCompare(b.registerAt) || a.orderId.localeCompare(b.orderId));
}

/** The steps' instants (ms), from the first step after START. */
export function stepTimes(): number[] {
  const start = Date.parse(START);
  return Array.from({ length: (DAYS * 24) / STEP_HOURS }, (_, k) => start + (k + 1) * STEP_HOURS * HOUR);
}
