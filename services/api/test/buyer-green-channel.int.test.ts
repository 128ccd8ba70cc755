import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import { KafkaBus } from '@parcelwatch/bus';
import { createCompensationService, DEFAULT_POLICY_PATH, loadPolicyStore, type CompensationService } from '@parcelwatch/compensation';
import { createEnvelope, delayDetectedEventSchema, EVENT_TYPES, idFromName, newId, parseEvent, type DelayDetectedEvent, type ShipmentRegisteredEvent } from '@parcelwatch/contracts';
import { createDb, recordDelays, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import { createTestDatabase, kafkaBrokers, uniqueTopic } from '@parcelwatch/test-harness';
import { createApiService, type ApiService } from '../src/app.js';
import { issueApiKey } from '../src/access/api-key-admin.js';
import { GENEROUS } from './access-fixture.js';
import type { ResponseBody } from './api-test-kit.js';

/*
 * The green channel from real inputs, on PostgreSQL and Kafka: one buyer's orders registered
 * through the api (JSON and CSV, the email typed differently each time) until the buyer's
 * spend passes 500 USD; delay events on the compensation service's own topic; the decisions
 * and the approval queue read over HTTP, as the embedded stack serves them (the compensation
 * routes on the api). The expected figures are worked out here by hand from the shipped
 * policy's numbers (500 USD threshold, EUR at 0.92), not by calling the code under test.
 */
const logger = createLogger({ name: 'buyer-green-channel', level: 'silent' });
const clock = fixedClock('2026-03-02T10:00:00Z');

describe('a buyer whose spend passes 500 USD gets the green channel, first in the queue', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let bus: KafkaBus;
  let api: ApiService;
  let compensation: CompensationService;
  let merchantId: string;
  let keys: { ingest: string; approver: string };
  const topics = { delays: uniqueTopic('shipment.delays'), exceptions: uniqueTopic('shipment.exceptions'), compensations: uniqueTopic('compensations') };
  const shipments: Record<string, string> = {};
  let tracking = 0;
  const nextTracking = () => `YT${String(7_200_000_000_000_000 + (tracking += 1))}`;

  async function call(method: 'GET' | 'POST', route: string, key: string, body?: unknown): Promise<{ status: number; body: ResponseBody }> {
    const response = await fetch(`${api.url()}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  async function registered(orderId: string): Promise<ShipmentRegisteredEvent['data']> {
    const rows = await db.selectFrom('outbox').select('event').where('message_key', '=', shipments[orderId]!).execute();
    const parsed = rows.map((row) => parseEvent('shipments', row.event)).find((p) => p.ok && p.event.type === 'parcelwatch.shipment.registered.v1');
    if (parsed === undefined || !parsed.ok) throw new Error(`no registration event for ${orderId}`);
    return (parsed.event as ShipmentRegisteredEvent).data;
  }

  /** What the detector publishes when a shipment is `daysLate` days past its promised date. */
  function delay(orderId: string, daysLate: number): DelayDetectedEvent {
    const shipmentId = shipments[orderId]!;
    const detectedAt = clock.now().toUTC().toISO()!;
    return delayDetectedEventSchema.parse(
      createEnvelope({
        id: idFromName('test-delay', shipmentId, String(daysLate)),
        type: EVENT_TYPES.delayDetected,
        source: 'parcelwatch/detector',
        subject: shipmentId,
        merchantid: merchantId,
        time: detectedAt,
        data: {
          shipmentId,
          daysLate,
          against: 'promised',
          referenceDate: '2026-02-10',
          timeZone: 'America/Los_Angeles',
          tier: 2,
          detectedAt,
          status: { milestone: 'in_transit', reason: 'arrived_hub' },
          lastCheckpointAt: null,
        },
      }),
    );
  }

  /** Publishes delays as the detector does: its record of the days late first (compensation checks events against it). */
  async function publishDelays(events: DelayDetectedEvent[]): Promise<void> {
    await recordDelays(db, events.map((e) => ({
      id: idFromName('test-delay-row', e.data.shipmentId, String(e.data.daysLate)),
      shipmentId: e.data.shipmentId,
      merchantId: e.merchantid,
      against: e.data.against,
      referenceAt: `${e.data.referenceDate}T00:00:00Z`,
      daysLate: e.data.daysLate,
      tier: e.data.tier ?? 0,
      computedAt: e.data.detectedAt,
    })));
    await bus.publish(topics.delays, events);
  }

  async function decisionFor(orderId: string): Promise<ResponseBody> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const listed = await call('GET', `/compensations?shipmentId=${shipments[orderId]}`, keys.approver);
      if (listed.status === 200 && listed.body.items.length > 0) return listed.body.items[0];
      if (Date.now() > deadline) throw new Error(`no compensation decided for ${orderId}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 6 });
    bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'buyer-green-channel', logger });
    await bus.connect();
    await bus.ensureTopics([
      { name: topics.delays, partitions: 2, dlq: true },
      { name: topics.exceptions, partitions: 2, dlq: true },
      { name: topics.compensations, partitions: 2 },
    ]);
    const policy = await loadPolicyStore(DEFAULT_POLICY_PATH, logger);
    compensation = createCompensationService({
      logger,
      clock,
      db,
      bus,
      policy,
      topics,
      groupId: `compensation-${idFromName('group', topics.delays).slice(0, 8)}`,
      executionIntervalMs: 0,
    });
    api = createApiService({ db, clock, logger, access: { enabled: true, rateLimits: GENEROUS } });
    compensation.registerRoutes(api.app);
    await api.start();
    await compensation.start();

    merchantId = newId();
    await db.insertInto('merchants').values({ id: merchantId, name: 'Green Channel Appliances' }).execute();
    const issue = async (role: 'ingest' | 'approver') =>
      (await issueApiKey({ db, clock }, { name: `green ${role}`, role, merchantIds: [merchantId], actor: 'test-setup' })).key;
    keys = { ingest: await issue('ingest'), approver: await issue('approver') };
  });

  afterAll(async () => {
    await compensation?.stop();
    await api?.stop();
    await bus?.disconnect();
    await db?.destroy();
    await database?.drop();
  });

  const order = (orderId: string, email: string, amountMinor: number) => ({
    merchantId,
    orderId,
    trackingNumber: nextTracking(),
    destinationCountry: 'US',
    promisedDeliveryDate: '2026-02-10',
    orderValue: { amountMinor, currency: 'USD' },
    buyer: { email, timezone: 'America/Los_Angeles' },
  });
  const csvHeader = 'merchantId,orderId,trackingNumber,destinationCountry,promisedDeliveryDate,orderValueMinor,orderCurrency,buyerEmail,buyerTimezone';
  const csvRow = (orderId: string, number: string, amountMinor: number, currency: string, email: string) =>
    `${merchantId},${orderId},${number},US,2026-02-10,${amountMinor},${currency},${email},America/Los_Angeles`;

  it('registers the orders through the api; the buyer is one, and its spend grows once per order', async () => {
    // Another buyer, one 60.00 USD order: a standard case.
    const leo = await call('POST', '/v1/shipments', keys.ingest, order('L-1', 'leo@example.com', 6_000));
    expect(leo.status).toBe(201);
    shipments['L-1'] = leo.body.shipment.id;
    // Mia: 180.00 and 150.00 USD as JSON (one alone, one in a batch), 120.00 USD by CSV: 450.00 USD.
    const m1 = await call('POST', '/v1/shipments', keys.ingest, order('M-1', 'mia.chen@example.com', 18_000));
    const m2 = await call('POST', '/v1/shipments', keys.ingest, { shipments: [order('M-2', 'Mia.Chen@Example.com', 15_000)] });
    const m3Number = nextTracking();
    const m3 = await call('POST', '/v1/shipments/import', keys.ingest, [csvHeader, csvRow('M-3', m3Number, 12_000, 'USD', 'MIA.CHEN+deals@example.com')].join('\n'));
    expect([m1.status, m2.status, m3.status]).toEqual([201, 207, 207]);
    shipments['M-1'] = m1.body.shipment.id;
    shipments['M-2'] = m2.body.results[0].shipment.id;
    shipments['M-3'] = m3.body.results[0].shipment.id;
    const buyerId = m1.body.shipment.buyerId;
    expect([m2.body.results[0].shipment.buyerId, m3.body.results[0].shipment.buyerId]).toEqual([buyerId, buyerId]);
    expect(leo.body.shipment.buyerId).not.toBe(buyerId);
    expect((await registered('M-3')).buyer).toMatchObject({ buyerId, orderCount: 3, lifetimeSpend: { amountMinor: 45_000, currency: 'USD' } });
    // The same CSV again: every row already registered, nothing counted twice.
    const replay = await call('POST', '/v1/shipments/import', keys.ingest, [csvHeader, csvRow('M-3', m3Number, 12_000, 'USD', 'mia.chen@example.com')].join('\n'));
    expect(replay.body.summary).toEqual({ created: 0, existing: 1, errors: 0 });
  });

  it('decides a 450 USD buyer by the standard rules', async () => {
    await publishDelays([delay('L-1', 15), delay('M-1', 15)]);
    const leo = await decisionFor('L-1');
    const mia = await decisionFor('M-1');
    // 30 % of the order, a supervisor approves (30 to 100 USD) or a manager (above).
    expect(leo).toMatchObject({ tier: 2, action: 'partial_refund', channel: 'standard', approval: 'supervisor', status: 'pending', amount: { amountMinor: 1_800, currency: 'USD' } });
    expect(mia).toMatchObject({ tier: 2, action: 'partial_refund', channel: 'standard', approval: 'manager', status: 'pending', amount: { amountMinor: 5_400, currency: 'USD' } });
    expect(mia.explanation).not.toContain('Green channel');
  });

  it('passes 500 USD with a 64.40 EUR order (70.00 USD at 0.92): green channel and reship first, ahead of older cases in the queue', async () => {
    clock.advance({ hours: 2 });
    const m4 = await call('POST', '/v1/shipments/import', keys.ingest, [csvHeader, csvRow('M-4', nextTracking(), 6_440, 'EUR', ' mia.chen@EXAMPLE.COM')].join('\n'));
    expect(m4.body.summary).toEqual({ created: 1, existing: 0, errors: 0 });
    shipments['M-4'] = m4.body.results[0].shipment.id;
    // Kept as paid, one amount per currency.
    expect((await registered('M-4')).buyer).toMatchObject({
      orderCount: 4,
      lifetimeSpend: null,
      lifetimeSpendByCurrency: [
        { amountMinor: 6_440, currency: 'EUR' },
        { amountMinor: 45_000, currency: 'USD' },
      ],
    });

    await publishDelays([delay('M-2', 16), delay('M-4', 16)]);
    const m2 = await decisionFor('M-2');
    const m4Decision = await decisionFor('M-4');
    // 450.00 + 70.00 = 520.00 USD: reship instead of the partial refund; approval still by the order's value.
    expect(m2).toMatchObject({ tier: 2, action: 'reship', amount: null, channel: 'green', approval: 'manager', status: 'pending' });
    expect(m4Decision).toMatchObject({ tier: 2, action: 'reship', amount: null, channel: 'green', approval: 'supervisor', status: 'pending' });
    expect(m2.explanation).toContain("Green channel: the buyer's lifetime spend $520.00 reaches $500.00, so a reship comes first.");

    const greenFirst = [shipments['M-2'], shipments['M-4']].sort();
    const standardAfter = [shipments['L-1'], shipments['M-1']].sort();
    const pending = await call('GET', `/compensations?status=pending&merchantId=${merchantId}`, keys.approver);
    expect(pending.status).toBe(200);
    const listed = pending.body.items.map((item: { shipmentId: string; channel: string }) => [item.channel, item.shipmentId]);
    expect(listed.map(([channel]: string[]) => channel)).toEqual(['green', 'green', 'standard', 'standard']);
    expect(listed.slice(0, 2).map(([, id]: string[]) => id).sort()).toEqual(greenFirst);
    expect(listed.slice(2).map(([, id]: string[]) => id).sort()).toEqual(standardAfter);
    // The standard cases waited longer: only the channel puts the green ones ahead.
    expect(pending.body.items[3].decidedAt < pending.body.items[0].decidedAt).toBe(true);

    const queue = await call('GET', `/v1/reports/compensations/queue?merchantId=${merchantId}`, keys.approver);
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((item: { channel: string; waitingHours: number }) => [item.channel, item.waitingHours])).toEqual([
      ['green', 0],
      ['green', 0],
      ['standard', 2],
      ['standard', 2],
    ]);
    expect(queue.body.items.slice(0, 2).map((item: { shipmentId: string }) => item.shipmentId).sort()).toEqual(greenFirst);
  });
});
