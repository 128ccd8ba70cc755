import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTikTokShopMarketplace } from '@parcelwatch/marketplace';
import { KafkaBus, OutboxRelay, rawParser, type RawMessage } from '@parcelwatch/bus';
import { EVENT_TYPES, idFromName, parseEvent, type CurrencyCode } from '@parcelwatch/contracts';
import { createDb, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import { createTestDatabase, kafkaBrokers, uniqueTopic } from '@parcelwatch/test-harness';
import type { Kysely } from 'kysely';
import { createCompensationService, type CompensationService } from '../src/app.js';
import { createTikTokMarketplaceExecutor } from '../src/execution/tiktok-marketplace.executor.js';
import type { TriggerEvent } from '../src/trigger.handler.js';
import { startMarketplacePeer, type MarketplacePeer } from './marketplace-peer.js';
import { compensationsOf, defaultPolicy, delayEvent, deliveredEvent, exceptionEvent, fixedPolicy, recordDetectorFacts, seedShipment, waitFor, type SeededShipment } from './support.js';

const logger = createLogger({ name: 'compensation-int', level: 'silent' });
const clock = fixedClock('2026-11-23T09:00:00Z');
const credentials = { appKey: 'int-app', appSecret: 'int-secret', accessToken: 'int-token', shopCipher: 'ROW_int' };

type Row = [tier: number, action: string, amountMinor: number, currency: string, status: string];
interface Journey {
  name: string;
  orderValue: string;
  currency?: CurrencyCode;
  /** The buyer's spend (USD) before this order, from the seller's history. */
  spentBefore?: string;
  events: (s: SeededShipment) => TriggerEvent[];
  /** The compensations right after the decisions, in tier order. */
  expected: Row[];
}

/** One of each kind of outcome; the test runs three copies of the set as distinct shipments. */
const JOURNEYS: Journey[] = [
  { name: 'coupon', orderValue: '25.00', events: (s) => [delayEvent(s, 3), delayEvent(s, 4)], expected: [[1, 'coupon', 500, 'USD', 'approved']] },
  {
    name: 'difference',
    orderValue: '25.00',
    events: (s) => [delayEvent(s, 3), delayEvent(s, 14)],
    expected: [
      [1, 'coupon', 500, 'USD', 'approved'],
      [2, 'partial_refund', 250, 'USD', 'approved'],
    ],
  },
  { name: 'supervised', orderValue: '60.00', events: (s) => [delayEvent(s, 15)], expected: [[2, 'partial_refund', 1800, 'USD', 'pending']] },
  { name: 'manager', orderValue: '150.00', events: (s) => [exceptionEvent(s, 'lost')], expected: [[3, 'full_refund', 15000, 'USD', 'pending']] },
  { name: 'delivered', orderValue: '20.00', events: (s) => [exceptionEvent(s, 'lost'), deliveredEvent(s)], expected: [[3, 'full_refund', 2000, 'USD', 'cancelled']] },
  { name: 'refused', orderValue: '20.00', events: (s) => [exceptionEvent(s, 'returning', { cause: 'refused', carrierFault: false, causeCode: 'ups:064' })], expected: [] },
  { name: 'green', orderValue: '40.00', spentBefore: '560.00', events: (s) => [delayEvent(s, 20)], expected: [[2, 'reship', 0, 'USD', 'pending']] },
  { name: 'damaged', orderValue: '20.00', currency: 'EUR', events: (s) => [exceptionEvent(s, 'damaged')], expected: [[2, 'partial_refund', 600, 'EUR', 'approved']] },
  { name: 'early', orderValue: '20.00', events: (s) => [delayEvent(s, 2)], expected: [] },
];

describe('compensation on Kafka and PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let bus: KafkaBus;
  let peer: MarketplacePeer;
  const topics = { delays: uniqueTopic('shipment.delays'), exceptions: uniqueTopic('shipment.exceptions'), compensations: uniqueTopic('compensations') };
  const groupId = `compensation-${idFromName('group', topics.delays).slice(0, 8)}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 6 });
    bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'compensation-int', logger });
    await bus.connect();
    await bus.ensureTopics([
      { name: topics.delays, partitions: 4, dlq: true },
      { name: topics.exceptions, partitions: 4, dlq: true },
      { name: topics.compensations, partitions: 4 },
    ]);
    peer = await startMarketplacePeer(credentials, { nowSeconds: () => clock.now().toSeconds() });
  });

  afterAll(async () => {
    await peer?.close();
    await bus?.disconnect();
    await db?.destroy();
    await database?.drop();
  });

  const processedCount = async () =>
    Number((await db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).where('consumer_group', '=', groupId).executeTakeFirstOrThrow()).n);

  const service = (maxBatchSize: number): CompensationService =>
    createCompensationService({
      logger,
      clock,
      db,
      bus,
      topics,
      groupId,
      maxBatchSize,
      policy: fixedPolicy(defaultPolicy()),
      executionIntervalMs: 0,
      executor: createTikTokMarketplaceExecutor(createTikTokShopMarketplace({ baseUrl: peer.url, ...credentials, shopCipher: () => credentials.shopCipher, nowSeconds: () => clock.now().toSeconds() })),
    });

  it('decides once across duplicates and a restart, publishes the events, and pays each approved compensation exactly once', async () => {
    const shipments: { s: SeededShipment; journey: Journey }[] = [];
    for (let copy = 0; copy < 3; copy += 1) {
      for (const journey of JOURNEYS) {
        const s = await seedShipment(db, { name: `int-${journey.name}-${copy}`, orderValue: journey.orderValue, currency: journey.currency, spentBefore: journey.spentBefore });
        shipments.push({ s, journey });
      }
    }
    const events = shipments.flatMap(({ s, journey }) => journey.events(s));
    // The deliveries come later, as in a parcel's life: recorded and published once the lost refunds are decided.
    const deliveries = events.filter((e) => e.type === EVENT_TYPES.exceptionResolved);
    const triggers = events.filter((e) => e.type !== EVENT_TYPES.exceptionResolved);
    await recordDetectorFacts(db, triggers);
    const delays = triggers.filter((e) => e.type === EVENT_TYPES.delayDetected);
    const exceptions = triggers.filter((e) => e.type !== EVENT_TYPES.delayDetected);
    // Every message twice: the second copy is what a redelivery looks like.
    for (let round = 0; round < 2; round += 1) {
      await bus.publish(topics.delays, delays);
      await bus.publish(topics.exceptions, exceptions);
    }

    const early = service(3);
    await early.start();
    await waitFor('some triggers processed', async () => (await processedCount()) >= 6, 90_000);
    await early.stop();
    const restarted = service(20);
    await restarted.start();
    try {
      await waitFor('every trigger processed', async () => (await processedCount()) === triggers.length, 90_000);
      await recordDetectorFacts(db, deliveries);
      for (let round = 0; round < 2; round += 1) await bus.publish(topics.exceptions, deliveries);
      await waitFor('every delivery processed', async () => (await processedCount()) === events.length, 90_000);
    } finally {
      await restarted.stop();
    }

    for (const { s, journey } of shipments) {
      const rows = await compensationsOf(db, s.shipmentId);
      expect([journey.name, rows.map((r): Row => [r.tier, r.action, r.amount_minor, r.currency.trim(), r.status])]).toEqual([journey.name, journey.expected]);
      for (const row of rows) {
        expect(row.policy_version).toBe('2026-12-07.1');
        expect(row.explanation).toMatch(new RegExp(`^Tier ${row.tier} \\(.*Policy 2026-12-07\\.1, rule ${row.rule_fired.replace(/[.|]/g, '\\$&')}\\.$`));
      }
    }

    // Supervisors and managers decide the pending ones; then two workers execute at once.
    const approver = restarted.approvals;
    for (const row of await approver.list({ status: 'pending', limit: 500 })) {
      const role = row.approval_level === 'manager' ? 'manager' : 'supervisor';
      await approver.approve(row.id, { id: `${role}-1`, role }, ['proof:timeline']);
    }
    const second = service(20);
    for (;;) {
      const rounds = await Promise.all([restarted.executeDue(), second.executeDue()]);
      if (rounds.every((r) => r.executed + r.cancelled + r.failed + r.retryLater === 0)) break;
    }
    const all = await db.selectFrom('compensations').selectAll().execute();
    const payable = all.filter((r) => r.status !== 'cancelled' && r.status !== 'rejected');
    expect(payable.every((r) => r.status === 'executed')).toBe(true);
    // Counted at the marketplace: one request per payable compensation, each paying, none sent twice
    // (a set of keys would hide a second request with the same key).
    const requestsPerKey = new Map<string | null, string[]>();
    for (const request of peer.requests) requestsPerKey.set(request.key, [...(requestsPerKey.get(request.key) ?? []), request.outcome]);
    expect(peer.requests).toHaveLength(payable.length);
    expect(peer.payouts).toHaveLength(payable.length);
    for (const row of payable) expect([row.id, requestsPerKey.get(row.execution_key)]).toEqual([row.id, ['paid']]);
    for (const row of payable) {
      const payout = peer.payouts.find((p) => p.key === row.execution_key);
      expect(payout?.ref).toBe(row.external_ref);
      if (row.action !== 'reship') expect(payout?.amount).toBe((row.amount_minor / 100).toFixed(2));
    }

    // The relay publishes the outbox; a reader of `compensations` sees valid events, each once.
    const relay = new OutboxRelay({ db, bus, logger });
    while ((await relay.relayOnce()) > 0);
    const outbox = await db.selectFrom('outbox').select(['event']).where('topic', '=', topics.compensations).execute();
    const ids = outbox.map((row) => (row.event as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    const received: RawMessage[] = [];
    const reader = bus.subscribe({ topics: topics.compensations, groupId: `${groupId}-reader`, parse: rawParser(), handler: async (batch) => void received.push(...batch) });
    await reader.start();
    try {
      await waitFor('compensation events consumed', async () => received.length >= ids.length, 90_000);
    } finally {
      await reader.stop();
    }
    const parsed = received.map((m) => parseEvent('compensations', m.value?.toString('utf8')));
    expect(parsed.every((p) => p.ok)).toBe(true);
    const count = (type: string) => parsed.filter((p) => p.ok && p.event.type === type).length;
    expect(count(EVENT_TYPES.compensationDecided)).toBe(all.length);
    expect(count(EVENT_TYPES.compensationExecuted)).toBe(payable.length);
    // Approved: every paid one, plus the lost parcels' refunds approved automatically before the delivery cancelled them.
    expect(count(EVENT_TYPES.compensationApproved)).toBe(all.filter((r) => r.approved_at !== null).length);
    expect(all.filter((r) => r.approved_at !== null).length).toBe(payable.length + 3);
    // The lost parcels that turned up delivered: one rejection each, with the reason.
    expect(count(EVENT_TYPES.compensationRejected)).toBe(all.filter((r) => r.status === 'cancelled').length);
  });
});
