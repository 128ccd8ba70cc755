import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { RateLimiter, callerOf, merchantScope } from '@parcelwatch/access';
import { newId, notificationLanguageOf } from '@parcelwatch/contracts';
import { findMerchantShipmentsByTrackingNumber, findShipmentsByOrderFactor, insertWismoAnswer, loadBuyerPage, type Database } from '@parcelwatch/db';
import type { Clock } from '@parcelwatch/service-kit';
import { pageLocale } from '../tracking/text/index.js';
import { trackingUrls, type TrackingLinkDeps } from '../tracking/tracking-links.js';
import { wismoShipmentAnswer } from './wismo-answer.js';

/*
 * POST /v1/wismo: "where is my order" for chat bots and help desks, with a merchant-scoped key
 * (role bot). Asked by order number plus the buyer's email or postcode, or by tracking number.
 * An order is answered only when both factors match, and a wrong second factor gets exactly the
 * answer of an unknown order, so a bot's user cannot learn which orders exist. Each key has its
 * own budget of questions, and each order number a smaller one (guessing factors is slow).
 * Every answer is recorded (never the factors).
 */

export const DEFAULT_WISMO_PER_MINUTE = 30;
/** Questions a minute about one order number, per key. */
const PER_ORDER_PER_MINUTE = 5;

const localeSchema = z.string().refine((tag) => notificationLanguageOf(tag) !== null, { message: 'must be a locale in en, es, de, fr or it' });
export const wismoQuestionSchema = z.union([
  z.strictObject({ orderNumber: z.string().trim().min(1).max(128), email: z.email().max(254), locale: localeSchema.optional() }),
  z.strictObject({ orderNumber: z.string().trim().min(1).max(128), postcode: z.string().trim().min(2).max(20), locale: localeSchema.optional() }),
  z.strictObject({ trackingNumber: z.string().trim().min(4).max(64), locale: localeSchema.optional() }),
]);

export interface WismoDeps {
  db: Kysely<Database>;
  clock: Clock;
  links: TrackingLinkDeps;
  perMinute?: number;
}

export function registerWismoRoutes(app: FastifyInstance, deps: WismoDeps): void {
  const limiter = new RateLimiter(deps.clock);
  const perMinute = deps.perMinute ?? DEFAULT_WISMO_PER_MINUTE;

  app.post('/v1/wismo', async (request, reply) => {
    const question = wismoQuestionSchema.safeParse(request.body);
    if (!question.success) {
      return reply.code(400).send({ error: 'invalid_request', message: 'ask with { orderNumber, email } or { orderNumber, postcode } or { trackingNumber }, optionally with a locale (en, es, de, fr, it)' });
    }
    const q = question.data;
    const caller = callerOf(request);
    const keyId = caller?.keyId ?? 'anonymous';
    const limits = [limiter.take(`wismo:${keyId}`, perMinute), ...('orderNumber' in q ? [limiter.take(`wismo-order:${keyId}:${q.orderNumber}`, PER_ORDER_PER_MINUTE)] : [])];
    const refused = limits.find((decision) => !decision.allowed);
    if (refused !== undefined && !refused.allowed) {
      return reply.code(429).header('retry-after', String(refused.retryAfterSeconds)).send({ error: 'rate_limited', message: `too many questions; retry after ${refused.retryAfterSeconds} s` });
    }

    const scope = merchantScope(request);
    const matches =
      'trackingNumber' in q
        ? await findMerchantShipmentsByTrackingNumber(deps.db, { trackingNumber: q.trackingNumber, merchantIds: scope })
        : await findShipmentsByOrderFactor(deps.db, { orderId: q.orderNumber, factor: 'email' in q ? { email: q.email } : { postcode: q.postcode }, merchantIds: scope });
    const askedBy = 'trackingNumber' in q ? 'tracking_number' : 'email' in q ? 'order_email' : 'order_postcode';
    const answeredAt = deps.clock.now().toJSDate();
    const recordFor = (merchantId: string | undefined, outcome: 'answered' | 'not_found', shipmentId: string | null, status: string | null, locale: string) =>
      merchantId === undefined
        ? Promise.resolve()
        : insertWismoAnswer(deps.db, { id: newId(answeredAt.getTime()), merchantId, apiKeyId: keyId, askedBy, outcome, shipmentId, status, locale, answeredAt });

    const pages = (await Promise.all(matches.map((match) => loadBuyerPage(deps.db, match.id)))).flatMap((rows) => (rows === undefined ? [] : [rows]));
    const first = pages[0];
    if (first === undefined) {
      const { locale, text } = pageLocale(q.locale);
      await recordFor(scope?.[0], 'not_found', null, null, locale);
      return reply.code(404).send({ found: false, error: 'not_found', answer: { locale, text: text.answerNotFound } });
    }
    const { locale, text } = pageLocale(q.locale, first.buyerLocale, first.merchant.defaultLocale);
    const urls = await trackingUrls(deps.links, pages.map((rows) => rows.shipment.id));
    const answers = pages.map((rows) => wismoShipmentAnswer(rows, locale, text, urls.get(rows.shipment.id) ?? null));
    await recordFor(first.shipment.merchant_id, 'answered', first.shipment.id, first.shipment.status, locale);
    return reply.send({ found: true, shipments: answers.map((a) => a.structured), answer: { locale, text: answers.map((a) => a.text).join('\n\n') } });
  });
}
