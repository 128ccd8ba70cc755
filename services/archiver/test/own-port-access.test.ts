import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFilesystemBlobStore } from '@parcelwatch/archive';
import { EmbeddedBus } from '@parcelwatch/bus';
import { newId } from '@parcelwatch/contracts';
import { createLogger } from '@parcelwatch/logger';
import { sql } from 'kysely';
import { createArchiverService } from '../src/index.js';
import { startOwnPortServer, type OwnPortServer } from '@parcelwatch/access/testing';
import { seedShipments } from '@parcelwatch/db/testing';

// Appeal bundles on the archiver's own port (distributed mode) enforce the api's access layer.
describe('appeal bundles on the archiver\'s own port', () => {
  let server: OwnPortServer;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pw-archiver-access-'));
    const logger = createLogger({ name: 'test', level: 'silent' });
    server = await startOwnPortServer((app, deps) =>
      createArchiverService({ ...deps, logger, bus: new EmbeddedBus({ logger }), blobStore: createFilesystemBlobStore({ dir }) }).registerRoutes(app),
    );
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 401 without a key and 404 to a key scoped to another merchant', async () => {
    const merchantA = await server.merchant();
    const merchantB = await server.merchant();
    const shipmentId = newId();
    await seedShipments(server.db, [{ id: shipmentId, merchantId: merchantA, orderId: 'ORD-1', trackingNumber: 'TN-OWN-PORT-1', carrier: 'ups', registeredAt: server.clock.now().toJSDate(), tracking: { status: 'in_transit' } }]);
    const route = `/v1/shipments/${shipmentId}/appeal-bundles`;
    expect((await server.call('POST', route, null, {})).status).toBe(401);
    const approverB = await server.key('approver', [merchantB]);
    expect((await server.call('POST', route, approverB, {})).status).toBe(404);
    const viewerA = await server.key('viewer', [merchantA]);
    expect((await server.call('POST', route, viewerA, {})).status).toBe(403);
  });

  it('records an appeal bundle and its audit entry together, or neither', async () => {
    const merchant = await server.merchant();
    const shipmentId = newId();
    await seedShipments(server.db, [{ id: shipmentId, merchantId: merchant, orderId: 'ORD-2', trackingNumber: 'TN-OWN-PORT-2', carrier: 'ups', registeredAt: server.clock.now().toJSDate(), tracking: { status: 'in_transit' } }]);
    const approver = await server.key('approver', [merchant]);
    const route = `/v1/shipments/${shipmentId}/appeal-bundles`;
    const proofs = () => server.db.selectFrom('proofs').select('id').where('shipment_id', '=', shipmentId).execute();
    const audits = () => server.db.selectFrom('audit_log').select('action').where('target_id', '=', shipmentId).execute();
    await sql`ALTER TABLE audit_log RENAME TO audit_log_away`.execute(server.db);
    try {
      expect((await server.call('POST', route, approver, {})).status).toBe(500);
    } finally {
      await sql`ALTER TABLE audit_log_away RENAME TO audit_log`.execute(server.db);
    }
    expect(await proofs()).toEqual([]);
    expect((await server.call('POST', route, approver, {})).status).toBe(201);
    expect(await proofs()).toHaveLength(1);
    expect(await audits()).toEqual([{ action: 'appeal_bundle.created' }]);
  });
});
