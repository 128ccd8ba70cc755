import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { installAccessLayer } from '@parcelwatch/access';
import { createFilesystemBlobStore, type FilesystemBlobStore } from '@parcelwatch/archive';
import { EmbeddedBus } from '@parcelwatch/bus';
import { EVENT_TYPES, proofStoredEventSchema, type Envelope } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Database, type Proof } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import Fastify from 'fastify';
import type { Kysely } from 'kysely';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createArchiverService, type ArchiverService } from '../src/app.js';
import { createProofArchive } from '../src/proof-archive.js';
import { verifyProofs } from '../src/verify/proof-verifier.js';
import { milestoneEvent, seedShipment, snapshotEvent, waitFor, type SeededShipment } from './archiver.fixtures.js';

const logger = createLogger({ name: 'archiver-service-test', level: 'silent' });
const clock = fixedClock('2025-03-20T09:00:00Z');
const topics = { snapshots: 'tracking.snapshots', shipmentEvents: 'shipment.events', proofs: 'proofs' };

const proofsOf = (db: Kysely<Database>, shipmentId: string) => db.selectFrom('proofs').selectAll().where('shipment_id', '=', shipmentId).orderBy('created_at').execute();

describe('archiver on the embedded bus, PGlite and the filesystem store', () => {
  let db: Kysely<Database>;
  let bus: EmbeddedBus;
  let dir: string;
  let store: FilesystemBlobStore;
  let service: ArchiverService;

  beforeEach(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    bus = new EmbeddedBus({ logger });
    await bus.connect();
    dir = await mkdtemp(path.join(tmpdir(), 'pw-archiver-'));
    store = createFilesystemBlobStore({ dir });
    service = createArchiverService({ logger, clock, db, bus, blobStore: store, topics, retentionDays: 30 });
  });
  afterEach(async () => {
    await service.stop();
    await bus.disconnect();
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  async function deliverJourney(s: SeededShipment, times = 1): Promise<void> {
    for (let i = 0; i < times; i += 1) {
      // The milestone first: the archiver must wait for the snapshot that carried its checkpoint.
      await bus.publish(topics.shipmentEvents, [milestoneEvent(s, 'shipped') as Envelope]);
      await bus.publish(topics.snapshots, [snapshotEvent(s, s.checkpoints.shipped), snapshotEvent(s, s.checkpoints.transit), snapshotEvent(s, s.checkpoints.delivered)] as Envelope[]);
      await bus.publish(topics.shipmentEvents, [milestoneEvent(s, 'delivered') as Envelope]);
    }
  }

  it('writes one proof of shipment and one of delivery per shipment, chained, that verify clean', async () => {
    const a = await seedShipment(db, 'a');
    const b = await seedShipment(db, 'b');
    await service.start();
    await deliverJourney(a, 2);
    await deliverJourney(b, 2);
    await waitFor('four bundles', async () => (await db.selectFrom('proofs').select('id').execute()).length === 4);

    for (const s of [a, b]) {
      const [shipment, delivery] = await proofsOf(db, s.shipmentId);
      expect(shipment).toMatchObject({ kind: 'shipment', previous_sha256: null });
      expect(delivery).toMatchObject({ kind: 'delivery', previous_sha256: shipment!.manifest_sha256 });
      expect(shipment!.object_key).toBe(`proofs/${s.merchantId}/${s.shipmentId}/shipment/${s.checkpoints.shipped.occurredAt.replace(/:/g, '-')}-${shipment!.manifest_sha256}.manifest.json`);
      // The filesystem store honours retention: trigger time + 30 days.
      expect(shipment!.retain_until).toEqual(new Date(Date.parse(s.checkpoints.shipped.occurredAt) + 30 * 86_400_000));
      const report = await verifyProofs(db, store, s.shipmentId);
      expect(report.findings).toEqual([]);
      expect(report.ok).toBe(true);
      // Manifest + 5 parts, and the raw snapshots listed: 1 for shipment, 3 for delivery.
      expect(report.proofs.map((p) => p.objectsChecked)).toEqual([7, 9]);
    }

    const manifest = JSON.parse((await store.get((await proofsOf(db, a.shipmentId))[1]!.object_key)).toString('utf8'));
    expect(manifest.parts.map((p: { name: string }) => p.name)).toEqual(['timeline', 'raw-snapshots', 'communications', 'compensation-history', 'summary']);
    const timeline = JSON.parse((await store.get(manifest.parts[0].key)).toString('utf8'));
    expect(timeline.checkpoints.map((c: { localTime: string; utcOffset: string }) => [c.localTime, c.utcOffset])).toEqual([
      ['2025-03-01T10:00:00', '+08:00'],
      ['2025-03-02T16:00:00', '+08:00'],
      ['2025-03-10T21:00:00', '-05:00'],
    ]);
    const communications = JSON.parse((await store.get(manifest.parts[2].key)).toString('utf8'));
    expect(communications.messages).toEqual([expect.objectContaining({ channel: 'email', template: 'shipped', status: 'sent', attempts: 1, providerMessageId: 'msg-a' })]);
    expect(JSON.stringify(communications)).not.toMatch(/@|idempotency/);

    const events = (await db.selectFrom('outbox').select(['topic', 'event']).orderBy('id').execute()).filter((row) => row.topic === topics.proofs);
    expect(events).toHaveLength(4);
    for (const { event } of events) {
      const parsed = proofStoredEventSchema.parse(event);
      expect(parsed.type).toBe(EVENT_TYPES.proofStored);
      expect(parsed.data.partCount).toBe(5);
      expect(parsed.data.trigger?.type).toBe(EVENT_TYPES.milestoneReached);
    }
  });

  it('archives a non-JSON snapshot as the exact bytes received, once', async () => {
    const s = await seedShipment(db, 'xml');
    await service.start();
    const xml = Buffer.from('<track><event code="PU">Accepted</event></track>');
    const event = snapshotEvent(s, s.checkpoints.shipped);
    const binary = { ...event, data: { ...event.data, sha256: createHash('sha256').update(xml).digest('hex'), payload: { encoding: 'base64' as const, contentType: 'application/xml', body: xml.toString('base64') } } };
    await bus.publish(topics.snapshots, [binary, binary] as Envelope[]);
    await waitFor('the snapshot archived', async () => (await db.selectFrom('tracking_snapshots').select('id').where('blob_key', 'is not', null).execute()).length === 1);
    const [row] = await db.selectFrom('tracking_snapshots').selectAll().execute();
    expect(row).toMatchObject({ id: s.checkpoints.shipped.snapshotId, content_type: 'application/xml', byte_size: xml.length, sha256: binary.data.sha256, archived_sha256: binary.data.sha256 });
    expect(row!.blob_key).toBe(`raw/${s.merchantId}/${s.shipmentId}/${s.checkpoints.shipped.fetchedAt.replace(/:/g, '-')}-${binary.data.sha256}.bin`);
    expect((await store.get(row!.blob_key!)).equals(xml)).toBe(true);
  });

  it('chains an appeal bundle to the delivery bundle, over HTTP', async () => {
    const a = await seedShipment(db, 'appeal');
    await service.start();
    await deliverJourney(a);
    await waitFor('two bundles', async () => (await proofsOf(db, a.shipmentId)).length === 2);
    const app = Fastify();
    // The routes alone, every caller trusted (access off); without a layer they would answer nobody.
    installAccessLayer(app, { db, clock, logger, options: { enabled: false }, rateLimits: false });
    service.registerRoutes(app);
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const post = async (id: string, body?: unknown) => {
      const response = await fetch(`${base}/v1/shipments/${id}/appeal-bundles`, {
        method: 'POST',
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as { objectKey: string; manifestSha256: string; previousSha256: string | null } };
    };
    try {
      const created = await post(a.shipmentId, { requestedBy: 'ops-user-7' });
      expect(created.status).toBe(201);
      const delivery = (await proofsOf(db, a.shipmentId))[1]!;
      expect(created.json).toMatchObject({ kind: 'appeal', shipmentId: a.shipmentId, previousSha256: delivery.manifest_sha256 });
      const manifest = JSON.parse((await store.get(created.json.objectKey)).toString('utf8'));
      expect(manifest).toMatchObject({ kind: 'appeal', requestedBy: 'ops-user-7', trigger: null, createdAt: '2025-03-20T09:00:00.000Z', previousManifestSha256: delivery.manifest_sha256 });

      const second = await post(a.shipmentId);
      expect(second.status).toBe(201);
      expect(second.json.previousSha256).toBe(created.json.manifestSha256);
      expect((await verifyProofs(db, store, a.shipmentId)).ok).toBe(true);

      expect((await post('0195a0e0-0000-7000-8000-0000000000ff', {})).status).toBe(404);
      expect((await post('not-a-uuid', {})).status).toBe(400);
      expect((await post(a.shipmentId, { requestedBy: 5 })).status).toBe(400);
    } finally {
      await app.close();
    }
  });

  it('writes the same keys and bytes when a bundle is rebuilt after a crash before the commit', async () => {
    const s = await seedShipment(db, 'crash');
    await service.start();
    await bus.publish(topics.snapshots, [snapshotEvent(s, s.checkpoints.shipped)] as Envelope[]);
    await waitFor('the snapshot archived', async () => (await db.selectFrom('tracking_snapshots').select('id').where('blob_key', 'is not', null).execute()).length === 1);
    const archive = createProofArchive({ db, blobStore: store, clock, logger, proofsTopic: topics.proofs, retentionDays: 30 });
    let written: Proof | null = null;
    await expect(
      db.transaction().execute(async (trx) => {
        written = await archive.archiveMilestone(trx, milestoneEvent(s, 'shipped'));
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(await proofsOf(db, s.shipmentId)).toEqual([]);
    // The blobs stayed, retained: writing other bytes under those keys would be refused.
    await bus.publish(topics.shipmentEvents, [milestoneEvent(s, 'shipped') as Envelope]);
    await waitFor('the bundle recorded', async () => (await proofsOf(db, s.shipmentId)).length === 1);
    const [proof] = await proofsOf(db, s.shipmentId);
    expect(proof!.object_key).toBe((written as Proof | null)?.object_key);
    expect(proof!.manifest_sha256).toBe((written as Proof | null)?.manifest_sha256);
  });

  it('reports a changed part, a changed manifest, a missing object and a broken chain', async () => {
    const a = await seedShipment(db, 'tamper-a');
    const b = await seedShipment(db, 'tamper-b');
    await service.start();
    await deliverJourney(a);
    await deliverJourney(b);
    await waitFor('four bundles', async () => (await db.selectFrom('proofs').select('id').execute()).length === 4);
    const appeal = await service.createAppealBundle(a.shipmentId, null);
    const [, deliveryA] = await proofsOf(db, a.shipmentId);
    const partsOf = (proof: Proof) => proof.parts as Array<{ name: string; key: string; sha256: string }>;
    const objectPath = (key: string) => path.join(dir, 'objects', ...key.split('/'));

    // Behind the store's back: a timeline edited, an appeal manifest rewritten, a PDF deleted.
    const timelineKey = partsOf(deliveryA!).find((p) => p.name === 'timeline')!.key;
    await writeFile(objectPath(timelineKey), '{"checkpoints":[]}\n');
    await writeFile(objectPath(appeal.object_key), (await store.get(appeal.object_key)).toString('utf8').replace('"appeal"', '"delivery"'));
    const [shipmentB, deliveryB] = await proofsOf(db, b.shipmentId);
    const pdfKey = partsOf(shipmentB!).find((p) => p.name === 'summary')!.key;
    await rm(path.join(dir, 'meta', `${pdfKey}.meta.json`));
    await rm(objectPath(pdfKey));
    // And a chain link rewritten in the database.
    await db.updateTable('proofs').set({ previous_sha256: 'f'.repeat(64) }).where('id', '=', deliveryB!.id).execute();

    const reportA = await verifyProofs(db, store, a.shipmentId);
    expect(reportA.ok).toBe(false);
    expect(reportA.findings.map((f) => [f.key, f.problem])).toEqual([
      [timelineKey, 'sha256_mismatch'],
      [appeal.object_key, 'sha256_mismatch'],
    ]);
    expect(reportA.proofs.map((p) => [p.kind, p.ok])).toEqual([['shipment', true], ['delivery', false], ['appeal', false]]);

    const reportB = await verifyProofs(db, store, b.shipmentId);
    expect(reportB.findings.map((f) => [f.key, f.problem])).toEqual([
      [pdfKey, 'missing'],
      [deliveryB!.object_key, 'chain_broken'],
    ]);
    expect(reportB.findings[1]).toMatchObject({ expected: shipmentB!.manifest_sha256, actual: 'f'.repeat(64) });
  });
});
