import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '@parcelwatch/archive';
import { verifyProofs } from '@parcelwatch/archiver';
import { EVENT_TYPES } from '@parcelwatch/contracts';
import { s3Settings } from '@parcelwatch/test-harness';
import { ExceptionPipeline, type ExceptionRun } from './exception-pipeline.fixture.js';
import { planShipments, type PlannedShipment } from './exception-pipeline.journeys.js';
import { causeEvents, expectedMessages, GREETING, localClock, localDate, storedMessages, type StoredMessage } from './notification-pipeline.expectations.js';
import { buyerOf, NotificationStages, webhookOn } from './notification-pipeline.stages.js';

/*
 * Issue 6 end to end: sandbox journeys through poller, normalizer, detector and compensation
 * on real Kafka and PostgreSQL, then the notifier (a real SMTP server, Twilio-style SMS and
 * TikTok-style marketplace servers, and a merchant webhook receiver on loopback) and the
 * archiver (bundles in the S3 server). The clock moves an hour at a time between steps, so a
 * message due at night waits for the morning. A second run at the same time delivers every
 * message twice and restarts every service (the notifier too) mid-run.
 */

const planned: PlannedShipment[] = planShipments();
const OUTAGE = { downAfterStep: 20, upAfterStep: 30 };
const QUIET_START = '21:00';
const QUIET_END = '08:00';
const MAIN = fileURLToPath(new URL('../../services/cli/src/main.ts', import.meta.url));
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

interface Run {
  run: ExceptionRun;
  pipeline: ExceptionPipeline;
  stages: NotificationStages;
}

async function runOnce(options: { deliverTwice?: boolean; restartAfterStep?: number }): Promise<Run> {
  const stages = new NotificationStages(OUTAGE);
  const pipeline = new ExceptionPipeline(stages);
  const run = await pipeline.run(planned, options);
  // Three more days of sending: messages deferred past the last step (night, the daily cap) go out.
  await stages.drain(pipeline.contextForChecks(), 72);
  return { run, pipeline, stages };
}

const indexOf = (orderId: string) => Number(orderId.slice('E2E-X-'.length));

async function shipmentsOf(r: Run) {
  const rows = await r.run.db.selectFrom('shipments').select(['id', 'order_id', 'tracking_number', 'merchant_id']).execute();
  return new Map(rows.map((s) => [s.id, { ...s, index: indexOf(s.order_id) }]));
}

describe('notifications and proofs end to end (Kafka, PostgreSQL, S3, SMTP and HTTP receivers)', () => {
  let runs: [Run, Run] | undefined;

  beforeAll(async () => {
    runs = await Promise.all([runOnce({}), runOnce({ deliverTwice: true, restartAfterStep: 40 })]);
    // ~12 minutes on an idle machine; a loaded CI machine needs the headroom.
  }, 2_400_000);

  afterAll(async () => {
    for (const r of runs ?? []) {
      await r.stages.close();
      await r.pipeline.stop();
    }
  });

  async function checkMessages(r: Run): Promise<StoredMessage[]> {
    const ctx = r.pipeline.contextForChecks();
    const shipments = await shipmentsOf(r);
    const events = await causeEvents(r.run.db, [ctx.topics['shipmentEvents']!, ctx.topics['shipmentExceptions']!, ctx.topics['shipmentDelays']!, ctx.topics['compensations']!]);
    const index = new Map([...shipments.values()].map((s) => [s.id, s.index]));
    const expected = expectedMessages(events, planned, index, r.stages.watermarks);
    const stored = await storedMessages(r.run.db);
    const got = stored.map((m) => `${shipments.get(m.shipmentId)!.tracking_number} ${m.key} ${m.channel} ${m.template}`).sort();
    expect(got).toEqual(expected);
    expect(stored.filter((m) => m.status !== 'sent').map((m) => `${m.key} ${m.channel} ${m.status}`)).toEqual([]);
    return stored;
  }

  it('sends exactly the messages the journeys call for, on each buyer channel, and every one once', async () => {
    for (const r of runs!) {
      const stored = await checkMessages(r);
      expect(stored.length).toBeGreaterThan(400);
      for (const template of ['shipped', 'departed_origin_country', 'customs_cleared', 'out_for_delivery', 'failed_attempt', 'delivered', 'stalled', 'lost', 'damaged', 'returning', 'customs_action_needed', 'delay_notice', 'delay_apology', 'damage_apology', 'loss_apology', 'return_apology']) {
        expect([template, stored.some((m) => m.template === template)]).toEqual([template, true]);
      }
      // What the servers received is what was recorded, each message once.
      const byChannel = (channel: string) => stored.filter((m) => m.channel === channel).map((m) => m.providerMessageId).sort();
      const mails = r.stages.smtp!.received();
      expect(mails.map((m) => m.messageId).sort()).toEqual(byChannel('email'));
      expect(new Set(mails.map((m) => m.messageId)).size).toBe(mails.length);
      expect(r.stages.sms!.received().map((m) => m.sid).sort()).toEqual(byChannel('sms'));
      expect(r.stages.marketplace!.received().map((m) => m.messageId).sort()).toEqual(byChannel('marketplace_message'));
      expect(byChannel('sms').length).toBeGreaterThan(20);
      expect(byChannel('marketplace_message').length).toBeGreaterThan(20);
    }
  });

  it('writes in the buyer language and shows times in the buyer zone', async () => {
    const r = runs![0];
    const shipments = await shipmentsOf(r);
    const stored = await storedMessages(r.run.db);
    const byMessageId = new Map(stored.filter((m) => m.channel === 'email').map((m) => [m.providerMessageId, m]));
    const languages = new Set<string>();
    let deliveredChecked = 0;
    for (const mail of r.stages.smtp!.received()) {
      const message = byMessageId.get(mail.messageId)!;
      const shipment = shipments.get(message.shipmentId)!;
      const p = planned[shipment.index]!;
      const buyer = buyerOf(p, shipment.index);
      const language = buyer.locale.slice(0, 2);
      languages.add(language);
      expect({ id: mail.messageId, locale: message.locale }).toEqual({ id: mail.messageId, locale: buyer.locale });
      expect({ id: mail.messageId, to: mail.to }).toEqual({ id: mail.messageId, to: [buyer.email] });
      expect({ id: mail.messageId, greeting: mail.text.startsWith(GREETING[language]!) }).toEqual({ id: mail.messageId, greeting: true });
      if (message.template === 'delivered') {
        const truth = p.journey.events.find((e) => e.kind === 'delivered')!;
        expect(mail.text).toContain(localDate(truth.occurredAt, buyer.locale, buyer.timezone));
        deliveredChecked += 1;
      }
    }
    expect([...languages].sort()).toEqual(['de', 'en', 'es', 'fr', 'it']);
    expect(deliveredChecked).toBeGreaterThan(20);
  });

  it('keeps quiet hours in the buyer zone: what falls due at night goes out in the morning, nothing is dropped', async () => {
    for (const r of runs!) {
      const shipments = await shipmentsOf(r);
      const stored = await storedMessages(r.run.db);
      const zoneOf = (m: StoredMessage) => buyerOf(planned[shipments.get(m.shipmentId)!.index]!, shipments.get(m.shipmentId)!.index).timezone;
      const atNight = stored.filter((m) => {
        const local = localClock(m.sentAt!, zoneOf(m));
        return local >= QUIET_START || local < QUIET_END;
      });
      expect(atNight.map((m) => `${m.template} ${m.sentAt} ${zoneOf(m)}`)).toEqual([]);
      const deferred = await r.run.db.selectFrom('notification_attempts').select(['notification_id', 'deferred_until']).where('defer_reason', '=', 'quiet_hours').execute();
      expect(deferred.length).toBeGreaterThan(20);
      for (const d of deferred) {
        const message = stored.find((m) => m.id === d.notification_id)!;
        expect(new Date(message.sentAt!).getTime()).toBeGreaterThanOrEqual(new Date(d.deferred_until as unknown as string).getTime());
        expect(localClock(new Date(d.deferred_until as unknown as string).toISOString(), zoneOf(message))).toBe(QUIET_END);
      }
    }
  });

  it('sends the same messages at the same times when every event arrives twice and the notifier restarts mid-run', async () => {
    const [first, second] = runs!;
    // Exception and compensation ids are minted per run; the template says which one it was.
    const stableKey = (key: string) => key.replace(/^exception:[^:]+:/, 'exception:').replace(/^compensation:.*$/, 'compensation');
    const view = async (r: Run) => {
      const shipments = await shipmentsOf(r);
      return (await storedMessages(r.run.db)).map((m) => `${shipments.get(m.shipmentId)!.tracking_number} ${stableKey(m.key)} ${m.channel} ${m.template} ${m.sentAt} ${m.bodySha256}`).sort();
    };
    const [plain, redelivered] = [await view(first), await view(second)];
    // Same messages, same text, sent in the same minute.
    expect(redelivered).toEqual(plain);
    for (const [topic, counts] of Object.entries(second.run.topics)) expect({ topic, published: counts.published }).toEqual({ topic, published: 2 * counts.written });
  });

  it('delivers every merchant webhook once, in order per shipment, to a receiver that was down for five days', async () => {
    for (const r of runs!) {
      const db = r.run.db;
      const shipments = await shipmentsOf(r);
      const deliveries = await db.selectFrom('webhook_deliveries').select(['id', 'shipment_id', 'source_event_id', 'status', 'attempts']).orderBy('seq').execute();
      const received = r.stages.webhooks!.received();
      expect(r.stages.reEnabled).toBeGreaterThan(0);
      expect(deliveries.some((d) => d.attempts > 1)).toBe(true);
      expect(deliveries.filter((d) => d.status !== 'delivered')).toEqual([]);
      expect(received.map((w) => w.messageId).sort()).toEqual(deliveries.map((d) => d.id).sort());
      expect(r.stages.webhooks!.rejected()).toEqual([]);
      // In order per shipment: the receiver saw each shipment's deliveries in their queue order.
      for (const shipmentId of new Set(deliveries.map((d) => d.shipment_id))) {
        const queue = deliveries.filter((d) => d.shipment_id === shipmentId).map((d) => d.id);
        const seen = received.filter((w) => w.payload['shipmentId'] === shipmentId).map((w) => w.messageId);
        expect(seen).toEqual(queue);
      }
      // One delivery per event of a subscribed merchant's shipment (status changes and checkpoint lists excepted).
      const ctx = r.pipeline.contextForChecks();
      const events = await causeEvents(db, [ctx.topics['shipmentEvents']!, ctx.topics['shipmentExceptions']!, ctx.topics['shipmentDelays']!, ctx.topics['compensations']!]);
      const told = events
        .filter(({ event }) => event.type !== EVENT_TYPES.statusChanged && event.type !== EVENT_TYPES.checkpointsAdded)
        .filter(({ event }) => webhookOn(shipments.get(event.subject)!.index))
        .map(({ event }) => event.id);
      expect(deliveries.map((d) => d.source_event_id).sort()).toEqual([...new Set(told)].sort());
    }
  });

  it('archives proof of shipment and of delivery that verify against their manifests, and reports an object altered behind its back', async () => {
    const r = runs![0];
    const db = r.run.db;
    const shipments = await shipmentsOf(r);
    const ctx = r.pipeline.contextForChecks();
    const events = await causeEvents(db, [ctx.topics['shipmentEvents']!]);
    const reached = (milestone: string) => new Set(events.filter(({ event }) => event.type === EVENT_TYPES.milestoneReached && event.data['journeyMilestone'] === milestone).map(({ event }) => event.subject));
    const proofs = await db.selectFrom('proofs').select(['id', 'shipment_id', 'kind', 'object_key']).execute();
    const kinds = (kind: string) => new Set(proofs.filter((p) => p.kind === kind).map((p) => p.shipment_id));
    expect([...kinds('shipment')].sort()).toEqual([...reached('shipped')].sort());
    expect([...kinds('delivery')].sort()).toEqual([...reached('delivered')].sort());
    expect(proofs.length).toBe(kinds('shipment').size + kinds('delivery').size);
    for (const shipmentId of shipments.keys()) {
      const report = await verifyProofs(db, r.stages.blobStore!, shipmentId);
      expect({ shipmentId, findings: report.findings }).toEqual({ shipmentId, findings: [] });
    }

    // A proof of delivery carries the communication log: each message with its attempts, as sent.
    const sentBodies = new Map((await storedMessages(db)).map((m) => [m.id, m.bodySha256]));
    let logged = 0;
    for (const proof of proofs.filter((p) => p.kind === 'delivery')) {
      const manifest = JSON.parse((await r.stages.blobStore!.get(proof.object_key)).toString('utf8')) as { parts: { key: string; name: string }[] };
      const part = manifest.parts.find((p) => p.name === 'communications')!;
      const log = JSON.parse((await r.stages.blobStore!.get(part.key)).toString('utf8')) as { messages: { notificationId: string; attemptLog: { status: string; bodySha256: string | null }[] }[] };
      for (const message of log.messages) {
        for (const attempt of message.attemptLog.filter((a) => a.status === 'sent')) {
          expect(attempt.bodySha256).toBe(sentBodies.get(message.notificationId));
          logged += 1;
        }
      }
    }
    expect(logged).toBeGreaterThan(50);

    // An appeal bundle for a lost parcel, asked for over HTTP: it chains to the proof of shipment.
    const lost = [...shipments.values()].find((s) => planned[s.index]!.spec === 'lost-carrier' && kinds('shipment').has(s.id))!;
    const appeal = (await r.stages.post(`/v1/shipments/${lost.id}/appeal-bundles`, { requestedBy: 'ops-e2e' })) as { kind: string; previousSha256: string | null };
    const shipmentProof = await db.selectFrom('proofs').select('manifest_sha256').where('shipment_id', '=', lost.id).where('kind', '=', 'shipment').executeTakeFirstOrThrow();
    expect({ kind: appeal.kind, previous: appeal.previousSha256 }).toEqual({ kind: 'appeal', previous: shipmentProof.manifest_sha256 });

    // Someone rewrites one part of a delivered parcel's proof of delivery in the bucket.
    const delivered = proofs.find((p) => p.kind === 'delivery')!;
    const manifest = JSON.parse((await r.stages.blobStore!.get(delivered.object_key)).toString('utf8')) as { parts: { key: string; name: string }[] };
    const part = manifest.parts.find((p) => p.name.includes('timeline')) ?? manifest.parts[0]!;
    const s3 = s3Settings();
    const client = createS3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: s3.forcePathStyle, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    await client.send(new PutObjectCommand({ Bucket: r.stages.bucket, Key: part.key, Body: '{"checkpoints":[]}\n', ContentType: 'application/json' }));
    const report = await verifyProofs(db, r.stages.blobStore!, delivered.shipment_id);
    expect(report.ok).toBe(false);
    expect([...new Set(report.findings.map((f) => f.key))]).toEqual([part.key]);
    // The same through the command ops run.
    const { KAFKA_BROKERS: _brokers, ...inherited } = process.env;
    const cli = spawnSync(process.execPath, ['--import', TSX, MAIN, 'proofs', 'verify', delivered.shipment_id], {
      env: { ...inherited, NODE_OPTIONS: '', LOG_LEVEL: 'warn', DATABASE_URL: r.pipeline.databaseUrl(), S3_ENDPOINT: s3.endpoint, S3_BUCKET: r.stages.bucket, S3_REGION: s3.region, S3_ACCESS_KEY_ID: s3.accessKeyId, S3_SECRET_ACCESS_KEY: s3.secretAccessKey },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect({ status: cli.status, names: cli.stdout.includes(part.key) }).toEqual({ status: 1, names: true });
    const clean = proofs.find((p) => p.kind === 'delivery' && p.shipment_id !== delivered.shipment_id)!;
    expect((await verifyProofs(db, r.stages.blobStore!, clean.shipment_id)).ok).toBe(true);
  });
});
