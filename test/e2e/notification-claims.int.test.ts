import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KafkaBus } from '@parcelwatch/bus';
import { parseEnv } from '@parcelwatch/config';
import { TOPIC } from '@parcelwatch/contracts';
import { createDb, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { buildNotifier, messageIdFor, notifierConfigSchema, type DispatchRound, type NotifierService } from '@parcelwatch/notifier';
import { acceleratedClock, createMetricsRegistry, type ServiceHost } from '@parcelwatch/service-kit';
import { createTestDatabase, kafkaBrokers } from '@parcelwatch/test-harness';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import { milestoneEvent } from '../../services/notifier/test/event-fixtures.js';
import { seedBuyerShipment, seedMerchant, waitFor, type SeededBuyerShipment } from '../../services/notifier/test/notifier-seed.js';
import { NamespacedBus } from './sellers-month.bus.js';
import { startSlowSmtpServer, type SlowSmtpServer } from './slow-smtp.server.js';

/*
 * Two notifier instances, built as a deployment builds them (buildNotifier from their config),
 * share one PostgreSQL and one slow relay. Each SMTP phase takes 150 ms, so a batch of 20 takes
 * many seconds while a claim's lease is 1 s: every batch outlives its lease, and the other
 * instance re-claims what the first has not reached. The relay counts what it accepts.
 */
const logger = createLogger({ name: 'notification-claims', level: 'silent' });
const PARCELS = 30;

describe('two notifiers against one database and a slow SMTP relay', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let kafka: KafkaBus;
  let relay: SlowSmtpServer;
  const closers: (() => Promise<void> | void)[] = [];
  const suffix = `claims-${Date.now().toString(36)}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 8 });
    kafka = new KafkaBus({ brokers: kafkaBrokers(), clientId: suffix, logger });
    await kafka.connect();
    relay = await startSlowSmtpServer({ phaseDelayMs: 150 });
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await relay?.close();
    await kafka?.disconnect();
    await db?.destroy();
    await database?.drop();
  });

  function notifierInstance(bus: NamespacedBus): { notifier: NotifierService; registry: Registry } {
    const config = parseEnv(notifierConfigSchema, {
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      SMTP_URL: relay.url,
      NOTIFIER_DISPATCH_INTERVAL_MS: '0',
      NOTIFIER_DISPATCH_LEASE_MS: '1000',
    });
    // Real time from a Monday noon in Berlin: leases run out as the relay dawdles.
    const host: ServiceHost = { logger, clock: acceleratedClock({ start: '2026-11-23T11:00:00Z', factor: 1 }), onClose: (_name, close) => void closers.push(close) };
    const registry = createMetricsRegistry({ service: 'notifier', defaultMetrics: false });
    const { service } = buildNotifier(config, host, { db, bus, registry });
    closers.push(() => service.stop());
    return { notifier: service, registry };
  }

  /** Rounds until every message is sent; returns the rounds' totals. */
  async function dispatchUntilSent(notifier: NotifierService): Promise<DispatchRound> {
    const total: DispatchRound = { sent: 0, failed: 0, retryLater: 0, deferred: 0, lost: 0 };
    for (;;) {
      const round = await notifier.dispatchDue();
      for (const key of Object.keys(total) as (keyof DispatchRound)[]) total[key] += round[key];
      const open = await db.selectFrom('notifications').select('id').where('status', '<>', 'sent').limit(1).execute();
      if (open.length === 0) return total;
      if (round.sent + round.lost === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('delivers every message exactly once, counted at the relay, though leases expire mid-batch', async () => {
    const bus = new NamespacedBus(kafka, suffix);
    await kafka.ensureTopics([TOPIC.shipmentEvents, TOPIC.shipmentExceptions, TOPIC.shipmentDelays, TOPIC.compensations].map((name) => ({ name: bus.topic(name), partitions: 2, dlq: true })));
    const merchantId = await seedMerchant(db, 'Claims & Co', { notifications: { quietHours: null, dailyCap: 10 } });
    const parcels: SeededBuyerShipment[] = [];
    for (let i = 0; i < PARCELS; i += 1) parcels.push(await seedBuyerShipment(db, { name: `claims-${i}`, merchantId, locale: 'en', timezone: 'Europe/Berlin', phone: null }));

    const first = notifierInstance(bus);
    const second = notifierInstance(bus);
    await first.notifier.start();
    await second.notifier.start();
    await bus.publish(TOPIC.shipmentEvents, parcels.map((p) => milestoneEvent(p, 'shipped', '2026-11-23T10:00:00Z')));
    await waitFor('every shipped message planned', async () => (await db.selectFrom('notifications').select('id').execute()).length === PARCELS);

    const [a, b] = await Promise.all([dispatchUntilSent(first.notifier), dispatchUntilSent(second.notifier)]);

    const rows = await db.selectFrom('notifications').select(['id', 'status', 'claim_token']).execute();
    const deliveries = relay.deliveries();
    expect(rows.map((row) => [row.status, row.claim_token])).toEqual(rows.map(() => ['sent', null]));
    expect([...deliveries.keys()].sort()).toEqual(rows.map((row) => messageIdFor(row.id)).sort());
    expect([...deliveries.values()]).toEqual(rows.map(() => 1));
    expect(a.sent + b.sent).toBe(PARCELS);
    // The scenario really happened: both sent, and claims ran out under a holder mid-batch.
    expect(a.sent).toBeGreaterThan(0);
    expect(b.sent).toBeGreaterThan(0);
    expect(a.lost + b.lost).toBeGreaterThan(0);
    const lostCounted = async (registry: Registry) => (await registry.getSingleMetric('parcelwatch_notifier_claims_lost_total')?.get())?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
    expect((await lostCounted(first.registry)) + (await lostCounted(second.registry))).toBe(a.lost + b.lost);
  });
});
