import type { Journey, JourneyEvent, JourneyEventKind } from '../journeys/journey.types.js';
import { latestEvent, localTimeParts, newestFirst } from '../journeys/local-time.js';
import { wordingOf } from '../journeys/wording.js';
import type { SandboxContext } from '../sandbox.context.js';
import { identifyOAuthCaller } from './oauth.helpers.js';
import { providerRoute, type ProviderDefinition, type ProviderReply } from './provider.types.js';

const TOKEN_PATH = '/oauth2/v3/token';
/** v3r2 states no batch limit; the sandbox takes 35 per call, as one published client does. */
export const USPS_MAX_BATCH = 35;

/**
 * USPS event codes. Codes for customs, damage and loss are not in the public table, so the
 * sandbox sends letter codes a mapper will not know (CH, DM, LO): they must fall back to the
 * text. A parcel returned to its sender shows "01" (delivered) with return wording, as USPS does.
 */
const EVENT_CODES: Readonly<Record<JourneyEventKind, string>> = {
  label_created: 'MA',
  picked_up: '03',
  origin_hub_arrival: '10',
  export_customs: '10',
  departed_origin: 'EF',
  arrived_destination: 'A1',
  import_customs: '10',
  customs_hold_documents: 'CH',
  customs_released: '10',
  destination_hub_arrival: 'A1',
  departed_hub: 'T1',
  out_for_delivery: 'OF',
  failed_attempt: '02',
  available_for_pickup: '16',
  delivered: '01',
  damaged: 'DM',
  missorted: '08',
  returning: '09',
  returned: '01',
  lost: 'LO',
};

function eventCode(event: JourneyEvent): string {
  if (event.kind === 'failed_attempt') {
    if (event.reason === 'business_closed') return '51';
    if (event.reason === 'refused') return '04';
    if (event.reason === 'address_issue') return '30';
  }
  return EVENT_CODES[event.kind];
}

function statusCategory(event: JourneyEvent | undefined): string {
  if (!event) return 'Pre-Shipment';
  switch (event.milestone) {
    case 'info_received':
      return 'Pre-Shipment';
    case 'delivered':
      return 'Delivered';
    case 'out_for_delivery':
      return 'Out for Delivery';
    case 'failed_attempt':
      return 'Delivery Attempt';
    case 'available_for_pickup':
      return 'Available for Pickup';
    case 'exception':
      return event.kind === 'returned' ? 'Delivered' : 'Alert';
    default:
      return event.kind === 'picked_up' ? 'Accepted' : 'Moving Through Network';
  }
}

function formatEvent(event: JourneyEvent) {
  const time = localTimeParts(event);
  const domestic = event.place.country === 'US';
  return {
    eventType: wordingOf(event.kind, event.wording),
    // USPS sends local time without an offset; the GMT pair is missing when the zone is unknown.
    eventTimestamp: event.localTime,
    GMTTimestamp: time.offset ? time.utc : null,
    GMTOffset: time.offset,
    eventCode: eventCode(event),
    eventCity: event.place.city,
    eventState: domestic ? event.place.state : null,
    eventZIP: domestic ? event.place.postalCode : null,
    eventCountry: domestic ? null : event.place.country,
    firm: null,
    name: null,
    authorizedAgent: 'false',
    additionalProp: null,
  };
}

function trackingDetail(number: string, journey: Journey, events: readonly JourneyEvent[]) {
  const latest = latestEvent(events);
  const status = latest ? wordingOf(latest.kind, latest.wording) : 'Pre-Shipment Info Sent to USPS';
  return {
    trackingNumber: number,
    mailClass: 'First-Class Package International Service<SUP>&reg;</SUP>',
    mailType: 'IM',
    serviceTypeCode: '001',
    originCity: journey.origin.city,
    originState: null,
    originZIP: null,
    originCountry: journey.origin.country,
    destinationCity: journey.destination.city,
    destinationState: journey.destination.state,
    destinationZIP: journey.destination.postalCode,
    status,
    statusCategory: statusCategory(latest),
    statusSummary: `Your item status: ${status}.`,
    emailEnabled: 'true',
    kahalaIndicator: 'false',
    proofOfDeliveryEnabled: 'false',
    RRAMEnabled: 'false',
    services: ['USPS Tracking<SUP>&#174;</SUP>'],
    tableCode: 'T',
    uniqueMailPieceID: String(Math.abs(hash(number)) % 1_000_000_000),
    mailPieceIntakeDate: null,
    expectedDeliveryTimeStamp: `${journey.promisedDeliveryDate}T00:00:00`,
    trackingEvents: newestFirst(events).map(formatEvent),
  };
}

function hash(text: string): number {
  let h = 17;
  for (let i = 0; i < text.length; i += 1) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

function uspsError(status: number, code: string, message: string, errors: unknown[] = [], headers?: Record<string, string>): ProviderReply {
  return { status, body: { apiVersion: '/tracking/v3', error: { code, message, errors } }, ...(headers ? { headers } : {}) };
}

/** The v3 answer for one number: the detail, or the 400 USPS gives for no status yet / unknown. */
function answerFor(ctx: SandboxContext, number: string): ProviderReply {
  const journey = ctx.store.get(number);
  const events = journey ? ctx.checkpoints('usps', journey) : [];
  if (!journey) {
    const message = '7: The Postal Service could not locate the tracking information for your request. Please verify your tracking number and try again later.';
    return uspsError(400, '400', message, [{ status: '400', code: '150002', title: message, detail: '' }]);
  }
  if (events.length === 0) {
    const message = '12: A status update is not yet available on your package. It will be available when the shipper provides an update or the package is delivered to USPS.';
    return uspsError(400, '400', message, [{ status: '400', code: '150001', title: message, detail: '' }]);
  }
  return { status: 200, body: trackingDetail(number, journey, events) };
}

export const usps: ProviderDefinition = {
  provider: 'usps',
  identify(request, ctx) {
    const caller = identifyOAuthCaller(request, ctx, 'usps', TOKEN_PATH);
    if (caller.valid) return { key: caller.key };
    if (caller.kind === 'token') {
      return {
        key: caller.key,
        error: {
          status: 401,
          body: { error: 'invalid_client', error_description: 'Client authentication failed.', error_uri: 'https://datatracker.ietf.org/doc/html/rfc6749#page-45' },
        },
      };
    }
    return { key: caller.key, error: { ...uspsError(401, '401', 'The client application identifier is invalid.'), headers: { 'www-authenticate': 'Bearer' } } };
  },
  failure(kind, retryAfterSeconds) {
    const headers = retryAfterSeconds === null ? undefined : { 'retry-after': String(retryAfterSeconds) };
    if (kind === 'rate_limited') {
      return uspsError(429, '429', 'Exceeded quota limit. Please try again later.', [
        { title: 'Too Many Requests.', detail: 'Quota limit exceeded.', status: '429', source: { parameter: 'API product or default', APIProduct: 'Public Access I' } },
      ], headers);
    }
    return kind === 'unavailable' ? uspsError(503, '503', 'Service Unavailable', [], headers) : uspsError(500, '500', 'Internal Server Error', [], headers);
  },
  routes(app, ctx) {
    app.post(TOKEN_PATH, providerRoute('usps'), async (request) => {
      const clientId = String(((request.body ?? {}) as Record<string, unknown>).client_id ?? '');
      const issued = ctx.tokens.issue('usps', clientId);
      return {
        access_token: issued.token,
        token_type: 'Bearer',
        issued_at: issued.issuedAt,
        expires_in: issued.expiresIn,
        status: 'approved',
        scope: 'tracking',
        issuer: 'api.usps.com',
        client_id: clientId,
        application_name: 'parcelwatch-sandbox',
        api_products: '[Public Access I]',
        public_key: '',
      };
    });

    app.get('/tracking/v3/tracking/:trackingNumber', providerRoute('usps'), async (request, reply) => {
      const answer = answerFor(ctx, (request.params as { trackingNumber: string }).trackingNumber);
      return reply.code(answer.status).send(answer.body);
    });

    app.post('/tracking/v3r2/tracking', providerRoute('usps'), async (request, reply) => {
      const items = request.body;
      if (!Array.isArray(items) || items.length === 0 || items.length > USPS_MAX_BATCH) {
        const answer = uspsError(400, '400', `Send an array of 1 to ${USPS_MAX_BATCH} items.`);
        return reply.code(answer.status).send({ ...(answer.body as object), apiVersion: '/tracking/v3r2' });
      }
      const results = items.map((item: { trackingNumber?: unknown }) => {
        const number = typeof item?.trackingNumber === 'string' ? item.trackingNumber : '';
        const answer = answerFor(ctx, number);
        if (answer.status === 200) return { statusCode: '200', ...(answer.body as object) };
        const error = (answer.body as { error: unknown }).error;
        return { statusCode: '404', trackingNumber: number, error };
      });
      const mixed = results.some((result) => result.statusCode !== '200');
      return reply.code(mixed ? 207 : 200).send(results);
    });
  },
};
