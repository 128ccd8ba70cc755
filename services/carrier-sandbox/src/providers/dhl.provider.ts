import { estimateMidnight, visibleEstimate } from '../journeys/carrier-estimate.js';
import type { Journey, JourneyEvent } from '../journeys/journey.types.js';
import { latestEvent, localTimeParts, newestFirst } from '../journeys/local-time.js';
import { wordingOf } from '../journeys/wording.js';
import { apiKeyAccepted } from '../auth/credentials.js';
import { header, providerRoute, type ProviderDefinition, type ProviderReply } from './provider.types.js';

/** DHL's one normalized field: everything else is in the text. */
function statusCode(event: JourneyEvent): string {
  if (event.kind === 'label_created') return 'pre-transit';
  if (event.kind === 'delivered') return 'delivered';
  if (event.milestone === 'failed_attempt' || event.milestone === 'exception') return 'failure';
  return 'transit';
}

function formatEvent(event: JourneyEvent) {
  const text = wordingOf(event.kind, event.wording);
  return {
    // parcel-de style: local time with no offset when the zone is unknown.
    timestamp: localTimeParts(event).iso,
    location: { address: { countryCode: event.place.country, postalCode: event.place.postalCode ?? undefined, addressLocality: `${event.place.city}, ${event.place.country}` } },
    statusCode: statusCode(event),
    status: text,
    description: text,
  };
}

function shipment(number: string, journey: Journey, events: readonly JourneyEvent[]) {
  const latest = latestEvent(events)!;
  const estimate = visibleEstimate(journey, events);
  const zone = journey.destination.zone;
  return {
    id: number,
    service: 'ecommerce',
    origin: { address: { countryCode: journey.origin.country, addressLocality: journey.origin.city } },
    destination: { address: { countryCode: journey.destination.country, postalCode: journey.destination.postalCode ?? undefined, addressLocality: journey.destination.city } },
    status: formatEvent(latest),
    ...(estimate
      ? {
          estimatedTimeOfDelivery: estimateMidnight(estimate.date, zone),
          estimatedDeliveryTimeFrame: { estimatedFrom: estimateMidnight(estimate.date, zone), estimatedThrough: estimateMidnight(estimate.latestDate, zone) },
        }
      : {}),
    serviceUrl: `https://www.dhl.com/global-en/home/tracking.html?tracking-id=${number}`,
    details: { product: { productName: 'DHL Parcel International' }, proofOfDeliverySignedAvailable: false, totalNumberOfPieces: 1, pieceIds: [number] },
    events: newestFirst(events).map(formatEvent),
  };
}

function problem(status: number, title: string, detail: string, instance?: string, headers?: Record<string, string>): ProviderReply {
  return { status, body: { title, status, detail, ...(instance ? { instance } : {}) }, ...(headers ? { headers } : {}) };
}

export const dhl: ProviderDefinition = {
  provider: 'dhl',
  identify(request, ctx) {
    const key = header(request, 'dhl-api-key');
    if (!apiKeyAccepted(ctx.credentials, 'dhl', key)) return { key: key || 'anonymous', error: problem(401, 'Unauthorized', 'Unauthorized for given resource.') };
    return { key: key! };
  },
  failure(kind, retryAfterSeconds) {
    const headers = retryAfterSeconds === null ? undefined : { 'retry-after': String(retryAfterSeconds) };
    if (kind === 'rate_limited') return problem(429, 'Too Many Requests', 'Too many requests within defined time period, please try again later.', undefined, headers);
    if (kind === 'unavailable') return problem(503, 'Service Unavailable', 'The service is temporarily unavailable.', undefined, headers);
    return problem(500, 'Internal Server Error', 'An unexpected error occurred.', undefined, headers);
  },
  routes(app, ctx) {
    app.get('/track/shipments', providerRoute('dhl'), async (request, reply) => {
      const number = ((request.query as { trackingNumber?: string }).trackingNumber ?? '').trim();
      if (!number) {
        const answer = problem(400, 'Bad Request', 'Missing required parameter: trackingNumber.');
        return reply.code(answer.status).send(answer.body);
      }
      const journey = ctx.store.get(number);
      const events = journey ? ctx.checkpoints('dhl', journey) : [];
      if (!journey || events.length === 0) {
        const answer = problem(404, 'No result found', 'No shipment with given tracking number found.', `/shipment/${number}`);
        return reply.code(answer.status).send(answer.body);
      }
      reply.header('content-language', 'en');
      return { shipments: [shipment(number, journey, events)], possibleAdditionalShipmentsUrl: [] };
    });
  },
};
