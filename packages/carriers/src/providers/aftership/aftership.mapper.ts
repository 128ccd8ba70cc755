import { z } from 'zod';
import { assembleTracking, notFoundTracking } from '../../mapping/assemble-tracking.js';
import { deliveryEstimate, firstEstimate, type DeliveryEstimate } from '../../mapping/delivery-estimate.js';
import { buildCheckpoint, requireTime, sameTrackingNumber } from '../../mapping/build-checkpoint.js';
import { resolveCarrierTime } from '../../mapping/carrier-time.js';
import { makeLocation, toCountryCode } from '../../mapping/location.js';
import type { MapOptions, MappedTracking } from '../../mapping/mapped-tracking.js';
import { parseWith, PayloadError } from '../../mapping/payload-error.js';
import { createStatusResolver, type CodeTable } from '../../mapping/status-resolver.js';
import { AFTERSHIP_NOT_FOUND_CODES, AFTERSHIP_SUBTAGS, AFTERSHIP_TAGS } from './aftership.codes.js';
import { envelopeSchema, trackingSchema, webhookSchema, type AfterShipTracking } from './aftership.schemas.js';

const PROVIDER = 'aftership';
const TAGS: CodeTable = AFTERSHIP_TAGS;

function latestActivity(tracking: AfterShipTracking): string {
  const times = (tracking.checkpoints ?? []).map((checkpoint) => resolveCarrierTime(checkpoint.checkpoint_time)?.occurredAt ?? '');
  return [...times, tracking.updated_at ?? ''].sort().at(-1) ?? '';
}

/**
 * One AfterShip tracking object. Checkpoints arrive oldest first. `rawCode` is the subtag
 * (the code we map from; `raw_tag`, the carrier's own code, is often null). A checkpoint
 * time without offset is placed by the checkpoint's country, else read as UTC.
 */
function mapTracking(tracking: AfterShipTracking, path: string): MappedTracking {
  const resolver = createStatusResolver(AFTERSHIP_SUBTAGS);
  const checkpoints = (tracking.checkpoints ?? []).map((checkpoint, index) => {
    const country = checkpoint.country_region ?? checkpoint.country_iso3;
    const status = resolver.resolve(checkpoint.subtag, checkpoint.message, TAGS[checkpoint.tag ?? ''] ?? null);
    const time = resolveCarrierTime(checkpoint.checkpoint_time, toCountryCode(country));
    return buildCheckpoint(
      status,
      requireTime(PROVIDER, `${path}.checkpoints[${index}].checkpoint_time`, time, checkpoint.checkpoint_time),
      makeLocation({ text: checkpoint.location, city: checkpoint.city, region: checkpoint.state, postalCode: checkpoint.zip, country }),
      checkpoint.subtag ?? checkpoint.tag ?? null,
      checkpoint.message,
    );
  });
  const summaryResolver = createStatusResolver(AFTERSHIP_SUBTAGS);
  const summary = tracking.subtag || tracking.tag
    ? summaryResolver.resolve(tracking.subtag, tracking.subtag_message, TAGS[tracking.tag ?? ''] ?? null)
    : null;
  return assembleTracking({
    provider: PROVIDER,
    trackingNumber: tracking.tracking_number,
    carrier: tracking.slug ?? null,
    checkpoints,
    summary,
    notFound: false,
    unknownCodes: [...resolver.unknownCodes, ...(checkpoints.length === 0 ? summaryResolver.unknownCodes : [])],
    estimatedDelivery: estimateOf(tracking),
  });
}

/**
 * The latest estimate AfterShip holds (it already picks carrier, custom or its own), then the
 * carrier's (2024-10 on, then the legacy `expected_delivery` string), then AfterShip's prediction.
 */
function estimateOf(tracking: AfterShipTracking): DeliveryEstimate | null {
  const latest = tracking.latest_estimated_delivery;
  const courier = tracking.courier_estimated_delivery_date;
  const predicted = tracking.aftership_estimated_delivery_date;
  return firstEstimate(
    latest ? deliveryEstimate(latest.datetime, latest.datetime_min, latest.datetime_max) : null,
    courier ? deliveryEstimate(courier.estimated_delivery_date, courier.estimated_delivery_date_min, courier.estimated_delivery_date_max) : null,
    deliveryEstimate(tracking.expected_delivery),
    predicted ? deliveryEstimate(predicted.estimated_delivery_date, predicted.estimated_delivery_date_min, predicted.estimated_delivery_date_max) : null,
  );
}

function pickTracking(trackings: AfterShipTracking[], options: MapOptions): AfterShipTracking | undefined {
  const wanted = options.trackingNumber;
  const matches = wanted ? trackings.filter((t) => sameTrackingNumber(t.tracking_number, wanted)) : trackings;
  if (!wanted && new Set(matches.map((t) => t.tracking_number.toUpperCase())).size > 1) {
    throw new PayloadError(PROVIDER, `data.trackings holds several numbers; pass options.trackingNumber to pick one`);
  }
  // Couriers reuse numbers: the same number can be tracked twice; the current one moved last.
  return [...matches].sort((a, b) => latestActivity(b).localeCompare(latestActivity(a)))[0];
}

const wrappedSchema = z.object({ tracking: trackingSchema });
const listSchema = z.object({ trackings: z.array(trackingSchema) });

function trackingsOf(data: unknown): { trackings: AfterShipTracking[]; path: string } {
  if (typeof data === 'object' && data !== null && 'trackings' in data) {
    return { trackings: parseWith(PROVIDER, listSchema, data, 'tracking list (data.trackings)').trackings, path: 'data.trackings[]' };
  }
  if (typeof data === 'object' && data !== null && 'tracking' in data) {
    return { trackings: [parseWith(PROVIDER, wrappedSchema, data, 'tracking response (data.tracking)').tracking], path: 'data.tracking' };
  }
  return { trackings: [parseWith(PROVIDER, trackingSchema, data, 'tracking response (data)')], path: 'data' };
}

/**
 * A trackings API response in any version's wrapping: `data.tracking` (v4, 2024-04), a flat
 * `data` (2024-07 on), or `data.trackings[]` (list/search). Error bodies 4004 (does not
 * exist), 4005/4017 (invalid number) and 4012 (courier not detected) are `notFound`; other
 * errors (auth, rate limit, 5xx) are not tracking answers and throw.
 */
export function mapAfterShipResponse(payload: unknown, options: MapOptions = {}): MappedTracking {
  const envelope = parseWith(PROVIDER, envelopeSchema, payload, 'AfterShip response ({meta, data})');
  const { code, message, type } = envelope.meta;
  if (code >= 300) {
    if (AFTERSHIP_NOT_FOUND_CODES.has(code)) {
      const echoed = z.object({ tracking: z.object({ tracking_number: z.string(), slug: z.string().nullish() }) }).safeParse(envelope.data);
      const number = echoed.success ? echoed.data.tracking.tracking_number : (options.trackingNumber ?? '');
      return notFoundTracking(PROVIDER, number, echoed.success ? (echoed.data.tracking.slug ?? null) : null, {
        code: String(code),
        message: message ?? '',
      });
    }
    throw new PayloadError(PROVIDER, `meta.code ${code} ${type ?? ''}: ${message ?? 'no message'} (an error, not a tracking)`);
  }
  const { trackings, path } = trackingsOf(envelope.data);
  const tracking = pickTracking(trackings, options);
  if (!tracking) {
    if (options.trackingNumber) return notFoundTracking(PROVIDER, options.trackingNumber, null, { code: 'EMPTY_LIST', message: 'no tracking in the list' });
    throw new PayloadError(PROVIDER, `${path}: expected at least one tracking`);
  }
  return mapTracking(tracking, path);
}

/** A webhook body `{event, msg: tracking}` (`tracking_update`, `edd_revise`, `tracking_pending_time`). */
export function mapAfterShipWebhook(payload: unknown): MappedTracking {
  const body = parseWith(PROVIDER, webhookSchema, payload, 'webhook body ({event, msg})');
  return mapTracking(parseWith(PROVIDER, z.object({ msg: trackingSchema }), body, 'webhook body').msg, 'msg');
}

/** Either shape: a webhook body has `msg`, an API response has `meta`. */
export function mapAfterShip(payload: unknown, options: MapOptions = {}): MappedTracking {
  const isWebhook = typeof payload === 'object' && payload !== null && 'msg' in payload && !('meta' in payload);
  return isWebhook ? mapAfterShipWebhook(payload) : mapAfterShipResponse(payload, options);
}
