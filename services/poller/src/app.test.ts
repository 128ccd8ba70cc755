import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { checkServiceLifecycle, fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { createPollerService } from './app.js';

let db: Kysely<Database>;

beforeAll(async () => {
  db = await createDb({ kind: 'pglite' });
  await migrateToLatest(db);
});

afterAll(async () => {
  await db.destroy();
});

describe('poller service', () => {
  it('starts, answers /healthz, /readyz and /metrics, and stops cleanly', async () => {
    const logger = createLogger({ name: 'poller', level: 'silent' });
    const service = createPollerService({ logger, clock: fixedClock('2025-03-01T00:00:00Z'), db, clients: {}, options: { idleIntervalMs: 10 } });
    expect(await service.isHealthy()).toBe(false);
    expect(await checkServiceLifecycle(service, logger)).toEqual({ healthz: 200, readyz: 200, metricsLabelled: true, exitCode: 0 });
    expect(await service.isHealthy()).toBe(false);
  });

  it('builds its clients lazily, once, and a tick with nothing due claims nothing', async () => {
    const logger = createLogger({ name: 'poller', level: 'silent' });
    let built = 0;
    const clients = () => {
      built += 1;
      return {};
    };
    const service = createPollerService({ logger, clock: fixedClock('2025-03-01T00:00:00Z'), db, clients });
    expect(built).toBe(0);
    expect(await service.tick()).toEqual({ registered: 0, registrationFailed: 0, polled: 0, snapshots: 0, failed: 0, stopped: 0, withoutAccount: 0, stopTracked: 0, quotaChecked: 0, rounds: [] });
    await service.tick();
    expect(built).toBe(1);
  });
});
