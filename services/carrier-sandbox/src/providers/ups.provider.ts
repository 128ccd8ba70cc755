import type { Journey, JourneyEvent, JourneyEventKind } from '../journeys/journey.types.js';
import { latestEvent, localTimeParts, newestFirst } from '../journeys/local-time.js';
import { wordingOf } from '../journeys/wording.js';
import { identifyOAuthCaller } from './oauth.helpers.js';
import { providerRoute, type ProviderDefinition, type ProviderReply } from './provider.types.js';

const TOKEN_PATH = '/security/v1/oauth/token';

/** Activity type, 2-letter code (absent on some customs scans, as on the wire) and 3-digit status. */
type UpsStatus = { type: string; code: string | null; statusCode: string };

const BY_KIND: Readonly<Record<Exclude<JourneyEventKind, 'failed_attempt'>, UpsStatus>> = {
  label_created: { type: 'M', code: 'MP', statusCode: '003' },
  picked_up: { type: 'P', code: 'PU', statusCode: '038' },
  origin_hub_arrival: { type: 'I', code: 'AR', statusCode: '005' },
  export_customs: { type: 'I', code: 'EP', statusCode: '005' },
  departed_origin: { type: 'I', code: 'DP', statusCode: '005' },
  arrived_destination: { type: 'I', code: 'IP', statusCode: '005' },
  import_customs: { type: 'X', code: null, statusCode: '092' },
  customs_hold_documents: { type: 'X', code: 'BB', statusCode: '058' },
  customs_released: { type: 'X', code: 'DA', statusCode: '014' },
  destination_hub_arrival: { type: 'I', code: 'AR', statusCode: '005' },
  departed_hub: { type: 'I', code: 'DP', statusCode: '005' },
  out_for_delivery: { type: 'I', code: 'OT', statusCode: '021' },
  available_for_pickup: { type: 'X', code: '5R', statusCode: '017' },
  delivered: { type: 'D', code: 'FS', statusCode: '011' },
  damaged: { type: 'X', code: null, statusCode: '059' },
  missorted: { type: 'X', code: null, statusCode: '013' },
  returning: { type: 'X', code: 'RS', statusCode: '035' },
  returned: { type: 'X', code: 'RS', statusCode: '034' },
  lost: { type: 'X', code: null, statusCode: '013' },
};

function statusOf(event: JourneyEvent, attempt: number): UpsStatus {
  if (event.kind === 'failed_attempt') {
    if (event.reason === 'refused') return { type: 'X', code: 'RF', statusCode: '064' };
    return { type: 'X', code: '48', statusCode: attempt >= 3 ? '024' : attempt === 2 ? '023' : '022' };
  }
  return BY_KIND[event.kind];
}

function formatActivities(events: readonly JourneyEvent[]) {
  const attempts = new Map<JourneyEvent, number>();
  let count = 0;
  for (const event of events) if (event.kind === 'failed_attempt') attempts.set(event, (count += 1));
  return newestFirst(events).map((event) => {
    const time = localTimeParts(event);
    const status = statusOf(event, attempts.get(event) ?? 0);
    const [gmtDate, gmtTime] = time.utc.slice(0, 19).split('T') as [string, string];
    const address: Record<string, string> = { countryCode: event.place.country, country: event.place.country };
    if (event.place.city) address.city = event.place.city;
    if (event.place.state) address.stateProvince = event.place.state;
    if (event.place.postalCode) address.postalCode = event.place.postalCode;
    return {
      location: { address, slic: String(1000 + (event.seq * 137) % 9000) },
      status: {
        type: status.type,
        description: `${wordingOf(event.kind, event.wording)} `,
        ...(status.code ? { code: status.code } : {}),
        statusCode: status.statusCode,
      },
      date: time.date.replaceAll('-', ''),
      time: time.time.replaceAll(':', ''),
      // The GMT trio is what tells the zone; it is absent when the carrier does not know it.
      ...(time.offset ? { gmtDate: gmtDate.replaceAll('-', ''), gmtOffset: time.offset, gmtTime } : {}),
    };
  });
}

function trackResponse(number: string, journey: Journey | undefined, events: readonly JourneyEvent[]) {
  if (!journey || events.length === 0) {
    return { trackResponse: { shipment: [{ inquiryNumber: number, warnings: [{ code: 'TW0001', message: 'Tracking Information Not Found' }] }] } };
  }
  const latest = latestEvent(events)!;
  const attemptsSoFar = events.filter((event) => event.kind === 'failed_attempt').length;
  const current = statusOf(latest, attemptsSoFar);
  const delivered = latest.milestone === 'delivered' ? localTimeParts(latest) : null;
  const address = (place: Journey['origin']) => ({ city: place.city, stateProvince: place.state ?? '', postalCode: place.postalCode ?? '', countryCode: place.country, country: place.country });
  return {
    trackResponse: {
      shipment: [
        {
          inquiryNumber: number,
          package: [
            {
              trackingNumber: number,
              deliveryDate: delivered ? [{ type: 'DEL', date: delivered.date.replaceAll('-', '') }] : [{ type: 'SDD', date: journey.promisedDeliveryDate.replaceAll('-', '') }],
              deliveryTime: delivered ? { type: 'DEL', endTime: delivered.time.replaceAll(':', '') } : { type: 'EOD', endTime: '235900' },
              activity: formatActivities(events),
              currentStatus: { description: wordingOf(latest.kind, latest.wording), code: current.statusCode },
              packageAddress: [
                { type: 'ORIGIN', address: address(journey.origin) },
                { type: 'DESTINATION', address: address(journey.destination) },
              ],
              weight: { unitOfMeasurement: 'LBS', weight: '2.00' },
              service: { code: '518', levelCode: '003', description: 'UPS Worldwide Economy' },
              referenceNumber: [{ type: 'PACKAGE', number: journey.orderId }],
              packageCount: 1,
            },
          ],
        },
      ],
    },
  };
}

function upsError(status: number, code: string, message: string, headers?: Record<string, string>): ProviderReply {
  return { status, body: { response: { errors: [{ code, message }] } }, ...(headers ? { headers } : {}) };
}

export const ups: ProviderDefinition = {
  provider: 'ups',
  identify(request, ctx) {
    const caller = identifyOAuthCaller(request, ctx, 'ups', TOKEN_PATH);
    if (caller.valid) return { key: caller.key };
    if (caller.kind === 'token') return { key: caller.key, error: upsError(401, '250003', 'Invalid Access License number') };
    return { key: caller.key, error: upsError(401, '250002', 'Invalid Authentication Information.') };
  },
  failure(kind, retryAfterSeconds) {
    const headers = retryAfterSeconds === null ? undefined : { 'retry-after': String(retryAfterSeconds) };
    if (kind === 'rate_limited') return upsError(429, '429', 'Quota Limit Exceeded', headers);
    return kind === 'unavailable' ? upsError(503, '9999', 'Service Unavailable', headers) : upsError(500, '9999', 'Internal Server Error', headers);
  },
  routes(app, ctx) {
    app.post(TOKEN_PATH, providerRoute('ups'), async (request) => {
      const caller = identifyOAuthCaller(request, ctx, 'ups', TOKEN_PATH);
      const issued = ctx.tokens.issue('ups', caller.key);
      // UPS sends every value as a string.
      return {
        token_type: 'Bearer',
        issued_at: String(issued.issuedAt),
        client_id: caller.key,
        access_token: issued.token,
        scope: '',
        expires_in: String(issued.expiresIn),
        refresh_count: '0',
        status: 'approved',
      };
    });

    app.get('/api/track/v1/details/:inquiryNumber', providerRoute('ups'), async (request, reply) => {
      const number = (request.params as { inquiryNumber: string }).inquiryNumber;
      if (number.length < 7 || number.length > 34) {
        const answer = upsError(400, 'TV1002', 'Invalid inquiry number');
        return reply.code(answer.status).send(answer.body);
      }
      const journey = ctx.store.get(number);
      const events = journey ? ctx.checkpoints('ups', journey) : [];
      return trackResponse(number, journey, events);
    });
  },
};
