import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFilesystemBlobStore } from '@parcelwatch/archive';
import { EmbeddedBus } from '@parcelwatch/bus';
import { newId } from '@parcelwatch/contracts';
import { createLogger } from '@parcelwatch/logger';
import { createArchiverService } from '../src/index.js';
import { startOwnPortServer, type OwnPortServer } from './own-port-access.js';

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
    await server.db
      .insertInto('shipments')
      .values({ id: shipmentId, merchant_id: merchantA, order_id: 'ORD-1', tracking_number: 'TN-OWN-PORT-1', carrier: 'ups', provider: '17track', status: 'in_transit' })
      .execute();
    const route = `/v1/shipments/${shipmentId}/appeal-bundles`;
    expect((await server.call('POST', route, null, {})).status).toBe(401);
    const approverB = await server.key('approver', [merchantB]);
    expect((await server.call('POST', route, approverB, {})).status).toBe(404);
    const viewerA = await server.key('viewer', [merchantA]);
    expect((await server.call('POST', route, viewerA, {})).status).toBe(403);
  });

});
