import { describe, expect, it } from '@jest/globals';
import { EmbeddedBus } from '@parcelwatch/bus';
import { createDb } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { checkServiceLifecycle, fixedClock } from '@parcelwatch/service-kit';
import { createDetectorService } from './app.js';

describe('detector service', () => {
  it('starts, answers /healthz, /readyz and /metrics, and stops cleanly', async () => {
    const logger = createLogger({ name: 'detector', level: 'silent' });
    const db = await createDb({ kind: 'pglite' });
    const bus = new EmbeddedBus({ logger });
    try {
      const service = createDetectorService({ logger, clock: fixedClock('2025-03-01T00:00:00Z'), db, bus, sweep: { enabled: false } });
      expect(await service.isHealthy()).toBe(false);
      expect(await checkServiceLifecycle(service, logger)).toEqual({ healthz: 200, readyz: 200, metricsLabelled: true, exitCode: 0 });
      expect(await service.isHealthy()).toBe(false);
    } finally {
      await bus.disconnect();
      await db.destroy();
    }
  });
});
