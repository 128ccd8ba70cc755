import { DateTime } from 'luxon';
import { assembleTracking, notFoundTracking } from '../../mapping/assemble-tracking.js';
import { deliveryEstimate, firstEstimate, type DeliveryEstimate } from '../../mapping/delivery-estimate.js';
import { buildCheckpoint, requireTime, sameTrackingNumber } from '../../mapping/build-checkpoint.js';
import { resolveCarrierTime, resolveLocalWithOffset, type CarrierTime } from '../../mapping/carrier-time.js';
import { makeLocation, toCountryCode } from '../../mapping/location.js';
import type { MapOptions, MappedTracking, NormalizedCheckpoint } from '../../mapping/mapped-tracking.js';
import { parseWith, PayloadError } from '../../mapping/payload-error.js';
import { createStatusResolver } from '../../mapping/status-resolver.js';
import { USPS_EVENT_CODES, USPS_STATUS_CATEGORIES } from './usps.codes.js';
import { batchErrorItemSchema, detailSchema, errorBodySchema, type UspsDetail, type UspsEvent } from './usps.schemas.js';

const PROVIDER = 'usps';

function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The offset between local time and GMTTimestamp, from the time of day only: USPS sometimes
 * fails to roll the GMT date over (local 18:31 at -06:00 sent as 00:31Z of the same day).
 */
function offsetFromGmt(local: string, gmt: string): string | null {
  const wall = DateTime.fromISO(local.slice(0, 19), { zone: 'UTC' });
  const utc = DateTime.fromISO(gmt, { zone: 'UTC' });
  if (!wall.isValid || !utc.isValid) return null;
  const dayMinutes = (value: DateTime) => value.hour * 60 + value.minute + value.second / 60;
  let minutes = Math.round((dayMinutes(wall) - dayMinutes(utc)) / 15) * 15;
  if (minutes <= -720) minutes += 1440;
  if (minutes > 840) minutes -= 1440;
  return formatOffset(minutes);
}

/**
 * UTC is derived from the local time and `GMTOffset`, never taken from `GMTTimestamp`
 * (see `offsetFromGmt`). Without any zone the scan country's single zone is used, else UTC.
 */
function eventTime(event: UspsEvent): CarrierTime | null {
  const country = toCountryCode(event.eventCountry) ?? null;
  const local = event.eventTimestamp;
  if (event.GMTOffset) return resolveLocalWithOffset(local, event.GMTOffset, country);
  const own = resolveCarrierTime(local, country);
  if (own && !own.zoneUnknown) return own;
  const offset = event.GMTTimestamp ? offsetFromGmt(local, event.GMTTimestamp) : null;
  return offset ? resolveLocalWithOffset(local, offset, country) : own;
}

function mapDetail(detail: UspsDetail, path: string): MappedTracking {
  const resolver = createStatusResolver(USPS_EVENT_CODES, (code) => code.trim().toUpperCase());
  const events = detail.trackingEvents ?? [];
  const checkpoints: NormalizedCheckpoint[] = [];
  // Newest first on the wire; walk oldest first.
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index];
    if (!event) continue;
    const status = resolver.resolve(event.eventCode, event.eventType);
    const time = requireTime(PROVIDER, `${path}.trackingEvents[${index}].eventTimestamp`, eventTime(event), event.eventTimestamp);
    const location = makeLocation({
      city: event.eventCity,
      region: event.eventState,
      postalCode: event.eventZIP ?? event.eventZIPCode,
      // Domestic scans leave eventCountry null: they are in the US.
      country: event.eventCountry ?? (event.eventCity || event.eventZIP || event.eventZIPCode ? 'US' : null),
    });
    checkpoints.push(buildCheckpoint(status, time, location, event.eventCode ?? null, event.eventType));
  }
  const summaryResolver = createStatusResolver(USPS_STATUS_CATEGORIES);
  const summary = detail.statusCategory || detail.status ? summaryResolver.resolve(detail.statusCategory, detail.status) : null;
  return assembleTracking({
    provider: PROVIDER,
    trackingNumber: detail.trackingNumber,
    carrier: 'usps',
    checkpoints,
    summary,
    notFound: false,
    unknownCodes: [...resolver.unknownCodes, ...(checkpoints.length === 0 ? summaryResolver.unknownCodes : [])],
    estimatedDelivery: estimateOf(detail),
  });
}

/** A guaranteed date first (a commitment), then the expected, then the predicted one; v3r2's group, then 3.0's fields. */
function estimateOf(detail: UspsDetail): DeliveryEstimate | null {
  const grouped = detail.deliveryDateExpectation;
  return firstEstimate(
    deliveryEstimate(grouped?.guaranteedDeliveryDate),
    deliveryEstimate(grouped?.expectedDeliveryDate),
    deliveryEstimate(grouped?.predictedDeliveryDate),
    deliveryEstimate(detail.guaranteedDeliveryTimeStamp),
    deliveryEstimate(detail.expectedDeliveryTimeStamp ?? detail.expectedDeliveryDate),
    deliveryEstimate(detail.predictedDeliveryDate),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A code or number as text; null for anything else (String() throws on `{"toString": 0}`). */
function scalarText(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

/**
 * Tracking 3.0 (`GET /tracking/v3/tracking/{n}?expand=DETAIL`: one detail object) or 3.2
 * (`POST /tracking/v3r2/tracking`: an array of details and `{statusCode:"404", error}` items),
 * or a 3.0 error body. Every tracking error (150001 "status not yet available", 150002 "may be
 * incorrect", ... and a v3r2 404) is `notFound`: USPS does not tell an unknown number from one
 * not scanned yet. Errors without a tracking code (401, 429, ...) throw.
 */
export function mapUsps(payload: unknown, options: MapOptions = {}): MappedTracking {
  if (isObject(payload) && 'error' in payload && !('trackingNumber' in payload)) {
    const { error } = parseWith(PROVIDER, errorBodySchema, payload, 'USPS error body');
    const detail = error.errors?.find((item) => /^150\d{3}$/.test(item.code ?? ''));
    if (detail?.code) {
      return notFoundTracking(PROVIDER, options.trackingNumber ?? '', 'usps', { code: detail.code, message: detail.title ?? error.message ?? '' });
    }
    throw new PayloadError(PROVIDER, `error ${error.code ?? '?'}: ${error.message ?? 'no message'} (not a tracking answer)`);
  }
  if (!Array.isArray(payload)) return mapDetail(parseWith(PROVIDER, detailSchema, payload, 'tracking detail'), '(root)');

  const wanted = options.trackingNumber;
  const numbers = new Set(payload.map((item) => (isObject(item) ? (scalarText(item.trackingNumber) ?? '').toUpperCase() : '')));
  if (!wanted && numbers.size > 1) {
    throw new PayloadError(PROVIDER, `batch holds ${numbers.size} numbers; pass options.trackingNumber to pick one`);
  }
  const index = payload.findIndex((item) => isObject(item) && typeof item.trackingNumber === 'string' && (!wanted || sameTrackingNumber(item.trackingNumber, wanted)));
  const item: unknown = payload[index];
  if (!isObject(item)) throw new PayloadError(PROVIDER, `[]: no item for ${wanted ?? 'any number'}`);
  if (item.statusCode !== undefined && scalarText(item.statusCode) !== '200') {
    const failed = parseWith(PROVIDER, batchErrorItemSchema, item, `batch error item [${index}]`);
    if (failed.statusCode === '404' || failed.statusCode === '400') {
      return notFoundTracking(PROVIDER, failed.trackingNumber, 'usps', { code: failed.error?.errors?.[0]?.code ?? failed.statusCode, message: failed.error?.message ?? '' });
    }
    throw new PayloadError(PROVIDER, `[${index}].statusCode ${failed.statusCode}: ${failed.error?.message ?? 'no message'}`);
  }
  return mapDetail(parseWith(PROVIDER, detailSchema, item, `tracking detail [${index}]`), `[${index}]`);
}
