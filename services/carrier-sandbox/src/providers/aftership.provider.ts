import { randomBytes } from 'node:crypto';
import { apiKeyAccepted } from '../auth/credentials.js';
import { subscriptionKey, type SandboxContext, type Subscription } from '../sandbox.context.js';
import { aftershipTracking } from './aftership.format.js';
import { header, providerRoute, type ProviderDefinition, type ProviderReply } from './provider.types.js';

const BASE = '/tracking/2025-01';
/** Numbers per `GET /trackings?tracking_numbers=` call; AfterShip documents none, the sandbox caps at 50. */
export const AFTERSHIP_MAX_NUMBERS = 50;

function metaError(status: number, code: number, type: string, message: string, headers?: Record<string, string>): ProviderReply {
  return { status, body: { meta: { code, message, type }, data: {} }, ...(headers ? { headers } : {}) };
}

function present(ctx: SandboxContext, subscription: Subscription) {
  const journey = ctx.store.get(subscription.trackingNumber);
  const events = journey ? ctx.checkpoints('aftership', journey) : [];
  return aftershipTracking(subscription, journey, events, ctx.clock.now());
}

function findById(ctx: SandboxContext, id: string): Subscription | undefined {
  for (const subscription of ctx.subscriptions.values()) if (subscription.provider === 'aftership' && subscription.id === id) return subscription;
  return undefined;
}

export const aftership: ProviderDefinition = {
  provider: 'aftership',
  identify(request, ctx) {
    const key = header(request, 'as-api-key');
    if (!apiKeyAccepted(ctx.credentials, 'aftership', key)) {
      return { key: key || 'anonymous', error: metaError(401, 401, 'Unauthorized', 'Invalid API key.') };
    }
    return { key: key! };
  },
  failure(kind, retryAfterSeconds) {
    const headers: Record<string, string> = retryAfterSeconds === null ? {} : { 'retry-after': String(retryAfterSeconds) };
    if (kind === 'rate_limited') {
      const reset = Math.ceil(Date.now() / 1000) + (retryAfterSeconds ?? 1);
      return metaError(429, 429, 'TooManyRequests', 'You have exceeded the API call rate limit.', {
        ...headers,
        'x-ratelimit-reset': String(reset),
        'x-ratelimit-remaining': '0',
      });
    }
    if (kind === 'unavailable') return metaError(503, 503, 'InternalError', 'Service Unavailable.', headers);
    return metaError(500, 500, 'InternalError', 'Something went wrong on AfterShip side.', headers);
  },
  routes(app, ctx) {
    app.post(`${BASE}/trackings`, providerRoute('aftership'), async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const number = typeof body.tracking_number === 'string' ? body.tracking_number.trim() : '';
      if (!number) {
        const answer = metaError(400, 4007, 'BadRequest', 'tracking_number is required.');
        return reply.code(answer.status).send(answer.body);
      }
      const key = subscriptionKey('aftership', number);
      const existing = ctx.subscriptions.get(key);
      if (existing) {
        const answer = metaError(400, 4003, 'BadRequest', 'Tracking already exists.');
        return reply.code(answer.status).send({ ...(answer.body as object), data: { id: existing.id, tracking_number: number } });
      }
      if (!ctx.store.get(number) && typeof body.slug !== 'string') {
        const answer = metaError(400, 4012, 'BadRequest', 'Cannot detect courier. Activate courier at https://admin.aftership.com/settings/couriers.');
        return reply.code(answer.status).send(answer.body);
      }
      const subscription: Subscription = {
        provider: 'aftership',
        trackingNumber: number,
        apiKey: header(request, 'as-api-key')!,
        id: randomBytes(16).toString('hex'),
        createdAt: ctx.clock.now().toUTC().toISO({ suppressMilliseconds: true })!,
        pushedEvents: 0,
      };
      ctx.subscriptions.set(key, subscription);
      return { meta: { code: 200 }, data: present(ctx, subscription) };
    });

    app.get(`${BASE}/trackings`, providerRoute('aftership'), async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      const numbers = (query.tracking_numbers ?? '').split(',').map((n) => n.trim()).filter(Boolean);
      if (numbers.length > AFTERSHIP_MAX_NUMBERS) {
        const answer = metaError(400, 4008, 'BadRequest', `tracking_numbers accepts at most ${AFTERSHIP_MAX_NUMBERS} numbers.`);
        return reply.code(answer.status).send(answer.body);
      }
      const limit = Math.min(200, Math.max(1, Number(query.limit ?? 100) || 100));
      const all = [...ctx.subscriptions.values()].filter(
        (s) => s.provider === 'aftership' && (numbers.length === 0 || numbers.includes(s.trackingNumber)),
      );
      const trackings = all.slice(0, limit).map((subscription) => present(ctx, subscription));
      return { meta: { code: 200 }, data: { pagination: { total: all.length, next_cursor: null, has_next_page: all.length > limit }, trackings } };
    });

    app.get(`${BASE}/trackings/:id`, providerRoute('aftership'), async (request, reply) => {
      const subscription = findById(ctx, (request.params as { id: string }).id);
      if (!subscription) {
        const answer = metaError(404, 4004, 'BadRequest', 'Tracking does not exist.');
        return reply.code(answer.status).send(answer.body);
      }
      return { meta: { code: 200 }, data: present(ctx, subscription) };
    });

    app.delete(`${BASE}/trackings/:id`, providerRoute('aftership'), async (request, reply) => {
      const subscription = findById(ctx, (request.params as { id: string }).id);
      if (!subscription) {
        const answer = metaError(404, 4004, 'BadRequest', 'Tracking does not exist.');
        return reply.code(answer.status).send(answer.body);
      }
      const data = present(ctx, subscription);
      ctx.subscriptions.delete(subscriptionKey('aftership', subscription.trackingNumber));
      return { meta: { code: 200 }, data };
    });
  },
};
