import type { Journey, JourneyStore } from '@parcelwatch/carrier-sandbox';
import { idFromName } from '@parcelwatch/contracts';
import type { DateTime } from 'luxon';

/*
 * The demo's shipments: the carrier sandbox draws the journeys (its seeded mix of on-time
 * deliveries, stalls, customs holds, failed attempts, losses, returns and damage) and this file
 * dresses them as a few merchants' orders with fake buyers. Everything follows from the seed and
 * the start, so a later `parcelwatch start` can have the sandbox re-create the same journeys.
 */

export const DEMO_SEED = 8;
/** Shipments are handed to the carriers over this many days from the demo's start... */
export const DEMO_SHIPPING_DAYS = 7;
/** ...and the demo runs this long, so most journeys (and their exceptions) play out. */
export const DEMO_DAYS = 35;

export interface DemoMerchant {
  id: string;
  name: string;
  /** The tracking provider this merchant's shipments are registered with. */
  provider: '17track' | 'aftership';
  /** Days the merchant's promised dates are earlier than the carrier's own estimate (an optimistic shop). */
  optimismDays: number;
}

const MERCHANTS: readonly Omit<DemoMerchant, 'id'>[] = [
  { name: 'Shenzhen HomeTech (demo)', provider: '17track', optimismDays: 0 },
  { name: 'Yiwu Kitchenware (demo)', provider: '17track', optimismDays: 4 },
  { name: 'Guangzhou Air Care (demo)', provider: 'aftership', optimismDays: 0 },
  { name: 'Dongguan Smart Plug (demo)', provider: '17track', optimismDays: 2 },
  { name: 'Pearl River Blenders (demo)', provider: 'aftership', optimismDays: 5 },
  { name: 'Ningbo Heaters (demo)', provider: '17track', optimismDays: 0 },
];

export function demoMerchants(): DemoMerchant[] {
  return MERCHANTS.map((merchant, i) => ({ ...merchant, id: idFromName('parcelwatch-demo-merchant', String(i)) }));
}

export interface DemoShipment {
  journey: Journey;
  merchant: DemoMerchant;
  /** The registration body, as the merchant's system would send it to POST /v1/shipments. */
  registration: Record<string, unknown>;
}

/**
 * One journey in this many is returned by the carrier's own fault (missorted at the destination
 * hub and sent back without a delivery attempt), besides the seeded mix's returns, which are
 * mostly the buyer's (refused, unclaimed): the demo shows tier 3 for a carrier-fault return.
 */
export const DEMO_CARRIER_FAULT_RETURN_EVERY = 80;

/** The demo's journeys in the sandbox: one seeded batch, the same on every run with the same start. */
export function createDemoJourneys(store: JourneyStore, start: DateTime, count: number): Journey[] {
  const carrierFault = (index: number) =>
    index % DEMO_CARRIER_FAULT_RETURN_EVERY === DEMO_CARRIER_FAULT_RETURN_EVERY / 2 ? { outcome: 'returned' as const, incidents: ['missorted' as const] } : undefined;
  return store
    .createBatch({ count, spreadDays: DEMO_SHIPPING_DAYS, endAt: start.plus({ days: DEMO_SHIPPING_DAYS }), shape: carrierFault })
    .sort((a, b) => a.shippedAt.localeCompare(b.shippedAt) || a.trackingNumber.localeCompare(b.trackingNumber));
}

const FIRST_NAMES: Record<string, readonly string[]> = {
  US: ['Emily', 'Jacob', 'Sofia', 'Mateo', 'Olivia', 'Ethan', 'Camila', 'Noah'],
  DE: ['Lukas', 'Anna', 'Jonas', 'Lea'],
  FR: ['Camille', 'Louis', 'Chloé', 'Hugo'],
  ES: ['Lucía', 'Pablo', 'Marta', 'Javier'],
  IT: ['Giulia', 'Marco', 'Chiara', 'Luca'],
  NL: ['Sanne', 'Daan', 'Femke', 'Bram'],
};
const LAST_NAMES: Record<string, readonly string[]> = {
  US: ['Johnson', 'García', 'Miller', 'Nguyen', 'Martínez', 'Brown'],
  DE: ['Müller', 'Schmidt', 'Weber', 'Fischer'],
  FR: ['Martin', 'Bernard', 'Dubois', 'Lefèvre'],
  ES: ['García', 'Fernández', 'López', 'Sánchez'],
  IT: ['Rossi', 'Russo', 'Ferrari', 'Esposito'],
  NL: ['de Jong', 'Jansen', 'de Vries', 'Bakker'],
};
const LOCALE: Record<string, string> = { DE: 'de-DE', FR: 'fr-FR', ES: 'es-ES', IT: 'it-IT', NL: 'en-GB' };

function pick<T>(list: readonly T[], n: number): T {
  return list[n % list.length]!;
}

/** A fake buyer: example.com-style addresses and 555 numbers only. */
function demoBuyer(journey: Journey, index: number): Record<string, unknown> {
  const country = journey.destination.country;
  const first = pick(FIRST_NAMES[country] ?? FIRST_NAMES['US']!, index);
  const last = pick(LAST_NAMES[country] ?? LAST_NAMES['US']!, index >> 3);
  // A quarter of US buyers read Spanish.
  const locale = LOCALE[country] ?? (index % 4 === 1 ? 'es-US' : 'en-US');
  const handle = `${first}.${last}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
  return {
    name: `${first} ${last}`,
    email: `${handle}.${index}@buyers.example`,
    ...(index % 2 === 0 ? { phone: country === 'US' ? `+1 555 ${String(1_000_000 + (index % 9_000_000)).slice(1)}` : `+49 555 ${String(1_000_000 + index).slice(1)}` } : {}),
    locale,
    timezone: journey.destination.zone,
    address: {
      line1: `${100 + (index % 900)} Demo Street`,
      city: journey.destination.city,
      ...(journey.destination.state ? { region: journey.destination.state } : {}),
      ...(journey.destination.postalCode ? { postalCode: journey.destination.postalCode } : {}),
      country,
    },
  };
}

const US_VALUES = [1_299, 2_499, 3_999, 5_999, 8_999, 12_900, 24_900] as const;
const EU_VALUES = [1_499, 2_999, 4_499, 7_999, 14_900] as const;

export function demoShipments(journeys: readonly Journey[], merchants: readonly DemoMerchant[]): DemoShipment[] {
  return journeys.map((journey, index) => {
    const merchant = merchants[index % merchants.length]!;
    const us = journey.lane === 'CN-US';
    const promised = new Date(`${journey.promisedDeliveryDate}T00:00:00Z`);
    promised.setUTCDate(promised.getUTCDate() - merchant.optimismDays);
    return {
      journey,
      merchant,
      registration: {
        merchantId: merchant.id,
        orderId: `DEMO-${journey.orderId}`,
        trackingNumber: journey.trackingNumber,
        provider: merchant.provider,
        originCountry: journey.origin.country,
        destinationCountry: journey.destination.country,
        promisedDeliveryDate: promised.toISOString().slice(0, 10),
        shippedAt: journey.shippedAt,
        // The demo's shops sell on TikTok Shop, where their compensations are paid.
        marketplace: 'tiktok_shop',
        orderValue: { amountMinor: pick(us ? US_VALUES : EU_VALUES, index * 7 + 3), currency: us ? 'USD' : 'EUR' },
        buyer: demoBuyer(journey, index),
      },
    };
  });
}
