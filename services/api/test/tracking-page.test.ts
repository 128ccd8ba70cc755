import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSecretBox, parseSecretKey, trackingTokenHash } from '@parcelwatch/secrets';
import { BOOTSTRAP_KEY, profile, startOnboardingApi, type OnboardingApi } from './merchant-onboarding-kit.js';

/*
 * The buyer tracking page over real HTTP on PGlite, every state reached through the seller's
 * inputs: a merchant onboarded with its branding, shipments registered by the api and by CSV,
 * links read, revoked and issued again by the admin routes, the page, the lookup and the contact
 * form as a browser would post them.
 */

const BASE = 'https://track.hometech.example';
const LOGO = `data:image/png;base64,${Buffer.from('not really a png').toString('base64')}`;

describe('buyer tracking page', () => {
  let s: OnboardingApi;
  let url: string;
  let merchant: { id: string; admin: string; ingest: string };
  let other: { id: string; admin: string };
  let shipmentId: string;
  let token: string;
  const box = createSecretBox({ current: parseSecretKey(randomBytes(32).toString('base64')) });

  const page = (path: string, init: RequestInit = {}) => fetch(`${url}${path}`, { redirect: 'manual', ...init });
  const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const formNonce = (html: string) => /name="nonce" value="([^"]+)"/.exec(html)?.[1] ?? '';

  async function onboard(name: string, extra: Record<string, unknown> = {}) {
    const created = await s.call('POST', '/v1/merchants', BOOTSTRAP_KEY, profile({ name, marketplaceShop: null, ...extra }));
    expect(created.status).toBe(201);
    return { id: created.body.merchant.id as string, admin: created.body.adminKey.key as string };
  }

  beforeAll(async () => {
    s = await startOnboardingApi({ overrides: { trackingPageBaseUrl: BASE, secrets: box } });
    url = s.api.url();
    const m = await onboard('HomeTech', { branding: { logoUrl: LOGO, primaryColor: '#ffd400', accentColor: '#0b5394' } });
    const ingest = await s.call('POST', '/v1/api-keys', m.admin, { name: 'shop', role: 'ingest', merchantIds: [m.id] });
    merchant = { ...m, ingest: ingest.body.key };
    other = await onboard('Other Shop');
    const registered = await s.call('POST', '/v1/shipments', merchant.ingest, {
      merchantId: merchant.id,
      orderId: 'HT-1001',
      trackingNumber: 'YT1234567890123456',
      destinationCountry: 'DE',
      buyer: { email: 'Anna@Example.com', locale: 'de-DE', timezone: 'Europe/Berlin', address: { line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' } },
    });
    expect(registered.status).toBe(201);
    shipmentId = registered.body.shipment.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('issues a link at registration, sealed at rest and found by its hash only', async () => {
    const link = await s.call('GET', `/v1/shipments/${shipmentId}/tracking-link`, merchant.admin);
    expect(link.status).toBe(200);
    expect(link.body.url).toMatch(new RegExp(`^${BASE}/t/[A-Za-z0-9_-]{32}$`));
    expect(link.body.url).not.toContain(shipmentId);
    token = link.body.url.slice(link.body.url.lastIndexOf('/') + 1);
    const row = await s.db.selectFrom('tracking_links').selectAll().where('shipment_id', '=', shipmentId).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(trackingTokenHash(token));
    expect(row.token.startsWith('pw1.')).toBe(true);
    expect(row.token).not.toContain(token);
    // Another merchant's admin cannot see that the shipment exists.
    expect((await s.call('GET', `/v1/shipments/${shipmentId}/tracking-link`, other.admin)).status).toBe(404);
  });

  it('serves the page in the buyer language and zone, branded, under a CSP that allows no script and nothing from elsewhere', async () => {
    const response = await page(`/t/${token}`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'none'");
    expect(csp).toMatch(/style-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("default-src 'none'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await response.text();
    expect(html).toContain('<html lang="de-DE">');
    expect(html).toContain('HT-1001');
    expect(html).toContain('Sendungsverlauf');
    expect(html).toContain('Europe/Berlin');
    expect(html).toContain('--primary:#ffd400;--on-primary:#000000;--accent:#0b5394');
    expect(html).toContain(`<img src="${LOGO}"`);
    expect(html).toContain('support@hometech.example');
    expect(html).toContain('https://www.yuntrack.com/parcelTracking?id=YT1234567890123456');
    // No buyer contact detail on a page anyone with the link can open.
    expect(html).not.toMatch(/anna@example\.com|Hauptstr|10115/i);
    // Every language the notifier writes in, and the buyer can switch.
    for (const language of ['English', 'Español', 'Deutsch', 'Français', 'Italiano']) expect(html).toContain(language);
    const english = await (await page(`/t/${token}?lang=en`)).text();
    expect(english).toContain('Tracking history');
    expect(english).toContain('<html lang="en">');
  });

  it('answers an unknown token, a malformed one and a revoked one with the same 404 page', async () => {
    const unknown = await page(`/t/${'A'.repeat(32)}`);
    const malformed = await page('/t/not-a-token');
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
    const revoked = await s.call('DELETE', `/v1/shipments/${shipmentId}/tracking-link`, merchant.admin);
    expect(revoked.body).toEqual({ shipmentId, revoked: true });
    const gone = await page(`/t/${token}`);
    expect(gone.status).toBe(404);
    const strip = (html: string) => html.replace(/nonce="[^"]+"/g, '');
    expect(strip(await gone.text())).toBe(strip(await unknown.text()));
    expect((await s.call('GET', `/v1/shipments/${shipmentId}/tracking-link`, merchant.admin)).body).toMatchObject({ url: null, problem: 'revoked' });
    // A viewer may read links but not revoke or issue them.
    const viewer = await s.call('POST', '/v1/api-keys', merchant.admin, { name: 'ops', role: 'viewer', merchantIds: [merchant.id] });
    expect((await s.call('POST', `/v1/shipments/${shipmentId}/tracking-link`, viewer.body.key)).status).toBe(403);
    const issued = await s.call('POST', `/v1/shipments/${shipmentId}/tracking-link`, merchant.admin);
    expect(issued.status).toBe(201);
    const fresh = issued.body.url.slice(issued.body.url.lastIndexOf('/') + 1);
    expect(fresh).not.toBe(token);
    token = fresh;
    expect((await page(`/t/${token}`)).status).toBe(200);
    const audit = await s.db.selectFrom('audit_log').select('action').where('target_id', '=', shipmentId).execute();
    expect(audit.map((a) => a.action)).toEqual(['tracking_link.revoked', 'tracking_link.issued']);
  });

  it('gives CSV-imported shipments their link too', async () => {
    const csv = `merchantId,orderId,trackingNumber,destinationCountry,buyerEmail\n${merchant.id},HT-CSV-1,LX400000001CN,DE,csv@example.com\n`;
    const imported = await fetch(`${url}/v1/shipments/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${merchant.ingest}` }, body: csv });
    expect(imported.status).toBe(207);
    const body = (await imported.json()) as { results: { shipment: { id: string } }[] };
    const link = await s.call('GET', `/v1/shipments/${body.results[0]!.shipment.id}/tracking-link`, merchant.admin);
    expect(link.body.url).toMatch(new RegExp(`^${BASE}/t/`));
  });

  it('looks a parcel up by order number and email or postcode, and answers a wrong factor exactly like an unknown order', async () => {
    const byEmail = await page('/t/lookup', form({ order: 'HT-1001', factor: 'anna@example.com' }));
    expect(byEmail.status).toBe(303);
    expect(byEmail.headers.get('location')).toBe(`/t/${token}`);
    const byPostcode = await page('/t/lookup', form({ order: 'HT-1001', factor: '10 115' }));
    expect(byPostcode.headers.get('location')).toBe(`/t/${token}`);
    const wrongFactor = await page('/t/lookup', form({ order: 'HT-1001', factor: 'someone@example.com' }));
    const unknownOrder = await page('/t/lookup', form({ order: 'HT-9999', factor: 'anna@example.com' }));
    expect(wrongFactor.status).toBe(404);
    expect(unknownOrder.status).toBe(404);
    const strip = (html: string) => html.replace(/nonce="[^"]+"/g, '').replace(/value="HT-[0-9]+"/, '');
    expect(strip(await wrongFactor.text())).toBe(strip(await unknownOrder.text()));
  });

  it('records a contact with its category when the page own nonce comes with it, and refuses forged or repeated floods', async () => {
    const html = await (await page(`/t/${token}`)).text();
    const nonce = formNonce(html);
    expect(nonce).not.toBe('');
    const sent = await page(`/t/${token}/contact`, form({ nonce, category: 'customs', message: 'Muss ich Zoll zahlen?', replyEmail: 'anna@example.com' }));
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toContain(`/t/${token}?contact=sent`);
    // The same submission again (a double click) is one contact.
    await page(`/t/${token}/contact`, form({ nonce, category: 'customs', message: 'Muss ich Zoll zahlen?' }));
    const rows = await s.db.selectFrom('buyer_page_contacts').selectAll().where('shipment_id', '=', shipmentId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ category: 'customs', merchant_id: merchant.id, carrier: 'yunexpress', reply_email: 'anna@example.com', locale: 'de-DE' });
    const thanks = await (await page(`/t/${token}?contact=sent`)).text();
    expect(thanks).toContain('role="status"');

    const noNonce = await page(`/t/${token}/contact`, form({ category: 'other', message: 'hi' }));
    const forged = await page(`/t/${token}/contact`, form({ nonce: `${nonce.split('.').slice(0, 2).join('.')}.forged`, category: 'other', message: 'hi' }));
    const otherPage = await page(`/t/${'B'.repeat(32)}/contact`, form({ nonce, category: 'other', message: 'hi' }));
    expect([noNonce.status, forged.status, otherPage.status]).toEqual([400, 400, 404]);

    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const fresh = formNonce(await (await page(`/t/${token}`)).text());
      statuses.push((await page(`/t/${token}/contact`, form({ nonce: fresh, category: 'where_is_my_parcel', message: `Wo ist es? ${i}` }))).status);
    }
    // Three posts a minute per link: the contact and its repeat counted, so one more goes through.
    expect(statuses).toEqual([303, 429, 429, 429]);
  });
});
