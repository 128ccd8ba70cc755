import { DateTime } from 'luxon';
import type { MilestoneStatus } from '@parcelwatch/contracts';
import { assembleTracking, notFoundTracking } from '../../mapping/assemble-tracking.js';
import { deliveryEstimate, firstEstimate, type DeliveryEstimate } from '../../mapping/delivery-estimate.js';
import { buildCheckpoint, requireTime, sameTrackingNumber } from '../../mapping/build-checkpoint.js';
import { resolveCarrierTime, resolveLocalWithOffset, type CarrierTime } from '../../mapping/carrier-time.js';
import { makeLocation, toCountryCode } from '../../mapping/location.js';
import type { MapOptions, MappedTracking, NormalizedCheckpoint } from '../../mapping/mapped-tracking.js';
import { parseWith, PayloadError } from '../../mapping/payload-error.js';
import { createStatusResolver, keepCustoms, type CodeTable } from '../../mapping/status-resolver.js';
import { UPS_ACTIVITY_TYPES, UPS_CUSTOMS_ACTIVITIES, UPS_NOT_FOUND_CODES, UPS_STATUS_CODES } from './ups.codes.js';
import { errorResponseSchema, trackResponseSchema, type UpsActivity, type UpsPackage } from './ups.schemas.js';

const PROVIDER = 'ups';
const TYPES: CodeTable = UPS_ACTIVITY_TYPES;

/** '20240202' + '120435' -> '2024-02-02T12:04:35'; '74700' and '20:04:35' are both accepted. */
function isoOf(date: string, time: string): string {
  const hhmmss = time.replace(/:/g, '').padStart(6, '0');
  return `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}:${hhmmss.slice(4, 6)}`;
}

/**
 * Local date/time plus `gmtOffset` when sent. Without it, the offset is derived from the GMT
 * date/time (rounded to 15 minutes); with neither, the zone is unknown.
 */
function activityTime(activity: UpsActivity, country: string | null): CarrierTime | null {
  const local = isoOf(activity.date, activity.time);
  if (activity.gmtOffset) return resolveLocalWithOffset(local, activity.gmtOffset, country);
  if (activity.gmtDate && activity.gmtTime && /^\d{8}$/.test(activity.gmtDate)) {
    const utc = DateTime.fromISO(isoOf(activity.gmtDate, activity.gmtTime), { zone: 'UTC' });
    const wall = DateTime.fromISO(local, { zone: 'UTC' });
    if (utc.isValid && wall.isValid) {
      const minutes = Math.round(wall.diff(utc, 'minutes').minutes / 15) * 15;
      const sign = minutes < 0 ? '-' : '+';
      const abs = Math.abs(minutes);
      const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      return resolveLocalWithOffset(local, offset, country);
    }
  }
  return resolveCarrierTime(local, country);
}

/** The activity's own code where it names a customs stage, else its type: the fallback when the 3-digit code is missing or new. */
function activityStatus(type: string | null | undefined, code: string | null | undefined): MilestoneStatus | null {
  return UPS_CUSTOMS_ACTIVITIES[`${type ?? ''}:${code ?? ''}`] ?? TYPES[type ?? ''] ?? null;
}

function mapPackage(pkg: UpsPackage, path: string): MappedTracking {
  const resolver = createStatusResolver(UPS_STATUS_CODES, (code) => code.trim().padStart(3, '0'));
  const activities = pkg.activity ?? [];
  const checkpoints: NormalizedCheckpoint[] = [];
  // UPS lists activity newest first; walk oldest first.
  for (let index = activities.length - 1; index >= 0; index -= 1) {
    const activity = activities[index];
    if (!activity) continue;
    const address = activity.location?.address;
    const country = toCountryCode(address?.countryCode ?? address?.country);
    const { type, code, statusCode, description } = activity.status;
    const status = resolver.resolve(statusCode, description, activityStatus(type, code));
    const time = requireTime(PROVIDER, `${path}.activity[${index}]`, activityTime(activity, country), { date: activity.date, time: activity.time });
    const location = makeLocation({
      city: address?.city,
      region: address?.stateProvince,
      postalCode: address?.postalCode,
      country: address?.countryCode ?? address?.country,
    });
    const rawCode = statusCode ? statusCode.trim().padStart(3, '0') : [type, code].filter(Boolean).join(':') || null;
    checkpoints.push(buildCheckpoint(status, time, location, rawCode, description));
  }
  // currentStatus.code is the 3-digit code on the wire; the spec's example shows a letter code
  // with a type, so fall back to the type table.
  const current = pkg.currentStatus;
  const summaryResolver = createStatusResolver(UPS_STATUS_CODES, (code) => code.trim().padStart(3, '0'));
  const summary = current
    ? /^\d+$/.test(current.code ?? '')
      ? summaryResolver.resolve(current.code, current.description)
      : keepCustoms(activityStatus(current.type, current.code) ?? summaryResolver.resolve(null, current.description), current.description)
    : null;
  return assembleTracking({
    provider: PROVIDER,
    trackingNumber: pkg.trackingNumber,
    carrier: 'ups',
    checkpoints,
    summary,
    notFound: false,
    unknownCodes: [...resolver.unknownCodes, ...(checkpoints.length === 0 ? summaryResolver.unknownCodes : [])],
    estimatedDelivery: estimateOf(pkg),
  });
}

/** A rescheduled date (RDD) replaces the scheduled one (SDD); DEL is the delivery itself, not an estimate. */
function estimateOf(pkg: UpsPackage): DeliveryEstimate | null {
  const dateOf = (type: string): string | null | undefined => pkg.deliveryDate?.find((entry) => entry.type === type)?.date;
  return firstEstimate(deliveryEstimate(dateOf('RDD')), deliveryEstimate(dateOf('SDD')));
}

function latestActivity(pkg: UpsPackage): string {
  return (pkg.activity ?? []).reduce((latest, a) => {
    const stamp = a.gmtDate && a.gmtTime ? isoOf(a.gmtDate, a.gmtTime) : isoOf(a.date, a.time);
    return stamp > latest ? stamp : latest;
  }, '');
}

/**
 * A Track API v1 response (`/track/v1/details/{n}` or `/shipment/details/{n}`), or its error
 * body. "Not found" arrives as HTTP 200 with warning TW0001 and no package, or as HTTP 400
 * TV1002 "Invalid inquiry number": both map to `notFound`. Other errors throw.
 * Several packages for the number (reused numbers, or a multi-package shipment) -> the package
 * matching the number with the most recent activity.
 */
export function mapUps(payload: unknown, options: MapOptions = {}): MappedTracking {
  if (typeof payload === 'object' && payload !== null && 'response' in payload) {
    const { errors } = parseWith(PROVIDER, errorResponseSchema, payload, 'UPS error body').response;
    const notFound = errors.find((error) => UPS_NOT_FOUND_CODES.has(error.code));
    if (notFound) {
      return notFoundTracking(PROVIDER, options.trackingNumber ?? '', 'ups', { code: notFound.code, message: notFound.message ?? '' });
    }
    const first = errors[0];
    throw new PayloadError(PROVIDER, `error ${first?.code}: ${first?.message ?? 'no message'} (not a tracking answer)`);
  }
  const { shipment } = parseWith(PROVIDER, trackResponseSchema, payload, 'Track API response (trackResponse.shipment[])').trackResponse;
  const packages = shipment.flatMap((s, i) => (s.package ?? []).map((pkg, j) => ({ pkg, path: `trackResponse.shipment[${i}].package[${j}]`, inquiry: s.inquiryNumber })));
  const wanted = options.trackingNumber;
  const matching = packages.filter(({ pkg, inquiry }) => sameTrackingNumber(pkg.trackingNumber, wanted ?? inquiry ?? pkg.trackingNumber));
  const pool = matching.length > 0 ? matching : wanted ? [] : packages;
  const current = [...pool].sort((a, b) => latestActivity(b.pkg).localeCompare(latestActivity(a.pkg)))[0];
  if (current) return mapPackage(current.pkg, current.path);
  const warning = shipment.flatMap((s) => s.warnings ?? []).find((w) => UPS_NOT_FOUND_CODES.has(w.code)) ?? shipment[0]?.warnings?.[0];
  const number = wanted ?? shipment[0]?.inquiryNumber ?? '';
  if (warning) return notFoundTracking(PROVIDER, number, 'ups', { code: warning.code, message: warning.message ?? '' });
  throw new PayloadError(PROVIDER, `trackResponse.shipment[].package: expected a package for ${number || 'the number'}, found none and no warning`);
}
