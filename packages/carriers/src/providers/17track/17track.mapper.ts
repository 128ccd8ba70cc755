import type { MilestoneStatus } from '@parcelwatch/contracts';
import { assembleTracking, notFoundTracking } from '../../mapping/assemble-tracking.js';
import { buildCheckpoint, requireTime, sameTrackingNumber } from '../../mapping/build-checkpoint.js';
import { resolveCarrierTime, resolveLocalWithOffset, type CarrierTime } from '../../mapping/carrier-time.js';
import { deliveryEstimate, type DeliveryEstimate } from '../../mapping/delivery-estimate.js';
import { makeLocation, toCountryCode } from '../../mapping/location.js';
import type { MapOptions, MappedTracking, NormalizedCheckpoint } from '../../mapping/mapped-tracking.js';
import { parseWith, PayloadError } from '../../mapping/payload-error.js';
import { createStatusResolver, type CodeTable } from '../../mapping/status-resolver.js';
import { SEVENTEEN_TRACK_CARRIERS, SEVENTEEN_TRACK_MAIN_STATUSES, SEVENTEEN_TRACK_SUB_STATUSES } from './17track.codes.js';
import {
  gettrackinfoSchema,
  webhookSchema,
  type SeventeenTrackEvent,
  type SeventeenTrackItem,
} from './17track.schemas.js';

const PROVIDER = '17track';
const MAIN: CodeTable = SEVENTEEN_TRACK_MAIN_STATUSES;

function carrierSlug(key: string | number | null | undefined): string | null {
  return key === null || key === undefined ? null : (SEVENTEEN_TRACK_CARRIERS[String(key)] ?? null);
}

/** "InTransit_Foo" -> the InTransit main status, for sub-statuses newer than our table. */
function mainStatusOf(subStatus: string | null | undefined): MilestoneStatus | null {
  const main = subStatus?.split('_')[0];
  return main ? (MAIN[main] ?? null) : null;
}

/**
 * time_raw is the carrier's verbatim value (the docs say a Delivered_Other time may only be
 * there), so it wins when complete; its zone falls back to time_iso's offset, then time_utc.
 */
function eventTime(event: SeventeenTrackEvent, path: string): CarrierTime {
  const country = toCountryCode(event.address?.country);
  const raw = event.time_raw;
  if (raw?.date && raw.time) {
    const isoOffset = event.time_iso ? /([+-]\d{2}:\d{2}|Z)$/.exec(event.time_iso)?.[1] : undefined;
    const offset = raw.timezone ?? isoOffset;
    if (offset) return requireTime(PROVIDER, path, resolveLocalWithOffset(`${raw.date}T${raw.time}`, offset, country), raw);
    if (!event.time_utc) return requireTime(PROVIDER, path, resolveCarrierTime(`${raw.date}T${raw.time}`, country), raw);
  }
  const text = event.time_iso ?? event.time_utc;
  return requireTime(PROVIDER, path, text ? resolveCarrierTime(text, country) : null, { time_iso: event.time_iso, time_raw: raw });
}

function latestActivity(item: SeventeenTrackItem): string {
  const events = (item.track_info?.tracking?.providers ?? []).flatMap((provider) => provider.events ?? []);
  return events.reduce((latest, event) => {
    const time = event.time_utc ?? event.time_iso ?? '';
    return time > latest ? time : latest;
  }, '');
}

function mapItem(item: SeventeenTrackItem): MappedTracking {
  const resolver = createStatusResolver(SEVENTEEN_TRACK_SUB_STATUSES);
  const checkpoints: NormalizedCheckpoint[] = [];
  (item.track_info?.tracking?.providers ?? []).forEach((provider, p) => {
    const events = provider.events ?? [];
    // 17TRACK lists events newest first; walk them oldest first.
    for (let e = events.length - 1; e >= 0; e -= 1) {
      const event = events[e];
      if (!event) continue;
      const path = `track_info.tracking.providers[${p}].events[${e}]`;
      const status = resolver.resolve(event.sub_status, event.description, mainStatusOf(event.sub_status));
      const address = event.address;
      const location = makeLocation({
        text: event.location,
        city: address?.city,
        region: address?.state,
        postalCode: address?.postal_code,
        country: address?.country,
      });
      checkpoints.push(buildCheckpoint(status, eventTime(event, path), location, event.sub_status ?? null, event.description));
    }
  });
  const latest = item.track_info?.latest_status;
  const summaryResolver = createStatusResolver(SEVENTEEN_TRACK_SUB_STATUSES);
  const summary = latest?.sub_status
    ? summaryResolver.resolve(latest.sub_status, latest.sub_status_descr, mainStatusOf(latest.sub_status) ?? MAIN[latest.status ?? ''])
    : (MAIN[latest?.status ?? ''] ?? null);
  const notFound = checkpoints.length === 0 && summary?.milestone === 'not_found';
  return assembleTracking({
    provider: PROVIDER,
    trackingNumber: item.number,
    carrier: carrierSlug(item.carrier),
    checkpoints,
    summary,
    notFound,
    unknownCodes: [...resolver.unknownCodes, ...(checkpoints.length === 0 ? summaryResolver.unknownCodes : [])],
    estimatedDelivery: estimateOf(item),
  });
}

/** `time_metrics.estimated_delivery_date{from, to}`: a window (from 17TRACK or the carrier), nulls when unknown. */
function estimateOf(item: SeventeenTrackItem): DeliveryEstimate | null {
  const window = item.track_info?.time_metrics?.estimated_delivery_date;
  return window ? deliveryEstimate(null, window.from, window.to) : null;
}

/**
 * A `gettrackinfo` response (also `getRealTimeTrackInfo`'s item shape) for one number. Events
 * of every provider in `track_info.tracking.providers` (origin and last-mile carrier) are merged.
 * - A batch answer needs `options.trackingNumber`.
 * - The same number registered under two carriers gives two accepted items: the one with the
 *   most recent event is the current shipment.
 * - A rejected item (not registered, no info yet, carrier not detected) is `notFound` with
 *   the 17TRACK error code in `providerError`.
 */
export function map17TrackTrackInfo(payload: unknown, options: MapOptions = {}): MappedTracking {
  const response = parseWith(PROVIDER, gettrackinfoSchema, payload, 'gettrackinfo response');
  if (String(response.code) !== '0') {
    const error = response.data?.errors?.[0];
    throw new PayloadError(PROVIDER, `request-level error ${response.code}: ${error?.message ?? 'no detail'} (not a tracking answer)`);
  }
  const accepted = response.data?.accepted ?? [];
  const rejected = response.data?.rejected ?? [];
  const wanted = options.trackingNumber;
  const numbers = new Set([...accepted, ...rejected].map((item) => item.number.toUpperCase()));
  if (!wanted && numbers.size > 1) {
    throw new PayloadError(PROVIDER, `response holds ${numbers.size} numbers; pass options.trackingNumber to pick one`);
  }
  const matches = wanted ? accepted.filter((item) => sameTrackingNumber(item.number, wanted)) : accepted;
  const current = [...matches].sort((a, b) => latestActivity(b).localeCompare(latestActivity(a)))[0];
  if (current) return mapItem(current);
  const refusal = wanted ? rejected.find((item) => sameTrackingNumber(item.number, wanted)) : rejected[0];
  if (refusal) {
    return notFoundTracking(PROVIDER, refusal.number, carrierSlug(refusal.carrier), {
      code: String(refusal.error.code),
      message: refusal.error.message ?? '',
    });
  }
  throw new PayloadError(PROVIDER, `data.accepted/rejected: no item for ${wanted ?? 'any number'}`);
}

/**
 * A push webhook body. TRACKING_UPDATED carries a full item. TRACKING_STOPPED carries no
 * status: it maps to no checkpoints, status pending, and `providerError.code`
 * 'TRACKING_STOPPED' so the caller can re-register or retrack.
 */
export function map17TrackWebhook(payload: unknown): MappedTracking {
  const body = parseWith(PROVIDER, webhookSchema, payload, 'webhook body');
  if (body.event === 'TRACKING_STOPPED') {
    return assembleTracking({
      provider: PROVIDER,
      trackingNumber: body.data.number,
      carrier: carrierSlug(body.data.carrier),
      checkpoints: [],
      summary: null,
      notFound: false,
      unknownCodes: [],
      providerError: { code: 'TRACKING_STOPPED', message: '17TRACK stopped tracking this number' },
    });
  }
  return mapItem(body.data);
}

/** Either shape: a webhook body has `event`, a gettrackinfo response has `code`. */
export function map17Track(payload: unknown, options: MapOptions = {}): MappedTracking {
  const isWebhook = typeof payload === 'object' && payload !== null && 'event' in payload;
  return isWebhook ? map17TrackWebhook(payload) : map17TrackTrackInfo(payload, options);
}
