import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { idFromName, notificationLanguageOf } from '@parcelwatch/contracts';
import { RateLimiter } from '@parcelwatch/access';
import { findShipmentIdByTrackingToken, findShipmentsByOrderFactor, insertBuyerPageContact, loadBuyerPage, type Database } from '@parcelwatch/db';
import { isTrackingTokenShaped, trackingTokenHash } from '@parcelwatch/secrets';
import type { Clock } from '@parcelwatch/service-kit';
import { contentSecurityPolicy, secured } from '../dashboard/dashboard.routes.js';
import { buyerPageView } from './buyer-page.view.js';
import { renderBuyerPage, renderLookupPage, renderNotFoundPage, type ContactState } from './buyer-page.html.js';
import type { FormNonces } from './form-nonce.js';
import { pageLocale } from './text/index.js';
import { trackingUrls, type TrackingLinkDeps } from './tracking-links.js';

/*
 * The buyer's public pages: GET /t/:token (the tracking page), POST /t/:token/contact (the
 * "contact the seller" form), GET /t and POST /t/lookup (find a parcel by order number and email
 * or postcode). No key: the token is the credential, so an unknown or revoked one is the same 404
 * page, and the lookup answers a wrong factor exactly as an unknown order.
 */

export interface BuyerPageDeps {
  db: Kysely<Database>;
  clock: Clock;
  links: TrackingLinkDeps;
  nonces: FormNonces;
}

/** Per minute: contacts per link and per address, lookups per address (guessing orders is slow). */
const CONTACTS_PER_LINK = 3;
const CONTACTS_PER_ADDRESS = 5;
const LOOKUPS_PER_ADDRESS = 10;

const contactSchema = z.object({
  nonce: z.string().min(1).max(200),
  category: z.enum(['where_is_my_parcel', 'delivery_problem', 'damaged', 'customs', 'address_change', 'other']),
  message: z.string().trim().min(1).max(2000),
  replyEmail: z.union([z.literal(''), z.email().max(254)]).optional(),
});
const lookupSchema = z.object({ order: z.string().trim().min(1).max(128), factor: z.string().trim().min(1).max(254) });

const queryLang = (request: FastifyRequest) => {
  const lang = (request.query as { lang?: unknown }).lang;
  return typeof lang === 'string' && notificationLanguageOf(lang) !== null ? lang : null;
};
const acceptLanguage = (request: FastifyRequest) => request.headers['accept-language']?.split(',')[0]?.split(';')[0]?.trim() ?? null;

function html(reply: FastifyReply, status: number, nonce: string, body: string): FastifyReply {
  return secured(reply, contentSecurityPolicy({ script: "'none'", style: `'nonce-${nonce}'` }))
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .code(status)
    .type('text/html; charset=utf-8')
    .send(body);
}

export function registerBuyerPageRoutes(app: FastifyInstance, deps: BuyerPageDeps): void {
  const limiter = new RateLimiter(deps.clock);
  const styleNonce = () => randomBytes(16).toString('base64');

  async function showPage(request: FastifyRequest, reply: FastifyReply, token: string, status: number, contact: ContactState) {
    const nonce = styleNonce();
    const shipmentId = isTrackingTokenShaped(token) ? await findShipmentIdByTrackingToken(deps.db, trackingTokenHash(token)) : undefined;
    const rows = shipmentId === undefined ? undefined : await loadBuyerPage(deps.db, shipmentId);
    if (rows === undefined) {
      const { locale, text } = pageLocale(queryLang(request), acceptLanguage(request));
      return html(reply, 404, nonce, renderNotFoundPage(text, locale, nonce));
    }
    const { locale, text } = pageLocale(queryLang(request), rows.buyerLocale, acceptLanguage(request), rows.merchant.defaultLocale);
    const formNonce = deps.nonces.issue(trackingTokenHash(token), deps.clock.now().toMillis());
    return html(reply, status, nonce, renderBuyerPage(buyerPageView(rows, locale, text), { nonce, formNonce, token, contact }));
  }

  app.get('/t/:token', async (request, reply) => {
    const { token } = request.params as { token: string };
    const sent = (request.query as { contact?: unknown }).contact === 'sent';
    return showPage(request, reply, token, 200, sent ? 'sent' : 'form');
  });

  app.get('/t', async (request, reply) => {
    const nonce = styleNonce();
    const { locale, text } = pageLocale(queryLang(request), acceptLanguage(request));
    return html(reply, 200, nonce, renderLookupPage(text, locale, { nonce, failed: false, chosenLanguage: queryLang(request) }));
  });

  app.register(async (forms) => {
    forms.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    forms.post('/t/:token/contact', async (request, reply) => {
      const { token } = request.params as { token: string };
      const shipmentId = isTrackingTokenShaped(token) ? await findShipmentIdByTrackingToken(deps.db, trackingTokenHash(token)) : undefined;
      if (shipmentId === undefined) return showPage(request, reply, token, 404, 'form');
      const form = contactSchema.safeParse(request.body);
      const now = deps.clock.now();
      if (!form.success || !deps.nonces.verify(form.data.nonce, trackingTokenHash(token), now.toMillis())) return showPage(request, reply, token, 400, 'invalid');
      const perLink = limiter.take(`contact:${shipmentId}`, CONTACTS_PER_LINK);
      const perAddress = limiter.take(`contact-ip:${request.ip}`, CONTACTS_PER_ADDRESS);
      if (!perLink.allowed || !perAddress.allowed) {
        reply.header('retry-after', String(Math.max(perLink.allowed ? 0 : perLink.retryAfterSeconds, perAddress.allowed ? 0 : perAddress.retryAfterSeconds)));
        return showPage(request, reply, token, 429, 'too_many');
      }
      const rows = await loadBuyerPage(deps.db, shipmentId);
      if (rows === undefined) return showPage(request, reply, token, 404, 'form');
      const { locale } = pageLocale(queryLang(request), rows.buyerLocale, rows.merchant.defaultLocale);
      await insertBuyerPageContact(deps.db, {
        id: idFromName('buyer-page-contact', form.data.nonce),
        shipmentId,
        merchantId: rows.shipment.merchant_id,
        carrier: rows.shipment.carrier,
        category: form.data.category,
        message: form.data.message,
        replyEmail: form.data.replyEmail === undefined || form.data.replyEmail === '' ? null : form.data.replyEmail,
        locale,
        createdAt: now.toJSDate(),
      });
      const lang = queryLang(request);
      // Post/redirect/get: a reload does not post again.
      return reply.code(303).header('location', `/t/${encodeURIComponent(token)}?contact=sent${lang === null ? '' : `&lang=${lang}`}#contact-seller`).send();
    });

    forms.post('/t/lookup', async (request, reply) => {
      const nonce = styleNonce();
      const { locale, text } = pageLocale(queryLang(request), acceptLanguage(request));
      const form = lookupSchema.safeParse(request.body);
      const chosenLanguage = queryLang(request);
      if (!form.success) return html(reply, 400, nonce, renderLookupPage(text, locale, { nonce, failed: true, chosenLanguage }));
      const failed = () => html(reply, 404, nonce, renderLookupPage(text, locale, { nonce, failed: true, orderNumber: form.data.order, chosenLanguage }));
      if (!limiter.take(`lookup-ip:${request.ip}`, LOOKUPS_PER_ADDRESS).allowed) return failed();
      const factor = form.data.factor.includes('@') ? { email: form.data.factor } : { postcode: form.data.factor };
      const [match] = await findShipmentsByOrderFactor(deps.db, { orderId: form.data.order, factor, merchantIds: null });
      const url = match === undefined ? undefined : (await trackingUrls(deps.links, [match.id])).get(match.id);
      if (url === undefined) return failed();
      const token = url.slice(url.lastIndexOf('/') + 1);
      return reply.code(303).header('location', `/t/${token}${chosenLanguage === null ? '' : `?lang=${chosenLanguage}`}`).send();
    });
  });
}
