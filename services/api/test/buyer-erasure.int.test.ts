import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KafkaBus } from '@parcelwatch/bus';
import { newId } from '@parcelwatch/contracts';
import { createDb, insertMerchant, listAudit, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createEmailSender, createNotifierService, startSmtpSink, type NotifierService, type SmtpSink } from '@parcelwatch/notifier';
import { fixedClock } from '@parcelwatch/service-kit';
import { createTestDatabase, kafkaBrokers, uniqueTopic } from '@parcelwatch/test-harness';
import { sql, type Kysely } from 'kysely';
import { milestoneEvent } from '../../notifier/test/event-fixtures.js';
import { waitFor } from '../../notifier/test/notifier-seed.js';
import { issueApiKey } from '../src/access/api-key-admin.js';
import { createApiService, type ApiService } from '../src/app.js';
import { mailCopiesIn } from '../src/buyers/mail-copies.js';

/*
 * A buyer's erasure on PostgreSQL, with their mail sent through the notifier to a real SMTP
 * server that keeps .eml copies (as `parcelwatch start` does): afterwards no table and no kept
 * file holds their name, email, phone or address, nothing more is sent to them, and the other
 * buyer of the same merchant is untouched.
 */
const logger = createLogger({ name: 'buyer-erasure', level: 'silent' });
// Monday 13:00 in Berlin: inside sending hours.
const clock = fixedClock('2026-11-23T12:00:00Z');
const JANE = { name: 'Jane Erasmus', email: 'jane.erasmus@buyers.example', phone: '+4915123456789', address: { line1: 'Erasmusweg 17', city: 'Berlin', postalCode: '10115', country: 'DE' }, locale: 'de-DE', timezone: 'Europe/Berlin' };
const BOB = { name: 'Bob Keeper', email: 'bob.keeper@buyers.example', locale: 'en', timezone: 'Europe/Berlin' };

describe('buyer erasure (PostgreSQL, Kafka, SMTP with kept mail copies)', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let bus: KafkaBus;
  let smtp: SmtpSink;
  let api: ApiService;
  let notifier: NotifierService;
  let mailDir: string;
  const topics = {
    shipmentEvents: uniqueTopic('shipment.events'),
    exceptions: uniqueTopic('shipment.exceptions'),
    delays: uniqueTopic('shipment.delays'),
    compensations: uniqueTopic('compensations'),
    notifications: uniqueTopic('notifications'),
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 6 });
    mailDir = await mkdtemp(path.join(tmpdir(), 'pw-mail-copies-'));
    smtp = await startSmtpSink({ emlDirectory: mailDir, receivedAt: () => clock.now().toJSDate() });
    bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'buyer-erasure', logger });
    await bus.connect();
    await bus.ensureTopics(Object.values(topics).map((name) => ({ name, partitions: 2, dlq: name !== topics.notifications })));
    api = createApiService({ db, clock, logger, access: { enabled: true }, mailCopies: mailCopiesIn(mailDir) });
    await api.start();
    notifier = createNotifierService({
      logger,
      clock,
      db,
      bus,
      topics,
      groupId: `erasure-${topics.shipmentEvents.slice(-8)}`,
      dispatchIntervalMs: 0,
      senders: [createEmailSender({ smtpUrl: smtp.url, defaultFrom: 'care@shop.example' })],
    });
    await notifier.start();
  });
  afterAll(async () => {
    await notifier?.stop();
    await api?.stop();
    await smtp?.close();
    await bus?.disconnect();
    await db?.destroy();
    await database?.drop();
  });

  async function call(method: string, route: string, key: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${api.url()}${route}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function merchantWithKeys(name: string): Promise<{ merchantId: string; admin: string; ingest: string }> {
    const merchantId = newId();
    // As onboarding creates a merchant (the repository POST /v1/merchants writes with).
    await insertMerchant(db, {
      id: merchantId, name, defaultLocale: 'en-US', defaultTimezone: 'UTC', settings: { notifications: { quietHours: null, dailyCap: 10 } }, supportEmail: null,
      marketplaceShopId: null, marketplaceShopCipher: null, compensationPolicyVersion: null, createdAt: new Date(),
    });
    const key = async (role: string) => (await issueApiKey({ db, clock }, { name: `${name} ${role}`, role, merchantIds: [merchantId], actor: 'test-setup' })).key;
    return { merchantId, admin: await key('admin'), ingest: await key('ingest') };
  }

  async function register(ingestKey: string, merchantId: string, orderId: string, buyer: object): Promise<{ shipmentId: string; buyerId: string }> {
    const response = await call('POST', '/v1/shipments', ingestKey, { merchantId, orderId, trackingNumber: 'LX123456785CN', destinationCountry: 'DE', buyer });
    if (response.status !== 201) throw new Error(`registering ${orderId}: ${JSON.stringify(response.body)}`);
    const shipment = response.body['shipment'] as { id: string; buyerId: string };
    return { shipmentId: shipment.id, buyerId: shipment.buyerId };
  }

  /** A milestone as the normalizer publishes it; resolves once the notifier planned its messages. */
  async function milestone(merchantId: string, shipmentId: string, which: 'shipped' | 'out_for_delivery', occurredAt: string): Promise<void> {
    const before = await countRows(shipmentId);
    await bus.publish(topics.shipmentEvents, [milestoneEvent({ shipmentId, merchantId }, which, occurredAt)]);
    await waitFor(`${which} planned`, async () => (await countRows(shipmentId)) > before);
  }
  const countRows = async (shipmentId: string) => (await db.selectFrom('notifications').select('id').where('shipment_id', '=', shipmentId).execute()).length;

  /** Every row of every table (and every kept mail copy) that still holds one of these strings. */
  async function whereStill(needles: readonly string[]): Promise<string[]> {
    const tables = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(db);
    const found: string[] = [];
    for (const { name } of tables.rows) {
      for (const needle of needles) {
        const hit = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(name)} AS t WHERE t::text ILIKE ${`%${needle}%`}`.execute(db);
        if (Number(hit.rows[0]?.n ?? 0) > 0) found.push(`${name}: ${needle}`);
      }
    }
    for (const file of await readdir(mailDir)) {
      const text = await readFile(path.join(mailDir, file), 'utf8');
      for (const needle of needles) if (text.toLowerCase().includes(needle.toLowerCase())) found.push(`${file}: ${needle}`);
    }
    return found;
  }

  it('blanks the buyer everywhere, deletes their mail copies, stops what was not sent, and audits without PII', async () => {
    const shop = await merchantWithKeys('Kettle & Co');
    const other = await merchantWithKeys('Other Shop');
    const first = await register(shop.ingest, shop.merchantId, 'jane-1', JANE);
    const second = await register(shop.ingest, shop.merchantId, 'jane-2', JANE);
    const bob = await register(shop.ingest, shop.merchantId, 'bob-1', BOB);
    expect(second.buyerId).toBe(first.buyerId);

    await milestone(shop.merchantId, first.shipmentId, 'shipped', '2026-11-23T11:00:00Z');
    await milestone(shop.merchantId, bob.shipmentId, 'shipped', '2026-11-23T11:00:00Z');
    expect(await notifier.dispatchDue()).toMatchObject({ sent: 2 });
    // Planned, not sent yet when the buyer asks to be forgotten.
    await milestone(shop.merchantId, second.shipmentId, 'out_for_delivery', '2026-11-23T11:30:00Z');
    expect((await readdir(mailDir)).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    expect(await whereStill([JANE.email, JANE.name, JANE.address.line1])).toEqual(expect.arrayContaining(['buyer_contacts: ' + JANE.email]));

    // Another merchant's admin, an unknown buyer, and a key of the wrong role learn nothing.
    expect(await call('DELETE', `/v1/buyers/${first.buyerId}`, other.admin)).toMatchObject({ status: 404 });
    expect(await call('DELETE', `/v1/buyers/${newId()}`, shop.admin)).toMatchObject({ status: 404 });
    expect((await call('DELETE', `/v1/buyers/${first.buyerId}`, shop.ingest)).status).toBe(403);

    const erased = await call('DELETE', `/v1/buyers/${first.buyerId}`, shop.admin);
    expect(erased).toEqual({
      status: 200,
      body: { buyerId: first.buyerId, merchantId: shop.merchantId, purgedAt: '2026-11-23T12:00:00.000Z', shipments: 2, contacts: 2, notificationsStopped: 1, mailCopiesDeleted: 1 },
    });
    expect(await whereStill([JANE.email, JANE.name, JANE.phone, JANE.address.line1, 'Erasmus'])).toEqual([]);
    // Bob's data and mail copy are his own business.
    expect(await whereStill([BOB.email])).toEqual(expect.arrayContaining(['buyer_contacts: ' + BOB.email]));
    expect((await readdir(mailDir)).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    const contacts = await db.selectFrom('shipments as s').innerJoin('buyer_contacts as c', 'c.id', 's.buyer_contact_id').select(['c.email', 'c.purged_at']).where('s.buyer_id', '=', first.buyerId).execute();
    expect(contacts).toEqual([0, 1].map(() => ({ email: null, purged_at: new Date('2026-11-23T12:00:00Z') })));
    expect(await db.selectFrom('buyers').select('purged_at').where('id', '=', first.buyerId).executeTakeFirst()).toEqual({ purged_at: new Date('2026-11-23T12:00:00Z') });
    expect(await db.selectFrom('notifications').select(['status', 'error_code']).where('shipment_id', '=', second.shipmentId).execute()).toEqual([{ status: 'skipped', error_code: 'buyer_erased' }]);
    const audit = await listAudit(db, { merchantIds: [shop.merchantId], action: 'buyer.erased' });
    expect(audit.map((entry) => [entry.actor.startsWith('key:'), entry.target_type, entry.target_id, entry.at])).toEqual([[true, 'buyer', first.buyerId, new Date('2026-11-23T12:00:00Z')]]);

    // No further mail: not the stopped message, not a later milestone, not a new order of the same buyer.
    const sentBefore = smtp.received().length;
    const third = await register(shop.ingest, shop.merchantId, 'jane-3', JANE);
    expect(third.buyerId).toBe(first.buyerId);
    await bus.publish(topics.shipmentEvents, [milestoneEvent({ shipmentId: first.shipmentId, merchantId: shop.merchantId }, 'out_for_delivery', '2026-11-23T11:40:00Z'), milestoneEvent({ shipmentId: third.shipmentId, merchantId: shop.merchantId }, 'shipped', '2026-11-23T11:40:00Z')]);
    await milestone(shop.merchantId, bob.shipmentId, 'out_for_delivery', '2026-11-23T11:45:00Z');
    for (let round = await notifier.dispatchDue(); round.sent + round.failed + round.retryLater > 0; round = await notifier.dispatchDue());
    expect(smtp.received().slice(sentBefore).flatMap((mail) => mail.to)).toEqual([BOB.email]);

    // Asked again: the same answer, the first erasure's time.
    expect(await call('DELETE', `/v1/buyers/${first.buyerId}`, shop.admin)).toMatchObject({ status: 200, body: { purgedAt: '2026-11-23T12:00:00.000Z', notificationsStopped: 0 } });
  });
});
