import { z } from 'zod';
import { assembleTracking, notFoundTracking } from '../../mapping/assemble-tracking.js';
import { buildCheckpoint, requireTime } from '../../mapping/build-checkpoint.js';
import { resolveEpochSeconds } from '../../mapping/carrier-time.js';
import { makeLocation } from '../../mapping/location.js';
import type { MapOptions, MappedTracking } from '../../mapping/mapped-tracking.js';
import { codeText } from '../../mapping/lenient-schemas.js';
import { parseWith, PayloadError } from '../../mapping/payload-error.js';
import { createStatusResolver } from '../../mapping/status-resolver.js';
import { TIKTOK_EVENT_CODES, TIKTOK_NOT_FOUND_CODES } from './tiktok.codes.js';

const PROVIDER = 'tiktok';

const responseSchema = z.object({
  code: codeText,
  message: z.string().nullish(),
  request_id: z.string().nullish(),
  data: z
    .object({
      // int64 milliseconds; some JSON encoders send int64 as a string.
      tracking: z.array(z.object({ description: z.string(), update_time_millis: z.coerce.number().int().positive() })).nullish(),
    })
    .nullish(),
});

/**
 * `GET /fulfillment/202309/orders/{order_id}/tracking`. The answer names neither the number
 * nor the carrier, only `{description, update_time_millis}` events, so the caller passes
 * `options.trackingNumber` (it is empty otherwise) and `carrier` is null. Times are exact UTC
 * instants (shown at offset 0). Statuses come from the wording; there are no codes to count.
 */
export function mapTiktok(payload: unknown, options: MapOptions = {}): MappedTracking {
  const response = parseWith(PROVIDER, responseSchema, payload, 'Get Tracking response ({code, data.tracking})');
  const trackingNumber = options.trackingNumber ?? '';
  if (response.code !== '0') {
    const message = response.message ?? '';
    if (TIKTOK_NOT_FOUND_CODES.has(response.code) || /not (be )?found|does not exist|not exist/i.test(message)) {
      return notFoundTracking(PROVIDER, trackingNumber, null, { code: response.code, message });
    }
    throw new PayloadError(PROVIDER, `code ${response.code}: ${message || 'no message'} (not a tracking answer)`);
  }
  const resolver = createStatusResolver(TIKTOK_EVENT_CODES);
  const noLocation = makeLocation({});
  const checkpoints = (response.data?.tracking ?? []).map((event, index) =>
    buildCheckpoint(
      resolver.resolve(null, event.description),
      requireTime(PROVIDER, `data.tracking[${index}].update_time_millis`, resolveEpochSeconds(event.update_time_millis / 1000), event.update_time_millis),
      noLocation,
      null,
      event.description,
    ),
  );
  return assembleTracking({
    provider: PROVIDER,
    trackingNumber,
    carrier: null,
    checkpoints,
    summary: null,
    notFound: false,
    unknownCodes: resolver.unknownCodes,
  });
}
