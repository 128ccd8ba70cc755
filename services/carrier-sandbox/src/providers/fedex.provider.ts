import { randomUUID } from 'node:crypto';
import type { Journey, JourneyEvent, JourneyEventKind, Place } from '../journeys/journey.types.js';
import { latestEvent, localTimeParts, newestFirst } from '../journeys/local-time.js';
import { wordingOf } from '../journeys/wording.js';
import type { SandboxContext } from '../sandbox.context.js';
import { identifyOAuthCaller } from './oauth.helpers.js';
import { header, providerRoute, type ProviderDefinition, type ProviderReply } from './provider.types.js';

const TOKEN_PATH = '/oauth/token';
/** `trackingInfo` holds 1 to 30 entries. */
export const FEDEX_MAX_NUMBERS = 30;

/**
 * Scan event type and derived status. Derived codes are coarse on the wire (an OD scan is
 * derived IT), and a parcel delivered back to its shipper is a DL scan with return wording.
 */
const BY_KIND: Readonly<Record<JourneyEventKind, { eventType: string; derived: string; derivedStatus: string }>> = {
  label_created: { eventType: 'OC', derived: 'IN', derivedStatus: 'Label created' },
  picked_up: { eventType: 'PU', derived: 'PU', derivedStatus: 'Picked up' },
  origin_hub_arrival: { eventType: 'AR', derived: 'IT', derivedStatus: 'In transit' },
  export_customs: { eventType: 'CP', derived: 'IT', derivedStatus: 'In transit' },
  departed_origin: { eventType: 'DP', derived: 'IT', derivedStatus: 'In transit' },
  arrived_destination: { eventType: 'AR', derived: 'IT', derivedStatus: 'In transit' },
  import_customs: { eventType: 'CP', derived: 'IT', derivedStatus: 'In transit' },
  customs_hold_documents: { eventType: 'CD', derived: 'DY', derivedStatus: 'Delay' },
  customs_released: { eventType: 'CC', derived: 'IT', derivedStatus: 'In transit' },
  destination_hub_arrival: { eventType: 'AR', derived: 'IT', derivedStatus: 'In transit' },
  departed_hub: { eventType: 'DP', derived: 'IT', derivedStatus: 'In transit' },
  out_for_delivery: { eventType: 'OD', derived: 'IT', derivedStatus: 'In transit' },
  failed_attempt: { eventType: 'DE', derived: 'DE', derivedStatus: 'Delivery exception' },
  available_for_pickup: { eventType: 'HP', derived: 'IT', derivedStatus: 'In transit' },
  delivered: { eventType: 'DL', derived: 'DL', derivedStatus: 'Delivered' },
  damaged: { eventType: 'SE', derived: 'DE', derivedStatus: 'Delivery exception' },
  missorted: { eventType: 'DY', derived: 'DY', derivedStatus: 'Delay' },
  returning: { eventType: 'RS', derived: 'IT', derivedStatus: 'In transit' },
  returned: { eventType: 'DL', derived: 'DL', derivedStatus: 'Delivered' },
  lost: { eventType: 'SE', derived: 'DE', derivedStatus: 'Delivery exception' },
};

const EXCEPTION_CODES: Readonly<Record<string, string>> = {
  recipient_unavailable: '08',
  business_closed: '15',
  address_issue: '03',
  refused: '07',
};

function scanLocation(place: Place) {
  return {
    streetLines: [''],
    city: place.city,
    stateOrProvinceCode: place.state ?? '',
    postalCode: place.postalCode ?? '',
    countryCode: place.country,
    residential: false,
  };
}

function formatScan(event: JourneyEvent) {
  const codes = BY_KIND[event.kind];
  const text = wordingOf(event.kind, event.wording);
  const exception = event.kind === 'failed_attempt' || event.kind === 'damaged' || event.kind === 'missorted' || event.kind === 'lost' || event.kind === 'customs_hold_documents';
  return {
    // Local time with its offset, or bare local time when FedEx does not know the zone.
    date: localTimeParts(event).iso,
    eventType: codes.eventType,
    eventDescription: exception ? codes.derivedStatus : text,
    exceptionCode: event.kind === 'failed_attempt' ? (EXCEPTION_CODES[event.reason ?? ''] ?? '') : '',
    exceptionDescription: exception ? text : '',
    scanLocation: scanLocation(event.place),
    locationId: String(1000 + ((event.seq * 211) % 9000)),
    locationType: event.milestone === 'delivered' ? 'DELIVERY_LOCATION' : 'FEDEX_FACILITY',
    derivedStatusCode: codes.derived,
    derivedStatus: codes.derivedStatus,
  };
}

function trackResult(number: string, journey: Journey | undefined, events: readonly JourneyEvent[]) {
  const info = { trackingNumber: number, trackingNumberUniqueId: '', carrierCode: '' };
  if (!journey || events.length === 0) {
    return {
      trackingNumberInfo: info,
      error: { code: 'TRACKING.TRACKINGNUMBER.NOTFOUND', message: 'Tracking number cannot be found. Please correct the tracking number and try again.' },
    };
  }
  const latest = latestEvent(events)!;
  const codes = BY_KIND[latest.kind];
  const delivered = events.find((event) => event.kind === 'delivered');
  const shipped = events.find((event) => event.kind === 'picked_up');
  return {
    trackingNumberInfo: { trackingNumber: number, trackingNumberUniqueId: `12027~${number}~FDEG`, carrierCode: 'FDXE' },
    additionalTrackingInfo: { nickname: '', hasAssociatedShipments: false, packageIdentifiers: [{ type: 'PURCHASE_ORDER', values: [journey.orderId], trackingNumberUniqueId: '', carrierCode: '' }] },
    shipperInformation: { contact: {}, address: { city: journey.origin.city, stateOrProvinceCode: '', countryCode: journey.origin.country, residential: false } },
    recipientInformation: { contact: {}, address: { city: journey.destination.city, stateOrProvinceCode: journey.destination.state ?? '', countryCode: journey.destination.country, residential: false } },
    latestStatusDetail: {
      code: codes.eventType,
      derivedCode: codes.derived,
      statusByLocale: codes.derivedStatus,
      description: wordingOf(latest.kind, latest.wording),
      scanLocation: scanLocation(latest.place),
      ...(latest.kind === 'customs_hold_documents' ? { delayDetail: { type: 'CLEARANCE', status: 'DELAYED' } } : {}),
    },
    dateAndTimes: [
      ...(delivered ? [{ type: 'ACTUAL_DELIVERY', dateTime: localTimeParts(delivered).iso }] : []),
      ...(shipped ? [{ type: 'ACTUAL_PICKUP', dateTime: localTimeParts(shipped).iso }] : []),
      { type: 'ESTIMATED_DELIVERY', dateTime: `${journey.promisedDeliveryDate}T00:00:00` },
    ],
    packageDetails: { sequenceNumber: '1', count: '1', weightAndDimensions: { weight: [{ value: '1.0', unit: 'LB' }] } },
    shipmentDetails: { possessionStatus: true },
    scanEvents: newestFirst(events).map(formatScan),
    availableImages: [],
  };
}

function fedexError(status: number, code: string, message: string, headers?: Record<string, string>): ProviderReply {
  return { status, body: { transactionId: randomUUID(), errors: [{ code, message }] }, ...(headers ? { headers } : {}) };
}

function track(ctx: SandboxContext, body: unknown): ProviderReply {
  const request = (body ?? {}) as { trackingInfo?: unknown; includeDetailedScans?: unknown };
  if (!Array.isArray(request.trackingInfo) || request.trackingInfo.length === 0) {
    return fedexError(400, 'TRACKING.TRACKINGNUMBER.EMPTY', 'Please provide tracking number.');
  }
  if (request.trackingInfo.length > FEDEX_MAX_NUMBERS) {
    return fedexError(400, 'TRACKING.TRACKINGNUMBER.INVALID', `Too many tracking numbers: at most ${FEDEX_MAX_NUMBERS} per request.`);
  }
  const results = request.trackingInfo.map((item: { trackingNumberInfo?: { trackingNumber?: unknown } }) => {
    const number = String(item?.trackingNumberInfo?.trackingNumber ?? '');
    const journey = ctx.store.get(number);
    const events = journey ? ctx.checkpoints('fedex', journey) : [];
    return { trackingNumber: number, trackResults: [trackResult(number, journey, events)] };
  });
  return { status: 200, body: { transactionId: randomUUID(), output: { completeTrackResults: results } } };
}

export const fedex: ProviderDefinition = {
  provider: 'fedex',
  identify(request, ctx) {
    const caller = identifyOAuthCaller(request, ctx, 'fedex', TOKEN_PATH);
    if (caller.valid) return { key: caller.key };
    const message = caller.kind === 'token' ? 'The given client credentials were not valid. Please modify your request and try again.' : 'Access token expired. Please modify your request and try again.';
    return { key: caller.key, error: fedexError(401, 'NOT.AUTHORIZED.ERROR', message) };
  },
  failure(kind, retryAfterSeconds) {
    const headers = retryAfterSeconds === null ? undefined : { 'retry-after': String(retryAfterSeconds) };
    if (kind === 'rate_limited') return fedexError(429, 'TOO.MANY.REQUESTS.ERROR', 'We have received too many requests in a short duration. Please wait a while to try again.', headers);
    if (kind === 'unavailable') return fedexError(503, 'SERVICE.UNAVAILABLE.ERROR', 'The service is currently unavailable and we are working to resolve the issue.', headers);
    return fedexError(500, 'INTERNAL.SERVER.ERROR', 'We encountered an unexpected error and are working to resolve the issue.', headers);
  },
  routes(app, ctx) {
    app.post(TOKEN_PATH, providerRoute('fedex'), async (request) => {
      const caller = identifyOAuthCaller(request, ctx, 'fedex', TOKEN_PATH);
      const issued = ctx.tokens.issue('fedex', caller.key);
      return { access_token: issued.token, token_type: 'bearer', expires_in: issued.expiresIn, scope: 'CXS' };
    });

    app.post('/track/v1/trackingnumbers', providerRoute('fedex'), async (request, reply) => {
      const answer = track(ctx, request.body);
      const transactionId = header(request, 'x-customer-transaction-id');
      const body = transactionId && answer.status === 200 ? { ...(answer.body as object), customerTransactionId: transactionId } : answer.body;
      return reply.code(answer.status).send(body);
    });
  },
};
