import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeleteBucketCommand, DeleteObjectCommand, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3BlobStore, createS3Client, type S3BlobStore } from '@parcelwatch/archive';
import { KafkaBus, OutboxRelay, rawParser, type BusConsumer } from '@parcelwatch/bus';
import { EVENT_TYPES, idFromName, proofStoredEventSchema, type Envelope } from '@parcelwatch/contracts';
import { createDb, type Database, type Proof } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import { createTestDatabase, kafkaBrokers, s3Settings, uniqueTopic } from '@parcelwatch/test-harness';
import type { Kysely } from 'kysely';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createArchiverService, type ArchiverService } from '../src/app.js';
import { verifyProofs } from '../src/verify/proof-verifier.js';
import { milestoneEvent, seedShipment, snapshotEvent, waitFor, type SeededShipment } from './archiver.fixtures.js';

/*
 * The archiver on real Kafka, PostgreSQL and S3 (the harness's S3Mock). The harness bucket has
 * no Object Lock, so this file makes its own bucket with Object Lock enabled: the adapter then
 * sends retention (GOVERNANCE by default) with every put. S3Mock records retention but does not
 * enforce it, which is what lets the test alter objects "behind the archiver's back".
 */

const logger = createLogger({ name: 'archiver-int', level: 'silent' });
const clock = fixedClock('2025-03-20T09:00:00Z');
const settings = s3Settings();
const bucket = `pw-archiver-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const MAIN = fileURLToPath(new URL('../../../services/cli/src/main.ts', import.meta.url));
const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
// Child processes refuse non-loopback connections too (the guard prints to stderr, which these tests check).
const LOOPBACK_GUARD = new URL('../../../test/harness/loopback-guard.mjs', import.meta.url).href;

describe('archiver on Kafka, PostgreSQL and S3', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  let bus: KafkaBus;
  let relay: OutboxRelay;
  let client: S3Client;
  let store: S3BlobStore;
  let service: ArchiverService;
  let published: BusConsumer;
  const stored: Envelope[] = [];
  const topics = { snapshots: uniqueTopic('tracking.snapshots'), shipmentEvents: uniqueTopic('shipment.events'), proofs: uniqueTopic('proofs') };
  const groupId = `archiver-${idFromName('group', topics.proofs).slice(0, 8)}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ kind: 'postgres', url: database.url, max: 6 });
    client = createS3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    });
    store = createS3BlobStore({ client, bucket });
    await store.ensureBucket({ objectLock: true });
    bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'archiver-int', logger });
    await bus.connect();
    await bus.ensureTopics([
      { name: topics.snapshots, partitions: 3, dlq: true },
      { name: topics.shipmentEvents, partitions: 3, dlq: true },
      { name: topics.proofs, partitions: 3 },
      // Where `parcelwatch proofs appeal` (a separate process, registry topic names) sends its event.
      { name: 'proofs', partitions: 3 },
    ]);
    relay = new OutboxRelay({ db, bus, logger });
    relay.start();
    published = bus.subscribe({
      topics: topics.proofs,
      groupId: `${groupId}-reader`,
      parse: rawParser(),
      handler: async (messages) => {
        for (const message of messages) stored.push(JSON.parse(message.value!.toString('utf8')) as Envelope);
      },
      logger,
    });
    await published.start();
    service = createArchiverService({ logger, clock, db, bus, blobStore: store, topics, groupId });
    await service.start();
  });

  afterAll(async () => {
    await service?.stop();
    await published?.stop();
    await relay?.stop();
    await bus?.disconnect();
    await db?.destroy();
    await database?.drop();
    if (client !== undefined) {
      const versions = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      for (const v of versions.Versions ?? []) {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.Key!, VersionId: v.VersionId!, BypassGovernanceRetention: true }));
      }
      await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
      client.destroy();
    }
  });

  const proofsOf = (shipmentId: string): Promise<Proof[]> => db.selectFrom('proofs').selectAll().where('shipment_id', '=', shipmentId).orderBy('created_at').execute();

  function cli(args: string[]) {
    const { KAFKA_BROKERS: _k, ...inherited } = process.env;
    return spawnSync(process.execPath, ['--import', TSX, '--import', LOOPBACK_GUARD, MAIN, ...args], {
      env: {
        ...inherited,
        NODE_OPTIONS: '',
        LOG_LEVEL: 'warn',
        DATABASE_URL: database.url,
        S3_ENDPOINT: settings.endpoint,
        S3_BUCKET: bucket,
        S3_REGION: settings.region,
        S3_ACCESS_KEY_ID: settings.accessKeyId,
        S3_SECRET_ACCESS_KEY: settings.secretAccessKey,
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
  }

  it('stores bundles that verify, once each despite redelivery, chains appeals, and reports objects altered in the bucket', async () => {
    const shipments: SeededShipment[] = [];
    for (const name of ['int-a', 'int-b', 'int-c']) shipments.push(await seedShipment(db, name));
    // Every event twice; milestones before the snapshots they depend on.
    for (let round = 0; round < 2; round += 1) {
      await bus.publish(topics.shipmentEvents, shipments.flatMap((s) => [milestoneEvent(s, 'shipped'), milestoneEvent(s, 'delivered')]) as Envelope[]);
      await bus.publish(topics.snapshots, shipments.flatMap((s) => [snapshotEvent(s, s.checkpoints.shipped), snapshotEvent(s, s.checkpoints.transit), snapshotEvent(s, s.checkpoints.delivered)]) as Envelope[]);
    }
    await waitFor('six bundles', async () => (await db.selectFrom('proofs').select('id').execute()).length === 6, 90_000);
    await waitFor('every milestone processed', async () => {
      const row = await db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).where('consumer_group', '=', groupId).executeTakeFirstOrThrow();
      return Number(row.n) === 6;
    }, 90_000);

    for (const s of shipments) {
      const proofs = await proofsOf(s.shipmentId);
      expect(proofs.map((p) => p.kind)).toEqual(['shipment', 'delivery']);
      expect(proofs[1]!.previous_sha256).toBe(proofs[0]!.manifest_sha256);
      // The bucket has Object Lock: retention was applied, and recorded.
      expect(proofs[0]!.retain_until).toEqual(new Date(Date.parse(s.checkpoints.shipped.occurredAt) + 2557 * 86_400_000));
      const head = await store.head(proofs[0]!.object_key);
      expect(head.sha256).toBe(proofs[0]!.manifest_sha256);
      const report = await verifyProofs(db, store, s.shipmentId);
      expect(report.findings).toEqual([]);
    }
    expect(await store.supportsObjectLock()).toBe(true);

    await waitFor('six proof.stored events on the topic', async () => new Set(stored.map((e) => e.id)).size === 6, 60_000);
    for (const event of stored) expect(proofStoredEventSchema.parse(event).type).toBe(EVENT_TYPES.proofStored);

    const [a, b] = shipments as [SeededShipment, SeededShipment, SeededShipment];
    const appeal = cli(['proofs', 'appeal', a.shipmentId, '--requested-by', 'ops-1']);
    expect(appeal.stderr).toBe('');
    expect(appeal.status).toBe(0);
    const appealProof = JSON.parse(appeal.stdout) as { kind: string; previousSha256: string; objectKey: string };
    const [, deliveryA] = await proofsOf(a.shipmentId);
    expect(appealProof).toMatchObject({ kind: 'appeal', previousSha256: deliveryA!.manifest_sha256 });

    // Its proof.stored event went through the outbox and the relay, to the registry's topic.
    await waitFor('the appeal event relayed', async () => {
      const rows = await db.selectFrom('outbox').select(['topic', 'published_at']).where('topic', '=', 'proofs').execute();
      return rows.length === 1 && rows[0]!.published_at !== null;
    }, 60_000);

    const clean = cli(['proofs', 'verify', a.shipmentId]);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toMatch(/3 proof\(s\), 0 finding\(s\)/);

    // Behind the archiver's back: one part of a's delivery bundle, and b's shipment manifest.
    const part = (deliveryA!.parts as Array<{ name: string; key: string }>).find((p) => p.name === 'communications')!;
    const [shipmentB] = await proofsOf(b.shipmentId);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: part.key, Body: '{"messages":[]}\n', ContentType: 'application/json' }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: shipmentB!.object_key, Body: '{"version":1,"forged":true}\n', ContentType: 'application/json' }));

    const reportA = await verifyProofs(db, store, a.shipmentId);
    expect(reportA.findings.map((f) => [f.key, f.problem])).toEqual([[part.key, 'sha256_mismatch']]);
    const reportB = await verifyProofs(db, store, b.shipmentId);
    expect(reportB.findings.map((f) => [f.key, f.problem])).toEqual([[shipmentB!.object_key, 'sha256_mismatch']]);
    expect((await verifyProofs(db, store, shipments[2]!.shipmentId)).ok).toBe(true);

    const tamperedA = cli(['proofs', 'verify', a.shipmentId]);
    expect(tamperedA.status).toBe(1);
    expect(tamperedA.stdout).toMatch(/3 proof\(s\), 1 finding\(s\)/);
    expect(tamperedA.stdout).toContain(part.key);
    const tamperedB = cli(['proofs', 'verify', b.shipmentId]);
    expect(tamperedB.status).toBe(1);
    expect(tamperedB.stdout).toContain(shipmentB!.object_key);
    expect(tamperedB.stdout).not.toContain(part.key);

    expect(cli(['proofs', 'verify']).status).toBe(2);
    expect(cli(['proofs', 'verify', '0195a0e0-0000-7000-8000-0000000000ff']).status).toBe(2);
  });
});
