import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BOOTSTRAP_KEY, profile, startOnboardingApi, type OnboardingApi } from './merchant-onboarding-kit.js';

/*
 * POST /v1/wismo over real HTTP: merchants onboarded, bot keys issued by their admins and
 * shipments registered through the api, as a seller sets it up. No enumeration: a wrong second
 * factor answers exactly like an unknown order; another merchant's bot sees nothing.
 */

describe('WISMO answer api', () => {
  let s: OnboardingApi;
  let a: { id: string; admin: string; bot: string };
  let b: { bot: string };

  async function onboard(name: string) {
    const created = await s.call('POST', '/v1/merchants', BOOTSTRAP_KEY, profile({ name, marketplaceShop: null, defaultLocale: 'en-US' }));
    expect(created.status).toBe(201);
    const id = created.body.merchant.id as string;
    const admin = created.body.adminKey.key as string;
    const bot = await s.call('POST', '/v1/api-keys', admin, { name: 'help desk bot', role: 'bot', merchantIds: [id] });
    expect(bot.status).toBe(201);
    return { id, admin, bot: bot.body.key as string };
  }
  const ask = (key: string, question: Record<string, unknown>) => s.call('POST', '/v1/wismo', key, question);

  beforeAll(async () => {
    s = await startOnboardingApi({ overrides: { trackingPageBaseUrl: 'https://track.example', wismoPerMinute: 12 } });
    a = await onboard('Kettle & Co');
    b = await onboard('Other Shop');
    const registered = await s.call('POST', '/v1/shipments', a.admin, {
      merchantId: a.id,
      orderId: 'K-5001',
      trackingNumber: 'YT1234567890123456',
      destinationCountry: 'FR',
      promisedDeliveryDate: '2026-03-20',
      buyer: { email: 'claire@example.fr', locale: 'fr-FR', timezone: 'Europe/Paris', address: { line1: '1 rue X', city: 'Paris', postalCode: '75001', country: 'FR' } },
    });
    expect(registered.status).toBe(201);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers order number plus email in the buyer language, with the status, the date, the link and a text to send', async () => {
    const answer = await ask(a.bot, { orderNumber: 'K-5001', email: 'CLAIRE@example.fr' });
    expect(answer.status).toBe(200);
    expect(answer.body.found).toBe(true);
    expect(answer.body.shipments).toHaveLength(1);
    expect(answer.body.shipments[0]).toMatchObject({
      orderNumber: 'K-5001',
      trackingNumber: 'YT1234567890123456',
      carrier: { code: 'yunexpress', name: 'YunExpress' },
      milestone: 'pending',
      estimatedDelivery: { earliest: '2026-03-20', latest: '2026-03-20', source: 'promised' },
      openExceptions: [],
      remedies: [],
    });
    const url = answer.body.shipments[0].trackingUrl as string;
    expect(url).toMatch(/^https:\/\/track\.example\/t\/[A-Za-z0-9_-]{32}$/);
    expect(answer.body.answer.locale).toBe('fr-FR');
    expect(answer.body.answer.text).toContain('Votre commande K-5001');
    expect(answer.body.answer.text).toContain('Livraison prévue');
    expect(answer.body.answer.text).toContain(`Suivez-la ici : ${url}`.replace(' : ', ': '));
    // Nothing of the buyer comes back.
    expect(JSON.stringify(answer.body)).not.toMatch(/claire|75001|rue X/i);
  });

  it('answers in the locale asked for, by postcode or by tracking number', async () => {
    const german = await ask(a.bot, { orderNumber: 'K-5001', postcode: '75 001', locale: 'de-DE' });
    expect(german.status).toBe(200);
    expect(german.body.answer).toMatchObject({ locale: 'de-DE' });
    expect(german.body.answer.text).toContain('Ihre Bestellung K-5001');
    const spanish = await ask(a.bot, { trackingNumber: 'yt 1234567890123456', locale: 'es' });
    expect(spanish.status).toBe(200);
    expect(spanish.body.answer.text).toContain('Tu pedido K-5001');
  });

  it('answers a wrong second factor exactly like an unknown order, and another merchant bot sees nothing', async () => {
    const wrongEmail = await ask(a.bot, { orderNumber: 'K-5001', email: 'someone@example.fr' });
    const wrongPostcode = await ask(a.bot, { orderNumber: 'K-5001', postcode: '75002' });
    const unknown = await ask(a.bot, { orderNumber: 'K-9999', email: 'claire@example.fr' });
    const otherMerchant = await ask(b.bot, { orderNumber: 'K-5001', email: 'claire@example.fr' });
    const otherByTracking = await ask(b.bot, { trackingNumber: 'YT1234567890123456' });
    for (const response of [wrongEmail, wrongPostcode, otherMerchant, otherByTracking]) {
      expect(response.status).toBe(unknown.status);
      expect(response.body).toEqual(unknown.body);
    }
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ found: false, error: 'not_found', answer: { locale: 'en', text: expect.stringContaining('could not find an order') } });
  });

  it('is for bot and admin keys only', async () => {
    const viewer = await s.call('POST', '/v1/api-keys', a.admin, { name: 'ops', role: 'viewer', merchantIds: [a.id] });
    expect((await ask(viewer.body.key, { trackingNumber: 'YT1234567890123456' })).status).toBe(403);
    expect((await s.call('POST', '/v1/wismo', null, { trackingNumber: 'YT1234567890123456' })).status).toBe(401);
    // A bot key reads nothing else.
    expect((await s.call('GET', '/v1/reports/stuck', a.bot)).status).toBe(403);
  });

  it('records every answer without the factors it was asked with', async () => {
    const rows = await s.db.selectFrom('wismo_answers').selectAll().where('merchant_id', '=', a.id).orderBy('answered_at').execute();
    expect(rows.map((r) => `${r.asked_by}:${r.outcome}`)).toEqual([
      'order_email:answered',
      'order_postcode:answered',
      'tracking_number:answered',
      'order_email:not_found',
      'order_postcode:not_found',
      'order_email:not_found',
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/claire|75001|75002|someone/);
  });

  it('limits questions per order number and per key', async () => {
    // Five a minute per order number and key: guessing a buyer's email is slow.
    const guesses: number[] = [];
    for (let i = 0; i < 6; i += 1) guesses.push((await ask(b.bot, { orderNumber: 'K-5001', email: `guess${i}@example.fr` })).status);
    // Other Shop's bot already asked once about K-5001 above.
    expect(guesses).toEqual([404, 404, 404, 404, 429, 429]);
    const limited = await ask(b.bot, { orderNumber: 'K-5001', email: 'claire@example.fr' });
    expect(limited.status).toBe(429);
    // Twelve a minute per key (this deployment's setting), whatever is asked.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await ask(b.bot, { trackingNumber: `LX40000000${i}CN` })).status);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    // The clock moves on a minute: the budget is back.
    s.clock.advance({ minutes: 1 });
    expect((await ask(b.bot, { trackingNumber: 'LX400000001CN' })).status).toBe(404);
  });
});
