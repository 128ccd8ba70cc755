import type { Lane, Place } from './journey.types.js';

function place(city: string, state: string | null, country: string, postalCode: string | null, zone: string): Place {
  return { city, state, country, postalCode, zone };
}

/** Where CN cross-border parcels start: the seller's warehouse city. */
export const ORIGIN_CITIES: readonly Place[] = [
  place('SHENZHEN', 'GD', 'CN', '518000', 'Asia/Shanghai'),
  place('GUANGZHOU', 'GD', 'CN', '510000', 'Asia/Shanghai'),
  place('DONGGUAN', 'GD', 'CN', '523000', 'Asia/Shanghai'),
  place('YIWU', 'ZJ', 'CN', '322000', 'Asia/Shanghai'),
];

/** Export gateways (air freight out of the Pearl River Delta and Shanghai). */
export const EXPORT_GATEWAYS: readonly Place[] = [
  place('SHENZHEN', 'GD', 'CN', null, 'Asia/Shanghai'),
  place('HONG KONG', null, 'HK', null, 'Asia/Hong_Kong'),
  place('SHANGHAI', null, 'CN', null, 'Asia/Shanghai'),
];

interface LaneSpec {
  gateways: readonly Place[];
  destinations: readonly Place[];
  originCarriers: readonly string[];
  lastMileCarriers: readonly string[];
  /** Days from shipping to the promised delivery date. */
  promisedDays: number;
}

export const LANES: Readonly<Record<Lane, LaneSpec>> = {
  'CN-US': {
    gateways: [
      place('LOS ANGELES', 'CA', 'US', '90045', 'America/Los_Angeles'),
      place('NEW YORK', 'NY', 'US', '11430', 'America/New_York'),
      place('CHICAGO', 'IL', 'US', '60666', 'America/Chicago'),
    ],
    destinations: [
      place('LOS ANGELES', 'CA', 'US', '90012', 'America/Los_Angeles'),
      place('SEATTLE', 'WA', 'US', '98101', 'America/Los_Angeles'),
      place('PHOENIX', 'AZ', 'US', '85004', 'America/Phoenix'),
      place('DENVER', 'CO', 'US', '80202', 'America/Denver'),
      place('HOUSTON', 'TX', 'US', '77002', 'America/Chicago'),
      place('CHICAGO', 'IL', 'US', '60601', 'America/Chicago'),
      place('MIAMI', 'FL', 'US', '33130', 'America/New_York'),
      place('BROOKLYN', 'NY', 'US', '11201', 'America/New_York'),
    ],
    originCarriers: ['yunexpress', 'yanwen', '4px', 'cainiao'],
    lastMileCarriers: ['usps', 'usps', 'ups', 'fedex'],
    promisedDays: 12,
  },
  'CN-EU': {
    gateways: [
      place('FRANKFURT', null, 'DE', '60549', 'Europe/Berlin'),
      place('AMSTERDAM', null, 'NL', '1118', 'Europe/Amsterdam'),
      place('LIEGE', null, 'BE', '4460', 'Europe/Brussels'),
    ],
    destinations: [
      place('BERLIN', null, 'DE', '10115', 'Europe/Berlin'),
      place('MUNICH', null, 'DE', '80331', 'Europe/Berlin'),
      place('PARIS', null, 'FR', '75001', 'Europe/Paris'),
      place('LYON', null, 'FR', '69001', 'Europe/Paris'),
      place('MADRID', null, 'ES', '28001', 'Europe/Madrid'),
      place('MILAN', null, 'IT', '20121', 'Europe/Rome'),
      place('ROTTERDAM', null, 'NL', '3011', 'Europe/Amsterdam'),
    ],
    originCarriers: ['yunexpress', 'yanwen', '4px', 'cainiao'],
    lastMileCarriers: ['dhl', 'dhl', 'postnl', 'laposte'],
    promisedDays: 15,
  },
};

/** The destination carrier's sort centre serving a destination (same zone, hub city text). */
export function destinationHub(destination: Place): Place {
  return { ...destination, city: `${destination.city} DISTRIBUTION CENTER`, postalCode: null };
}
