import { describe, expect, it } from '@jest/globals';
import { createFilesystemBlobStore } from '@parcelwatch/archive';
import { EmbeddedBus } from '@parcelwatch/bus';
import { createDb, migrateToLatest } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { checkServiceLifecycle, fixedClock } from '@parcelwatch/service-kit';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createArchiverService } from './app.js';

describe('archiver service', () => {
  it('starts, answers /healthz, /readyz and /metrics, and stops cleanly', async () => {
    const logger = createLogger({ name: 'archiver', level: 'silent' });
    const db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    const bus = new EmbeddedBus({ logger });
    await bus.connect();
    const dir = await mkdtemp(path.join(tmpdir(), 'pw-archiver-app-'));
    try {
      const service = createArchiverService({ logger, clock: fixedClock('2025-03-01T00:00:00Z'), db, bus, blobStore: createFilesystemBlobStore({ dir }) });
      expect(await service.isHealthy()).toBe(false);
      expect(await checkServiceLifecycle(service, logger)).toEqual({ healthz: 200, readyz: 200, metricsLabelled: true, exitCode: 0 });
      expect(await service.isHealthy()).toBe(false);
    } finally {
      await bus.disconnect();
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
