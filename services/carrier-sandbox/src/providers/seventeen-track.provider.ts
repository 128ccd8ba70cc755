import { randomUUID } from 'node:crypto';
import { apiKeyAccepted } from '../auth/credentials.js';
import { subscriptionKey } from '../sandbox.context.js';
import { carrierInfo } from './carrier-directory.js';
import { header, providerRoute, type ProviderDefinition, type ProviderReply } from './provider.types.js';
import { trackInfoItem } from './seventeen-track.format.js';

/** 17TRACK accepts at most 40 numbers per call (error -18010014). */
export const SEVENTEEN_TRACK_MAX_NUMBERS = 40;

function requestError(status: number, code: number, message: string, headers?: Record<string, string>): ProviderReply {
  return { status, body: { code, data: { errors: [{ code, message }] } }, ...(headers ? { headers } : {}) };
}

function rejected(number: string, code: number, message: string) {
  return { number, carrier: 0, error: { code, message } };
}

interface NumberItem {
  number?: unknown;
  carrier?: unknown;
  tag?: unknown;
}

/** The body every 17TRACK endpoint takes: an array of `{number, carrier?}` (at most 40). */
function readItems(body: unknown): NumberItem[] | ProviderReply {
  if (!Array.isArray(body)) return requestError(200, -18010012, 'The format of data is invalid.');
  if (body.length > SEVENTEEN_TRACK_MAX_NUMBERS) {
    return requestError(200, -18010014, `The submitted numbers exceed the limit of ${SEVENTEEN_TRACK_MAX_NUMBERS}.`);
  }
  return body as NumberItem[];
}

export const seventeenTrack: ProviderDefinition = {
  provider: '17track',
  identify(request, ctx) {
    const key = header(request, '17token');
    if (!apiKeyAccepted(ctx.credentials, '17track', key)) {
      return { key: key || 'anonymous', error: requestError(401, -18010002, 'The security key is invalid.') };
    }
    return { key: key! };
  },
  failure(kind, retryAfterSeconds) {
    const headers = retryAfterSeconds === null ? undefined : { 'retry-after': String(retryAfterSeconds) };
    if (kind === 'rate_limited') return requestError(429, 429, 'Request rate exceeded, please slow down.', headers);
    return requestError(kind === 'unavailable' ? 503 : 500, -18010003, 'Internal service error.', headers);
  },
  routes(app, ctx) {
    for (const version of ['v2.4', 'v2.2']) {
      app.post(`/track/${version}/register`, providerRoute('17track'), async (request, reply) => {
        const items = readItems(request.body);
        if (!Array.isArray(items)) return reply.code(items.status).send(items.body);
        const apiKey = header(request, '17token')!;
        const accepted: unknown[] = [];
        const rejectedItems: unknown[] = [];
        for (const item of items) {
          if (typeof item.number !== 'string' || item.number.trim() === '') {
            rejectedItems.push(rejected('', -18010010, 'The data of number is missing.'));
            continue;
          }
          const number = item.number.trim();
          const key = subscriptionKey('17track', number);
          if (ctx.subscriptions.has(key)) {
            rejectedItems.push(rejected(number, -18019901, `The tracking number '${number}' has been registered, don't need to repeat registration.`));
            continue;
          }
          const journey = ctx.store.get(number);
          if (!journey && typeof item.carrier !== 'number') {
            rejectedItems.push(rejected(number, -18019903, `The carrier of '${number}' cannot be detected.`));
            continue;
          }
          ctx.subscriptions.set(key, {
            provider: '17track',
            trackingNumber: number,
            apiKey,
            id: randomUUID(),
            createdAt: ctx.clock.now().toISO()!,
            pushedEvents: 0,
          });
          const tag = typeof item.tag === 'string' ? item.tag : null;
          const carrier = journey ? carrierInfo(journey.originCarrier).key17track : (item.carrier as number);
          accepted.push({ origin: journey ? 1 : 2, number, carrier, email: null, lang: null, tag });
        }
        return { code: 0, data: { accepted, rejected: rejectedItems } };
      });

      app.post(`/track/${version}/gettrackinfo`, providerRoute('17track'), async (request, reply) => {
        const items = readItems(request.body);
        if (!Array.isArray(items)) return reply.code(items.status).send(items.body);
        const accepted: unknown[] = [];
        const rejectedItems: unknown[] = [];
        for (const item of items) {
          const number = typeof item.number === 'string' ? item.number.trim() : '';
          if (!number) {
            rejectedItems.push(rejected('', -18010010, 'The data of number is missing.'));
            continue;
          }
          if (!ctx.subscriptions.has(subscriptionKey('17track', number))) {
            rejectedItems.push(rejected(number, -18019902, `The tracking number '${number}' does not register, please register first.`));
            continue;
          }
          const journey = ctx.store.get(number);
          const events = journey ? ctx.checkpoints('17track', journey) : [];
          accepted.push(trackInfoItem(number, journey, events, ctx.clock.now(), null));
        }
        return { code: 0, data: { accepted, rejected: rejectedItems } };
      });

      for (const endpoint of ['stoptrack', 'deletetrack'] as const) {
        app.post(`/track/${version}/${endpoint}`, providerRoute('17track'), async (request, reply) => {
          const items = readItems(request.body);
          if (!Array.isArray(items)) return reply.code(items.status).send(items.body);
          const accepted: unknown[] = [];
          const rejectedItems: unknown[] = [];
          for (const item of items) {
            const number = typeof item.number === 'string' ? item.number.trim() : '';
            const key = subscriptionKey('17track', number);
            const subscription = ctx.subscriptions.get(key);
            if (!subscription) {
              rejectedItems.push(rejected(number, -18019902, `The tracking number '${number}' does not register, please register first.`));
              continue;
            }
            if (endpoint === 'stoptrack' && subscription.stoppedAt !== undefined) {
              rejectedItems.push(rejected(number, -18019906, 'Only numbers that are being tracked can be stopped.'));
              continue;
            }
            if (endpoint === 'deletetrack') ctx.subscriptions.delete(key);
            else subscription.stoppedAt = ctx.clock.now().toISO()!;
            const journey = ctx.store.get(number);
            accepted.push({ number, carrier: journey ? carrierInfo(journey.originCarrier).key17track : 0 });
          }
          return { code: 0, data: { accepted, rejected: rejectedItems } };
        });
      }

      app.post(`/track/${version}/getquota`, providerRoute('17track'), async () => {
        const used = [...ctx.subscriptions.values()].filter((s) => s.provider === '17track').length;
        return {
          code: 0,
          data: { quota_total: 100_000, quota_used: used, quota_remain: 100_000 - used, today_used: used, max_track_daily: 100_000, free_email_quota: 0, free_email_quotaused: 0 },
        };
      });
    }
  },
};
