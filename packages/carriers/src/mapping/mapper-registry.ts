import { PROVIDERS, type Provider } from '@parcelwatch/contracts';
import { map17Track } from '../providers/17track/17track.mapper.js';
import { mapAfterShip } from '../providers/aftership/aftership.mapper.js';
import { mapDhl } from '../providers/dhl/dhl.mapper.js';
import { mapFedex } from '../providers/fedex/fedex.mapper.js';
import { mapTiktok } from '../providers/tiktok/tiktok.mapper.js';
import { mapUps } from '../providers/ups/ups.mapper.js';
import { mapUsps } from '../providers/usps/usps.mapper.js';
import type { MapOptions, MappedTracking, TrackingMapper } from './mapped-tracking.js';

const MAPPERS: Readonly<Record<Provider, TrackingMapper>> = {
  '17track': map17Track,
  aftership: mapAfterShip,
  usps: mapUsps,
  ups: mapUps,
  fedex: mapFedex,
  dhl: mapDhl,
  tiktok: mapTiktok,
};

export function isProvider(value: string): value is Provider {
  return (PROVIDERS as readonly string[]).includes(value);
}

/** The mapper of a provider; every id in the contracts' PROVIDERS has one. */
export function mapperFor(provider: Provider): TrackingMapper {
  return MAPPERS[provider];
}

/**
 * Map one raw provider payload (API response or webhook body, already JSON-parsed).
 * Throws PayloadError (retriable: false) when the payload cannot be read.
 */
export function mapPayload(provider: Provider, payload: unknown, options: MapOptions = {}): MappedTracking {
  return mapperFor(provider)(payload, options);
}
