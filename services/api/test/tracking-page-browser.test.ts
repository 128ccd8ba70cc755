import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EmbeddedBus, OutboxRelay } from '@parcelwatch/bus';
import { createNormalizerService, type NormalizerService } from '@parcelwatch/normalizer';
import { aftershipSignature, SECRETS } from './api-test-kit.js';
import { BOOTSTRAP_KEY, profile, startOnboardingApi, type OnboardingApi } from './merchant-onboarding-kit.js';

/*
 * The buyer's tracking page in Debian's Chromium (playwright-core), at a phone's width: the
 * timeline a carrier push put there (api webhook -> outbox -> bus -> normalizer), in the buyer's
 * language and zone; the contact form submitted as a buyer does; and axe-core's checks with no
 * serious or critical violation. The page runs no script of its own, so axe is injected by the
 * test through the DevTools protocol (the page's CSP does not apply to it).
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TRACKING = 'YT2345678901234567';

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown }[] }[];
}

async function axe(page: Page): Promise<AxeResult> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => (globalThis as unknown as { axe: { run(): Promise<AxeResult> } }).axe.run()) as Promise<AxeResult>;
}

describe('buyer tracking page in Chromium', () => {
  let s: OnboardingApi;
  let bus: EmbeddedBus;
  let relay: OutboxRelay;
  let normalizer: NormalizerService;
  let browser: Browser;
  let page: Page;
  let link: string;
  let shipmentId: string;
  const requests: string[] = [];

  beforeAll(async () => {
    s = await startOnboardingApi({ overrides: { webhookSecrets: { ...SECRETS } } });
    bus = new EmbeddedBus({ logger: (await import('@parcelwatch/logger')).createLogger({ name: 'browser-bus', level: 'silent' }) });
    await bus.connect();
    const logger = (await import('@parcelwatch/logger')).createLogger({ name: 'browser-normalizer', level: 'silent' });
    normalizer = createNormalizerService({ db: s.db, bus, logger, clock: s.clock });
    await normalizer.start();
    relay = new OutboxRelay({ db: s.db, bus, logger });

    const merchant = await s.call('POST', '/v1/merchants', BOOTSTRAP_KEY, profile({ name: 'HomeTech', marketplaceShop: null, branding: { primaryColor: '#0f766e', accentColor: '#1d4ed8' } }));
    const merchantId = merchant.body.merchant.id as string;
    const admin = merchant.body.adminKey.key as string;
    const registered = await s.call('POST', '/v1/shipments', admin, {
      merchantId,
      orderId: 'HT-2002',
      trackingNumber: TRACKING,
      provider: 'aftership',
      destinationCountry: 'DE',
      buyer: { email: 'jonas@example.de', locale: 'de-DE', timezone: 'Europe/Berlin' },
    });
    expect(registered.status).toBe(201);
    shipmentId = registered.body.shipment.id;
    // The carrier's push, signed as AfterShip signs it.
    const ts = Math.floor(s.clock.now().toSeconds());
    const raw = JSON.stringify({
      event: 'tracking_update',
      event_id: 'a1b2c3d4-0000-4c57-9d3c-1d2f3e4a5b6c',
      ts,
      msg: {
        tracking_number: TRACKING,
        slug: 'yunexpress',
        tag: 'InTransit',
        subtag: 'InTransit_006',
        checkpoints: [
          { checkpoint_time: '2026-02-25T09:15:00+08:00', message: 'Shipment picked up', tag: 'InTransit', subtag: 'InTransit_002', location: 'Shenzhen, CN' },
          { checkpoint_time: '2026-02-28T16:40:00+01:00', message: 'Arrived at destination country', tag: 'InTransit', subtag: 'InTransit_004', location: 'Leipzig, DE' },
          { checkpoint_time: '2026-03-01T10:05:00+01:00', message: 'Customs clearance in progress', tag: 'InTransit', subtag: 'InTransit_006', location: 'Leipzig, DE' },
        ],
      },
    });
    const pushed = await fetch(`${s.api.url()}/v1/webhooks/aftership`, { method: 'POST', headers: { 'content-type': 'application/json', 'aftership-hmac-sha256': aftershipSignature(raw) }, body: raw });
    expect(pushed.status).toBe(200);
    await until(
      async () => {
        await relay.relayOnce();
        return Number((await s.db.selectFrom('checkpoints').select((eb) => eb.fn.countAll<string>().as('n')).where('shipment_id', '=', shipmentId).executeTakeFirstOrThrow()).n);
      },
      (n) => n === 3,
      'the pushed checkpoints',
    );
    link = (await s.call('GET', `/v1/shipments/${shipmentId}/tracking-link`, admin)).body.url;

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' });
    page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
  });
  afterAll(async () => {
    await browser?.close();
    await normalizer?.stop();
    await bus?.disconnect();
    await s?.close();
  });

  it('shows the timeline in the buyer language and zone, the carrier text beside its meaning, and the customs notice', async () => {
    await page.goto(link);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('de-DE');
    await expect(page.locator('h1').textContent()).resolves.toBe('Unterwegs');
    const lines = await page.locator('ol.timeline li').allTextContents();
    expect(lines).toHaveLength(3);
    // Newest first; 10:05 in Leipzig (+01:00) is 10:05 in Berlin; the carrier said it in English.
    expect(lines[0]).toContain('10:05');
    expect(lines[0]).toContain('“Customs clearance in progress”');
    expect(lines[0]).toContain('Bedeutung: Zollprüfung läuft');
    // 09:15 in Shenzhen is 02:15 in Berlin.
    expect(lines[2]).toContain('02:15');
    expect(lines[2]).toContain('Vom Versanddienst abgeholt');
    await expect(page.locator('#customs ~ p').first().textContent()).resolves.toContain('vom Zoll geprüft');
    await expect(page.locator('ol.progress li.current').textContent()).resolves.toBe('Versendet');
    // Phone width: nothing wider than the screen.
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(Number(overflow)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${process.env['TMPDIR'] ?? '/tmp'}/tracking-page-phone.png`, fullPage: true });
  });

  it('has no serious or critical accessibility violation (axe-core)', async () => {
    const result = await axe(page);
    const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`)).toEqual([]);
  });

  it('takes a contact through the form and thanks the buyer', async () => {
    await page.locator('#category').selectOption('customs');
    await page.locator('#message').fill('Muss ich Einfuhrabgaben zahlen?');
    await page.locator('#reply').fill('jonas@example.de');
    await page.locator('button[type=submit]').click();
    await page.locator('p.ok[role=status]').waitFor();
    const rows = await s.db.selectFrom('buyer_page_contacts').selectAll().where('shipment_id', '=', shipmentId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ category: 'customs', message: 'Muss ich Einfuhrabgaben zahlen?' });
    const thanks = await axe(page);
    expect(thanks.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  });

  it('switches language, and the lookup page finds the parcel by order number and email', async () => {
    await page.getByRole('link', { name: 'Español' }).click();
    await expect(page.locator('h2#timeline').textContent()).resolves.toBe('Historial de seguimiento');
    await page.goto(new URL('/t', link).href);
    await page.locator('#order').fill('HT-2002');
    await page.locator('#factor').fill('jonas@example.de');
    await page.locator('button[type=submit]').click();
    await page.locator('ol.timeline').waitFor();
    expect(page.url()).toBe(link);
    const lookupAxe = await axe(page);
    expect(lookupAxe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  });

  it('made no request to any other origin', () => {
    const origin = new URL(link).origin;
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'))).toEqual([]);
  });
});
