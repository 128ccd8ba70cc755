// Estimated delivery end to end, on real Kafka and PostgreSQL and a real SMTP server: sandbox
// journeys (17TRACK wire format) -> api registration -> poller -> normalizer -> notifier. One
// parcel's carrier publishes an estimate, one lane has learned transit times, one has neither;
// the buyer's shipped mail carries the expected-by line exactly for the first two.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiService, issueApiKey, type ApiService } from '@parcelwatch/api';
import { KafkaBus, OutboxRelay } from '@parcelwatch/bus';
import { createCarrierSandboxService, type CarrierSandboxService, type Journey, type JourneyRates } from '@parcelwatch/carrier-sandbox';
import { idFromName } from '@parcelwatch/contracts';
import { createDb, type Database } from '@parcelwatch/db';
import { createNormalizerService, type NormalizerService } from '@parcelwatch/normalizer';
import { createEmailSender, createNotifierService, startSmtpSink, type NotifierService, type SmtpSink } from '@parcelwatch/notifier';
import { createPollerService, createSandboxPollerClients, DEFAULT_CADENCE, type PollerService } from '@parcelwatch/poller';
import { fixedClock } from '@parcelwatch/service-kit';
import { createTestDatabase, kafkaBrokers, uniqueTopic } from '@parcelwatch/test-harness';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { logger, waitFor } from './tracking-pipeline.fixture.js';

const START = DateTime.fromISO('2026-03-02T00:00:00Z', { zone: 'utc' });
const MINUTE = 60_000;
const DAY_MS = 86_400_000;
/** No incidents and every zone reported: the oracle reads transit times straight from the journeys. */
const PLAIN: JourneyRates = { stall: 0, customsDocuments: 0, failedAttempt: 0, returned: 0, lost: 0, damaged: 0, noZone: 0 };
const HISTORY = 3;

type Role = 'history' | 'carrier' | 'learned' | 'none';
interface Parcel {
  role: Role;
  journey: Journey;
  email: string;
}

const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7];
function s10(serial: number): string {
  const digits = String(serial).padStart(8, '0');
  const sum = [...digits].reduce((total, d, i) => total + Number(d) * S10_WEIGHTS[i]!, 0);
  const check = 11 - (sum % 11);
  return `LX${digits}${check === 10 ? 0 : check === 11 ? 5 : check}CN`;
}

const eventAt = (journey: Journey, kind: string): number => Date.parse(journey.events.find((event) => event.kind === kind)!.occurredAt);

/** PostgreSQL's percentile_cont over sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  return sorted[low]! + (sorted[Math.ceil(rank)]! - sorted[low]!) * (rank - low);
}

/** How the buyer's mail names a day (en-US, the buyer's zone). */
const dayText = (instant: number, zone: string): string => DateTime.fromMillis(instant, { zone }).setLocale('en-US').toLocaleString(DateTime.DATE_HUGE);
const noonOf = (date: string, zone: string): number => DateTime.fromISO(`${date}T12:00:00`, { zone }).toMillis();

describe('estimated delivery from carrier payloads to the shipped mail (Kafka, PostgreSQL, SMTP)', () => {
  const clock = fixedClock(START.toISO()!);
  const topics = {
    shipments: uniqueTopic('shipments'),
    trackingSnapshots: uniqueTopic('tracking.snapshots'),
    shipmentEvents: uniqueTopic('shipment.events'),
    exceptions: uniqueTopic('shipment.exceptions'),
    delays: uniqueTopic('shipment.delays'),
    compensations: uniqueTopic('compensations'),
    notifications: uniqueTopic('notifications'),
  };
  const groups = { normalizer: `normalizer-${idFromName('edd', topics.shipments).slice(0, 8)}`, notifier: `notifier-${idFromName('edd', topics.shipments).slice(0, 8)}` };
  const merchantId = idFromName('edd-merchant', topics.shipments);
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let bus: KafkaBus;
  let sandbox: CarrierSandboxService;
  let api: ApiService;
  let normalizer: NormalizerService;
  let notifier: NotifierService;
  let smtp: SmtpSink;
  let viewerKey: string;
  const parcels: Parcel[] = [];

  async function consumed(group: string, topic: string): Promise<boolean> {
    const processed = await db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).where('consumer_group', '=', group).executeTakeFirstOrThrow();
    const written = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<string>().as('n')).where('topic', '=', topic).executeTakeFirstOrThrow();
    return Number(processed.n) === Number(written.n);
  }

  async function step(poller: PollerService, relay: OutboxRelay): Promise<void> {
    for (let tick = 0; tick < 20; tick += 1) {
      const report = await poller.tick();
      if (report.polled === 0 && report.registered === 0 && report.registrationFailed === 0) break;
    }
    while ((await relay.relayOnce()) > 0);
    await waitFor('the normalizer', () => consumed(groups.normalizer, topics.trackingSnapshots), 60_000);
    while ((await relay.relayOnce()) > 0);
    await waitFor('the notifier', () => consumed(groups.notifier, topics.shipmentEvents), 60_000);
    for (;;) {
      const round = await notifier.dispatchDue();
      if (round.sent + round.failed + round.retryLater + round.deferred === 0) break;
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 6 });
    bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'edd-e2e', logger });
    await bus.connect();
    await bus.ensureTopics(Object.values(topics).map((name) => ({ name, partitions: 2, dlq: name !== topics.notifications })));
    smtp = await startSmtpSink();
    sandbox = createCarrierSandboxService({ logger, clock, options: { seed: 41, journeyRates: PLAIN, rateLimits: { '17track': null } } });
    await sandbox.start();
    api = createApiService({ logger, clock, db, topics: { shipments: topics.shipments, trackingSnapshots: topics.trackingSnapshots } });
    await api.start();

    // Delivered weeks ago on CN-US: the lane's history. Then three parcels that ship tomorrow.
    const plan: Array<{ role: Role; lane: 'CN-US' | 'CN-EU'; shippedAt: DateTime; carrierEstimate: boolean }> = [
      ...Array.from({ length: HISTORY }, () => ({ role: 'history' as const, lane: 'CN-US' as const, shippedAt: START.minus({ days: 45 }), carrierEstimate: false })),
      { role: 'carrier', lane: 'CN-US', shippedAt: START.plus({ days: 1 }), carrierEstimate: true },
      { role: 'learned', lane: 'CN-US', shippedAt: START.plus({ days: 1 }), carrierEstimate: false },
      { role: 'none', lane: 'CN-EU', shippedAt: START.plus({ days: 1 }), carrierEstimate: false },
    ];
    const journeys = sandbox.journeys.create(
      plan.map((p, i) => ({ trackingNumber: s10(4100 + i), lane: p.lane, shippedAt: p.shippedAt, outcome: 'delivered' as const, carrierEstimate: p.carrierEstimate })),
    );
    journeys.forEach((journey, i) => parcels.push({ role: plan[i]!.role, journey, email: `buyer${i}@example.test` }));

    await db.insertInto('merchants').values({ id: merchantId, name: 'Kettle & Co' }).execute();
    const keys = { db, clock };
    const ingest = await issueApiKey(keys, { name: 'edd ingest', role: 'ingest', merchantIds: [merchantId], actor: 'e2e' });
    viewerKey = (await issueApiKey(keys, { name: 'edd viewer', role: 'viewer', merchantIds: [merchantId], actor: 'e2e' })).key;
    const shipments = parcels.map((p, i) => ({
      merchantId,
      orderId: `EDD-${i}`,
      trackingNumber: p.journey.trackingNumber,
      originCountry: 'CN',
      destinationCountry: p.journey.destination.country,
      buyer: { email: p.email, locale: 'en-US', timezone: p.journey.destination.zone },
    }));
    const response = await fetch(`${api.url()}/v1/shipments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest.key}` }, body: JSON.stringify({ shipments }) });
    expect(response.status).toBe(207);

    const cadence = { ...DEFAULT_CADENCE, lastMileMs: MINUTE, customsMs: MINUTE, inTransitMs: MINUTE, lineHaulMs: MINUTE, notFoundMinMs: MINUTE, notFoundMaxMs: MINUTE, terminalMs: MINUTE, failureBaseMs: MINUTE, failureMaxMs: MINUTE };
    const poller = createPollerService({
      logger,
      clock,
      db,
      clients: () => createSandboxPollerClients({ baseUrl: sandbox.url, retry: { retries: 4, minTimeoutMs: 10, maxTimeoutMs: 100 } }),
      options: { topics: { trackingSnapshots: topics.trackingSnapshots }, cadence },
    });
    // Three deliveries are enough history for this test's lane; the default asks for 30.
    normalizer = createNormalizerService({ logger, clock, db, bus, topics, groupId: groups.normalizer, learnedEstimates: { minHistorySamples: HISTORY, historyDays: 180 } });
    notifier = createNotifierService({
      logger,
      clock,
      db,
      bus,
      topics,
      groupId: groups.notifier,
      dispatchIntervalMs: 0,
      senders: [createEmailSender({ smtpUrl: smtp.url, defaultFrom: 'notifications@shop.test' })],
    });
    await normalizer.start();
    await notifier.start();
    const relay = new OutboxRelay({ db, bus, logger });
    // Six days in half-day steps: the history is read first, the new parcels ship on day two,
    // and mail held for the buyer's night goes out in the morning.
    await step(poller, relay);
    for (let i = 0; i < 12; i += 1) {
      clock.advance({ hours: 12 });
      await step(poller, relay);
    }
  }, 600_000);

  afterAll(async () => {
    await notifier?.stop();
    await normalizer?.stop();
    await api?.stop();
    await sandbox?.stop();
    await smtp?.close();
    await bus?.disconnect();
    await db?.destroy();
    await database?.drop();
  });

  const parcel = (role: Role): Parcel => parcels.find((p) => p.role === role)!;
  const shippedMail = (p: Parcel) => smtp.received().filter((mail) => mail.to.includes(p.email) && mail.subject.includes('has shipped'));
  async function detail(p: Parcel): Promise<{ estimatedDeliveryAt: string | null; estimatedDeliveryLatestAt: string | null; estimatedDeliverySource: string | null }> {
    const row = await db.selectFrom('shipments').select('id').where('tracking_number', '=', p.journey.trackingNumber).executeTakeFirstOrThrow();
    const response = await fetch(`${api.url()}/v1/shipments/${row.id}`, { headers: { authorization: `Bearer ${viewerKey}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { shipment: never }).shipment;
  }

  it('takes the carrier\'s own estimate from its payload and tells the buyer that day', async () => {
    const p = parcel('carrier');
    const estimate = p.journey.carrierEstimate!;
    const zone = p.journey.destination.zone;
    expect(await detail(p)).toMatchObject({
      estimatedDeliveryAt: new Date(noonOf(estimate.date, zone)).toISOString(),
      estimatedDeliveryLatestAt: new Date(noonOf(estimate.latestDate, zone)).toISOString(),
      estimatedDeliverySource: 'carrier',
    });
    const mails = shippedMail(p);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(`Estimated delivery: ${dayText(noonOf(estimate.date, zone), zone)}.`);
  });

  it('learns p50/p90 from the lane\'s delivered parcels where the carrier gives none', async () => {
    const p = parcel('learned');
    const transit = parcels
      .filter((h) => h.role === 'history')
      .map((h) => (eventAt(h.journey, 'delivered') - eventAt(h.journey, 'picked_up')) / DAY_MS)
      .sort((a, b) => a - b);
    const pickedUp = eventAt(p.journey, 'picked_up');
    const expected = { at: pickedUp + percentile(transit, 0.5) * DAY_MS, latest: pickedUp + percentile(transit, 0.9) * DAY_MS };
    const got = await detail(p);
    expect(got.estimatedDeliverySource).toBe('learned');
    expect(Math.abs(Date.parse(got.estimatedDeliveryAt!) - expected.at)).toBeLessThan(1_000);
    expect(Math.abs(Date.parse(got.estimatedDeliveryLatestAt!) - expected.latest)).toBeLessThan(1_000);
    const mails = shippedMail(p);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(`Estimated delivery: ${dayText(expected.at, p.journey.destination.zone)}.`);
  });

  it('promises no day where neither the carrier nor the lane\'s history gives one', async () => {
    const p = parcel('none');
    expect(await detail(p)).toMatchObject({ estimatedDeliveryAt: null, estimatedDeliveryLatestAt: null, estimatedDeliverySource: null });
    const mails = shippedMail(p);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).not.toContain('Estimated delivery');
  });
});
