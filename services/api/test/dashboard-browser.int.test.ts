import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createFilesystemBlobStore, createS3BlobStore, createS3Client, type BlobStore, type FilesystemBlobStore } from '@parcelwatch/archive';
import { createProofArchive } from '@parcelwatch/archiver';
import { createApprovalWorkflow, registerApprovalRoutes } from '@parcelwatch/compensation';
import { newId } from '@parcelwatch/contracts';
import { createDb, insertCompensations, insertExceptions, insertNewCheckpoints, type Database, type Proof } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock, type FixedClock } from '@parcelwatch/service-kit';
import { createTestDatabase, s3Settings } from '@parcelwatch/test-harness';
import { createApiService, type ApiDeps, type ApiService } from '../src/app.js';
import { issueApiKey } from '../src/access/api-key-admin.js';
import { GENEROUS } from './access-fixture.js';
import { seedShipment } from './report-test-kit.js';

/*
 * The ops dashboard in a real browser (Debian's Chromium driven by playwright-core) against the
 * api on PostgreSQL 15 with real API keys: sign in, filter the stuck list, download its CSV,
 * open a shipment, download its proof through a presigned S3Mock URL, approve a pending
 * compensation; a viewer key sees the queue read-only and the api refuses it anyway; and the same proof download in
 * the embedded mode, through the api's signed /v1/blobs route.
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const DAY = 86_400_000;
/** Carrier text that would run script if the page ever treated data as markup. */
const HOSTILE_TEXT = 'Arrived at hub <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

/** Waits (bounded) until `read` returns what `done` accepts, and returns it; the last value is in the error otherwise. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}

const stuckRows = (page: Page) => page.locator('#stuck-table tbody tr[data-id] td:first-child').allTextContents();
const sameList = (expected: string[]) => (rows: string[]) => rows.join('|') === expected.join('|');

async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/dashboard`);
  await page.locator('#api-key').fill(key);
  await page.locator('#sign-in button[type=submit]').click();
  await page.locator('#stuck-table').waitFor();
}

async function downloadOf(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), bytes: await readFile(file) };
}

describe('ops dashboard in Chromium', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let clock: FixedClock;
  let s3Store: BlobStore;
  let fsStore: FilesystemBlobStore;
  let fsDir: string | undefined;
  let s3Api: ApiService;
  let fsApi: ApiService;
  let context: BrowserContext;
  let profileDir: string | undefined;
  let page: Page;
  let merchant: string;
  let keys: { approver: { id: string; key: string }; viewer: { id: string; key: string } };
  const ids: Record<'stalled' | 'customs' | 'late' | 'fine' | 'delivered' | 'other', string> = {} as never;
  let proof: Proof;
  let toApprove: string;
  let toReject: string;
  let forViewer: string;

  const logger = createLogger({ name: 'dashboard-browser', level: 'silent' });
  const at = (msAgo: number) => new Date(clock.now().toMillis() - msAgo);

  function startApi(overrides: Partial<ApiDeps>): ApiService {
    const api = createApiService({ db, clock, logger, access: { enabled: true, rateLimits: GENEROUS }, ...overrides });
    // Approvals are the compensation service's routes, on the api as the embedded stack mounts them.
    registerApprovalRoutes(api.app, createApprovalWorkflow({ db, clock, compensationsTopic: 'compensations' }));
    return api;
  }

  async function seedCompensation(shipmentId: string, tier: number, hoursAgo: number, channel: 'standard' | 'green' = 'standard'): Promise<string> {
    const id = newId();
    await insertCompensations(db, [
      {
        id, shipment_id: shipmentId, merchant_id: merchant, tier, action: channel === 'green' ? 'reship' : 'partial_refund', amount_minor: 1250, currency: 'USD', channel,
        approval_level: 'supervisor', supersedes_id: null, policy_version: 'browser-test', rule_fired: `tier${tier}.major_delay`, decided_at: at(hoursAgo * 3_600_000),
        approver: null, approved_at: null, rejected_reason: null, execution_key: `exec-${id}`, external_ref: null, executed_at: null, error: null,
        order_value_minor: 6000, order_currency: 'USD', approver_role: null, cancelled_reason: null, execution_claimed_at: null, next_attempt_at: null, first_failed_at: null, last_error_class: null,
      },
    ]);
    return id;
  }

  beforeAll(async () => {
    // Frozen at a real instant: the browser's own clock (date inputs) reads the same day.
    clock = fixedClock(new Date(Math.floor(Date.now() / 1000) * 1000));
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 4 });
    const settings = s3Settings();
    const s3 = createS3BlobStore({ client: createS3Client({ endpoint: settings.endpoint, region: settings.region, forcePathStyle: true, credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }), bucket: settings.bucket });
    await s3.ensureBucket();
    s3Store = s3;
    fsDir = await mkdtemp(path.join(tmpdir(), 'pw-dash-blobs-'));
    fsStore = createFilesystemBlobStore({ dir: fsDir, publicBaseUrl: () => `${fsApi.url()}/v1/blobs`, signingSecret: 'browser-test-secret' });
    s3Api = startApi({ blobStore: s3Store });
    fsApi = startApi({ blobStore: fsStore, signedBlobs: fsStore });
    await s3Api.start();
    await fsApi.start();

    merchant = newId();
    const otherMerchant = newId();
    await db.insertInto('merchants').values([{ id: merchant, name: 'Acme Appliances' }, { id: otherMerchant, name: 'Other Shop' }]).execute();
    const approver = await issueApiKey({ db, clock }, { name: 'ops approver', role: 'approver', merchantIds: [merchant], actor: 'test-setup' });
    const viewer = await issueApiKey({ db, clock }, { name: 'ops viewer', role: 'viewer', merchantIds: [merchant], actor: 'test-setup' });
    keys = { approver: { id: approver.row.id, key: approver.key }, viewer: { id: viewer.row.id, key: viewer.key } };

    const today = clock.now().toUTC();
    const base = { merchantId: merchant, createdAt: at(20 * DAY) };
    ids.stalled = await seedShipment(db, { ...base, trackingNumber: 'PW-STALLED-1', carrier: 'yunexpress', lastCheckpointAt: at(9 * DAY) });
    ids.customs = await seedShipment(db, { ...base, trackingNumber: 'PW-CUSTOMS-2', carrier: '4px', destination: 'DE', lastCheckpointAt: at(6 * DAY) });
    ids.late = await seedShipment(db, { ...base, trackingNumber: 'PW-LATE-3', carrier: 'yunexpress', lastCheckpointAt: at(2 * DAY), promised: today.minus({ days: 4 }).toISODate() });
    ids.fine = await seedShipment(db, { ...base, trackingNumber: 'PW-FINE-4', carrier: 'yunexpress', lastCheckpointAt: at(DAY) });
    ids.delivered = await seedShipment(db, {
      ...base, trackingNumber: 'PW-DELIVERED-5', carrier: 'yunexpress', status: 'delivered', lastCheckpointAt: at(3 * DAY),
      pickedUpAt: at(13 * DAY), deliveredAt: at(3 * DAY), promised: today.plus({ days: 2 }).toISODate(),
    });
    ids.other = await seedShipment(db, { merchantId: otherMerchant, trackingNumber: 'PW-OTHER-MERCHANT', carrier: 'yunexpress', lastCheckpointAt: at(30 * DAY), createdAt: at(40 * DAY) });

    const scans: [number, string, string, string | null][] = [
      [12, 'picked_up', 'Shenzhen, CN', 'Parcel picked up'],
      [11, 'departed_origin', 'Shenzhen, CN', 'Departed facility'],
      [9, 'arrived_hub', 'Los Angeles, US', HOSTILE_TEXT],
    ];
    await insertNewCheckpoints(
      db,
      scans.map(([daysAgo, reason, place, text], i) => ({
        id: newId(), shipmentId: ids.stalled, occurredAt: at(daysAgo * DAY).toISOString(), localTime: null,
        utcOffsetMinutes: i < 2 ? 480 : -420, zoneUnknown: false, milestone: 'in_transit', reason, locationText: place, city: null, state: null,
        country: place.slice(-2), postalCode: null, rawCode: `C${i}`, rawText: text, source: 'poll', provider: '17track', fingerprint: `fp-${i}`, snapshotId: null,
      })),
    );
    await insertExceptions(db, [
      { id: newId(), shipmentId: ids.stalled, merchantId: merchant, kind: 'stalled', status: 'open', severity: 'medium', level: 0, openedAt: at(4 * DAY).toISOString(), escalatedAt: null, details: {} },
      { id: newId(), shipmentId: ids.customs, merchantId: merchant, kind: 'customs_hold', status: 'open', severity: 'high', level: 0, openedAt: at(5 * DAY).toISOString(), escalatedAt: null, details: {} },
    ]);
    toApprove = await seedCompensation(ids.stalled, 2, 6);
    toReject = await seedCompensation(ids.late, 1, 5.5);
    forViewer = await seedCompensation(ids.customs, 2, 5);
    // A real bundle written by the archiver into S3Mock; the filesystem archive gets the same objects.
    proof = await createProofArchive({ db, blobStore: s3Store, clock, logger }).createAppealBundle(ids.stalled, 'browser-test', null);
    for (const key of [proof.object_key, ...(proof.parts as { key: string }[]).map((part) => part.key)]) {
      const head = await s3Store.head(key);
      await fsStore.put(key, await s3Store.get(key), { contentType: head.contentType });
    }

    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does it)`);
    profileDir = await mkdtemp(path.join(tmpdir(), 'pw-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, acceptDownloads: true });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    await s3Api?.stop();
    await fsApi?.stop();
    await db?.destroy();
    await database?.drop();
    // Unset when setup stopped early (no Chromium): the missing browser is the one error to show.
    if (profileDir !== undefined) await rm(profileDir, { recursive: true, force: true });
    if (fsDir !== undefined) await rm(fsDir, { recursive: true, force: true });
  });

  it('signs in with the pasted key, filters the stuck list and downloads the CSV of the filtered rows', async () => {
    await page.goto(`${s3Api.url()}/dashboard`);
    // A wrong key: the api's 401 message, and still the sign-in form.
    await page.locator('#api-key').fill('pw_wrongkey_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await page.locator('#sign-in button[type=submit]').click();
    expect(await until(() => page.locator('#message').textContent(), (t) => (t ?? '').includes('401'), 'the 401 message')).toBe('Not signed in (401): the API key is unknown, malformed or revoked');
    await signIn(page, s3Api.url(), keys.approver.key);
    expect(page.url()).toBe(`${s3Api.url()}/dashboard/stuck`);
    // Most days without a scan first; neither the healthy parcels nor the other merchant's.
    expect(await until(() => stuckRows(page), sameList(['PW-STALLED-1', 'PW-CUSTOMS-2', 'PW-LATE-3']), 'the unfiltered list')).toEqual(['PW-STALLED-1', 'PW-CUSTOMS-2', 'PW-LATE-3']);

    const filters = page.locator('#stuck-filters');
    await filters.locator('[name=carrier]').fill('yunexpress');
    await filters.locator('button[type=submit]').click();
    await until(() => stuckRows(page), sameList(['PW-STALLED-1', 'PW-LATE-3']), 'carrier=yunexpress');
    await filters.locator('[name=minDays]').fill('5');
    await filters.locator('button[type=submit]').click();
    await until(() => stuckRows(page), sameList(['PW-STALLED-1']), 'carrier=yunexpress&minDays=5');
    expect(new URL(page.url()).search).toBe('?carrier=yunexpress&minDays=5&sort=days_without_scan&limit=50');
    await filters.locator('[name=minDays]').fill('');
    await filters.locator('[name=promisedPassed]').selectOption('true');
    await filters.locator('button[type=submit]').click();
    await until(() => stuckRows(page), sameList(['PW-LATE-3']), 'carrier=yunexpress&promisedPassed=true');
    await filters.locator('[name=promisedPassed]').selectOption('');
    await filters.locator('[name=exceptionKind]').selectOption('stalled');
    await filters.locator('button[type=submit]').click();
    await until(() => stuckRows(page), sameList(['PW-STALLED-1']), 'exceptionKind=stalled');

    const csv = await downloadOf(page, () => page.locator('#stuck-csv').click());
    expect(csv.name).toBe('stuck-parcels.csv');
    const [header, ...rows] = parse(csv.bytes.toString('utf8')) as string[][];
    expect(header?.slice(0, 4)).toEqual(['shipmentId', 'merchantId', 'orderId', 'trackingNumber']);
    expect(rows.map((row) => [row[0], row[3], row[4], row[13]])).toEqual([[ids.stalled, 'PW-STALLED-1', 'yunexpress', 'stalled']]);

    // Paging by cursor: one row a page walks the three stuck parcels in order.
    await filters.locator('[name=carrier]').fill('');
    await filters.locator('[name=exceptionKind]').selectOption('');
    await filters.locator('[name=limit]').fill('1');
    await filters.locator('button[type=submit]').click();
    await until(() => stuckRows(page), sameList(['PW-STALLED-1']), 'page 1');
    await page.locator('#stuck-next').click();
    await until(() => stuckRows(page), sameList(['PW-CUSTOMS-2']), 'page 2');
    await page.locator('#stuck-next').click();
    await until(() => stuckRows(page), sameList(['PW-LATE-3']), 'page 3');
    expect(await page.locator('#stuck-next').isDisabled()).toBe(true);
  });

  it('opens a shipment: the timeline in the carrier\'s local times, carrier text shown as text, and its proof downloaded from S3', async () => {
    await page.goto(`${s3Api.url()}/dashboard/stuck?carrier=yunexpress&minDays=5`);
    await until(() => stuckRows(page), sameList(['PW-STALLED-1']), 'the filtered list after a reload');
    await page.locator('#stuck-table a', { hasText: 'PW-STALLED-1' }).click();
    await page.locator('#timeline').waitFor();
    expect(page.url()).toBe(`${s3Api.url()}/dashboard/shipments/${ids.stalled}`);
    const timeline = await page.locator('#timeline tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent)));
    const localText = (daysAgo: number, offsetHours: number) => `${new Date(clock.now().toMillis() - daysAgo * DAY + offsetHours * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')}`;
    expect(timeline.map((cells) => [cells[0], cells[2], cells[3], cells[4]])).toEqual([
      [`${localText(12, 8)} (UTC+08:00)`, 'in_transit (picked_up)', 'Shenzhen, CN', 'Parcel picked up'],
      [`${localText(11, 8)} (UTC+08:00)`, 'in_transit (departed_origin)', 'Shenzhen, CN', 'Departed facility'],
      [`${localText(9, -7)} (UTC\u221207:00)`, 'in_transit (arrived_hub)', 'Los Angeles, US', HOSTILE_TEXT],
    ]);
    // The markup in the carrier's text stayed text: no element made from it, no script run.
    expect(await page.locator('#timeline img, #timeline script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned ?? null)).toBeNull();
    expect(await page.locator('#exceptions tbody td:first-child').allTextContents()).toEqual(['stalled']);
    expect(await page.locator('#compensations tbody td:nth-child(4)').allTextContents()).toEqual(['pending']);

    const manifest = await downloadOf(page, () => page.locator('[data-testid=proof-manifest]').first().click());
    expect(manifest.bytes).toEqual(await s3Store.get(proof.object_key));
    expect(manifest.name).toBe(path.posix.basename(proof.object_key));
    expect(page.url()).toBe(`${s3Api.url()}/dashboard/shipments/${ids.stalled}`);
  });

  it('draws carrier performance for a date range (SVG bars and the table)', async () => {
    await page.locator('#nav a[data-nav=performance]').click();
    await page.locator('#performance-table').waitFor();
    const bars = await page.locator('[data-testid=chart-on-time] g[data-label]').evaluateAll((groups) => groups.map((g) => [g.getAttribute('data-label'), g.querySelectorAll('text')[1]?.textContent]));
    expect(bars).toEqual(expect.arrayContaining([['yunexpress', '100.0%'], ['4px', '–']]));
    expect(await page.locator('[data-testid=chart-p90] g[data-label=yunexpress] text').nth(1).textContent()).toBe('10.0 d');
    // A range that ends before any shipment was registered: nothing to show.
    const form = page.locator('#performance-filters');
    const longAgo = clock.now().minus({ days: 200 });
    await form.locator('[name=from]').fill(longAgo.minus({ days: 30 }).toISODate() as string);
    await form.locator('[name=to]').fill(longAgo.toISODate() as string);
    await form.locator('button[type=submit]').click();
    await until(() => page.locator('#performance-table tbody').textContent(), (t) => t === 'no shipments in this range', 'the empty range');
  });

  it('approves and rejects (with a reason) pending compensations from the queue as the approver key; decided rows leave the queue', async () => {
    await page.locator('#nav a[data-nav=approvals]').click();
    await page.locator('#approval-table').waitFor();
    expect(await page.locator('#approval-table tbody tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual([toApprove, toReject, forViewer]);
    await page.locator(`#approval-table tr[data-id="${toApprove}"] button[data-action=approve]`).click();
    await until(() => page.locator('#approval-table tbody tr[data-id]').count(), (n) => n === 2, 'the decided row to leave');
    expect(await page.locator('#message').textContent()).toBe(`Approved: tier 2 partial_refund for PW-STALLED-1, now approved (by key:${keys.approver.id}).`);
    const row = await db.selectFrom('compensations').select(['status', 'approver', 'approver_role']).where('id', '=', toApprove).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'approved', approver: `key:${keys.approver.id}`, approver_role: 'supervisor' });

    // Reject asks for a reason first; an empty one is not sent.
    const rejecting = page.locator(`#approval-table tr[data-id="${toReject}"]`);
    await rejecting.locator('button[data-action=reject]').click();
    await rejecting.locator('button[data-action=confirm-reject]').click();
    expect(await page.locator('#message').textContent()).toBe('Reason: required');
    await rejecting.locator('input[name=reject-input]').fill('buyer already refunded by the marketplace');
    await rejecting.locator('button[data-action=confirm-reject]').click();
    await until(() => page.locator('#approval-table tbody tr[data-id]').count(), (n) => n === 1, 'the rejected row to leave');
    expect(await page.locator('#message').textContent()).toBe(`Rejected: tier 1 partial_refund for PW-LATE-3, now rejected (by key:${keys.approver.id}).`);
    const rejected = await db.selectFrom('compensations').select(['status', 'rejected_reason', 'approver']).where('id', '=', toReject).executeTakeFirstOrThrow();
    expect(rejected).toEqual({ status: 'rejected', rejected_reason: 'buyer already refunded by the marketplace', approver: `key:${keys.approver.id}` });
    // Reloading shows the queue from the api: the decision is not only on screen.
    await page.reload();
    await page.locator('#approval-table').waitFor();
    expect(await page.locator('#approval-table tbody tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual([forViewer]);
  });

  it('shows a viewer key the queue read-only (buttons disabled, saying why), and the api refuses its approve with a 403 all the same', async () => {
    await page.locator('#sign-out').click();
    await page.locator('#api-key').waitFor();
    await signIn(page, s3Api.url(), keys.viewer.key);
    await page.locator('#nav a[data-nav=approvals]').click();
    await page.locator('#queue-read-only').waitFor();
    await until(() => page.locator('#who').textContent(), (t) => t === 'ops viewer (viewer)', 'the key beside Sign out');
    expect(await page.locator('#queue-read-only').textContent()).toBe('Read only: this viewer key may not approve or reject; an approver or admin key can.');
    const buttons = page.locator(`#approval-table tr[data-id="${forViewer}"] button`);
    expect(await buttons.evaluateAll((all) => all.map((b) => [b.getAttribute('data-action'), b.hasAttribute('disabled')]))).toEqual([['approve', true], ['reject', true]]);
    // The page only hides what the api refuses anyway: the same call from the page, with the viewer's key.
    const refused = await page.evaluate(async ([id, key]) => {
      const response = await fetch(`/compensations/${id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{}' });
      return { status: response.status, body: (await response.json()) as { message: string } };
    }, [forViewer, keys.viewer.key] as const);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/^POST \/compensations\/:id\/approve needs a key with role approver or admin; this key \(\w{8}\) has role viewer$/);
    const row = await db.selectFrom('compensations').select('status').where('id', '=', forViewer).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
  });

  it('shows the approver the queue with its buttons live and no read-only note', async () => {
    await page.locator('#sign-out').click();
    await page.locator('#api-key').waitFor();
    await signIn(page, s3Api.url(), keys.approver.key);
    await page.locator('#nav a[data-nav=approvals]').click();
    await page.locator(`#approval-table tr[data-id="${forViewer}"] button[data-action=approve]`).waitFor();
    await until(() => page.locator('#who').textContent(), (t) => t === 'ops approver (approver)', 'the key beside Sign out');
    expect(await page.locator('#queue-read-only').count()).toBe(0);
    expect(await page.locator(`#approval-table tr[data-id="${forViewer}"] button[data-action=approve]`).isEnabled()).toBe(true);
  });

  it('puts a green-channel case first in the queue, newer as it is, with a VIP badge', async () => {
    const vip = await seedCompensation(ids.fine, 2, 1, 'green');
    await page.reload();
    await page.locator(`#approval-table tr[data-id="${vip}"]`).waitFor();
    expect(await page.locator('#approval-table tbody tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual([vip, forViewer]);
    expect(await page.locator(`#approval-table tr[data-id="${vip}"] [data-badge=vip]`).textContent()).toBe('VIP');
    expect(await page.locator(`#approval-table tr[data-id="${forViewer}"] [data-badge=vip]`).count()).toBe(0);
  });

  it('downloads the proof in the embedded mode too: a filesystem archive link signed for the api\'s /v1/blobs route', async () => {
    const embedded = await context.newPage();
    await signIn(embedded, fsApi.url(), keys.viewer.key);
    await embedded.goto(`${fsApi.url()}/dashboard/shipments/${ids.stalled}`);
    const link = embedded.locator('[data-testid=proof-manifest]').first();
    expect((await link.getAttribute('href'))?.startsWith(`${fsApi.url()}/v1/blobs/${proof.object_key}?expires=`)).toBe(true);
    const manifest = await downloadOf(embedded, () => link.click());
    expect(manifest.bytes).toEqual(await fsStore.get(proof.object_key));
    const part = (proof.parts as { key: string }[])[0] as { key: string };
    const partDownload = await downloadOf(embedded, () => embedded.locator('[data-testid=proof-part]').first().click());
    expect(partDownload.bytes).toEqual(await fsStore.get(part.key));
    await embedded.close();
  });
});
