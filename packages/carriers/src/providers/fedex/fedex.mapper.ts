import { assembleTracking, notFoundTracking } from '../../mapping/assemble-tracking.js';
import { deliveryEstimate, firstEstimate, type DeliveryEstimate } from '../../mapping/delivery-estimate.js';
import { buildCheckpoint, requireTime, sameTrackingNumber } from '../../mapping/build-checkpoint.js';
import { resolveCarrierTime } from '../../mapping/carrier-time.js';
import { makeLocation, toCountryCode } from '../../mapping/location.js';
import type { MapOptions, MappedTracking, NormalizedCheckpoint } from '../../mapping/mapped-tracking.js';
import { parseWith, PayloadError } from '../../mapping/payload-error.js';
import { createStatusResolver, type CodeTable } from '../../mapping/status-resolver.js';
import { FEDEX_NOT_FOUND_CODES, FEDEX_STATUS_CODES } from './fedex.codes.js';
import { requestErrorSchema, trackResponseSchema, type FedexDelayDetail, type FedexTrackResult } from './fedex.schemas.js';

const PROVIDER = 'fedex';
const CODES: CodeTable = FEDEX_STATUS_CODES;

function joinText(...parts: Array<string | null | undefined>): string {
  return parts.map((part) => part?.trim()).filter(Boolean).join('. ');
}

/**
 * The wording the status is read from: the carrier's text, plus "clearance delay" when FedEx's
 * delayDetail says customs is what delays it (the text alone often says only "Delay").
 */
function statusText(text: string, delay: FedexDelayDetail): string {
  const clearance = delay?.type?.toUpperCase() === 'CLEARANCE' && delay.status?.toUpperCase() === 'DELAYED';
  return clearance ? joinText(text, 'Clearance delay') : text;
}

/** The latest instant the result mentions: its scans, else its actual dates. */
function latestActivity(result: FedexTrackResult): string {
  const scanTimes = (result.scanEvents ?? []).map((event) => resolveCarrierTime(event.date)?.occurredAt ?? '');
  const dateTimes = (result.dateAndTimes ?? [])
    .filter((entry) => entry.type?.startsWith('ACTUAL_') || entry.type === 'SHIP')
    .map((entry) => (entry.dateTime ? (resolveCarrierTime(entry.dateTime)?.occurredAt ?? '') : ''));
  return [...scanTimes, ...dateTimes].sort().at(-1) ?? '';
}

function mapResult(result: FedexTrackResult, trackingNumber: string, path: string): MappedTracking {
  const resolver = createStatusResolver(FEDEX_STATUS_CODES, (code) => code.trim().toUpperCase());
  const events = result.scanEvents ?? [];
  const checkpoints: NormalizedCheckpoint[] = [];
  // Newest first on the wire; walk oldest first.
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index];
    if (!event) continue;
    const where = event.scanLocation;
    const text = joinText(event.eventDescription, event.exceptionDescription);
    const status = resolver.resolve(event.eventType, statusText(text, event.delayDetail), CODES[event.derivedStatusCode ?? ''] ?? null);
    const time = requireTime(PROVIDER, `${path}.scanEvents[${index}].date`, resolveCarrierTime(event.date, toCountryCode(where?.countryCode)), event.date);
    const location = makeLocation({ city: where?.city, region: where?.stateOrProvinceCode, postalCode: where?.postalCode, country: where?.countryCode });
    checkpoints.push(buildCheckpoint(status, time, location, event.eventType ?? null, text));
  }
  const latest = result.latestStatusDetail;
  const summaryResolver = createStatusResolver(FEDEX_STATUS_CODES, (code) => code.trim().toUpperCase());
  const summary = latest?.code || latest?.derivedCode
    ? summaryResolver.resolve(latest.code ?? latest.derivedCode, statusText(latest.description ?? '', latest.delayDetail), CODES[latest.derivedCode ?? ''] ?? null)
    : null;
  return assembleTracking({
    provider: PROVIDER,
    trackingNumber,
    carrier: 'fedex',
    checkpoints,
    summary,
    notFound: false,
    unknownCodes: [...resolver.unknownCodes, ...(checkpoints.length === 0 ? summaryResolver.unknownCodes : [])],
    estimatedDelivery: estimateOf(result),
  });
}

/** ESTIMATED_DELIVERY (or the COMMITMENT date), with the estimated window's end when sent. */
function estimateOf(result: FedexTrackResult): DeliveryEstimate | null {
  const dateOf = (type: string): string | null | undefined => result.dateAndTimes?.find((entry) => entry.type === type)?.dateTime;
  const window = result.estimatedDeliveryTimeWindow?.window;
  return firstEstimate(
    deliveryEstimate(dateOf('ESTIMATED_DELIVERY'), window?.begins, window?.ends),
    deliveryEstimate(dateOf('COMMITMENT')),
    deliveryEstimate(null, window?.begins, window?.ends),
  );
}

function alertCode(alerts: unknown): string | null {
  if (typeof alerts === 'string') return /^([A-Z.]+)/.exec(alerts.trim())?.[1] ?? null;
  if (Array.isArray(alerts)) return (alerts as Array<{ code?: string | null }>).map((a) => a.code).find(Boolean) ?? null;
  return null;
}

/**
 * A `POST /track/v1/trackingnumbers` response, or its request-level error body.
 * - Per-number errors come inside HTTP 200 (`trackResults[].error`); NOTFOUND codes map to
 *   `notFound`, as does the `TRACKING.DATA.NOTFOUND` alert.
 * - A reused number yields several `trackResults` (one per physical shipment): the one with
 *   the most recent scan or actual date is the current shipment, never blindly `[0]`.
 * - A batch answer (several `completeTrackResults`) needs `options.trackingNumber`.
 */
export function mapFedex(payload: unknown, options: MapOptions = {}): MappedTracking {
  if (typeof payload === 'object' && payload !== null && 'errors' in payload && !('output' in payload)) {
    const { errors } = parseWith(PROVIDER, requestErrorSchema, payload, 'FedEx error body');
    const notFound = errors.find((error) => FEDEX_NOT_FOUND_CODES.has(error.code));
    if (notFound) return notFoundTracking(PROVIDER, options.trackingNumber ?? '', 'fedex', { code: notFound.code, message: notFound.message ?? '' });
    throw new PayloadError(PROVIDER, `error ${errors[0]?.code}: ${errors[0]?.message ?? 'no message'} (not a tracking answer)`);
  }
  const { output } = parseWith(PROVIDER, trackResponseSchema, payload, 'Track API response (output.completeTrackResults)');
  const complete = output.completeTrackResults ?? [];
  const wanted = options.trackingNumber;
  if (!wanted && new Set(complete.map((entry) => entry.trackingNumber)).size > 1) {
    throw new PayloadError(PROVIDER, `response holds ${complete.length} numbers; pass options.trackingNumber to pick one`);
  }
  const entryIndex = wanted ? complete.findIndex((entry) => sameTrackingNumber(entry.trackingNumber, wanted)) : 0;
  const entry = complete[entryIndex];
  if (!entry) {
    const code = alertCode(output.alerts);
    if (code && FEDEX_NOT_FOUND_CODES.has(code)) {
      return notFoundTracking(PROVIDER, wanted ?? '', 'fedex', { code, message: typeof output.alerts === 'string' ? output.alerts : '' });
    }
    throw new PayloadError(PROVIDER, `output.completeTrackResults: no result for ${wanted ?? 'any number'}`);
  }
  const usable = entry.trackResults.map((result, index) => ({ result, index })).filter(({ result }) => !result.error);
  const current = usable.sort((a, b) => latestActivity(b.result).localeCompare(latestActivity(a.result)))[0];
  if (current) {
    return mapResult(current.result, entry.trackingNumber, `output.completeTrackResults[${entryIndex}].trackResults[${current.index}]`);
  }
  const error = entry.trackResults.find((result) => result.error)?.error;
  if (error && FEDEX_NOT_FOUND_CODES.has(error.code)) {
    return notFoundTracking(PROVIDER, entry.trackingNumber, 'fedex', { code: error.code, message: error.message ?? '' });
  }
  throw new PayloadError(PROVIDER, `output.completeTrackResults[${entryIndex}].trackResults: ${error ? `error ${error.code}: ${error.message ?? ''}` : 'empty'}`);
}
