import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@parcelwatch/logger';
import { checkServiceLifecycle, fixedClock } from '@parcelwatch/service-kit';
import { createNormalizerService } from './app.js';

describe('normalizer service', () => {
  it('starts, answers /healthz, /readyz and /metrics, and stops cleanly', async () => {
    const logger = createLogger({ name: 'normalizer', level: 'silent' });
    const service = createNormalizerService({ logger, clock: fixedClock('2025-03-01T00:00:00Z') });
    expect(await service.isHealthy()).toBe(false);
    expect(await checkServiceLifecycle(service, logger)).toEqual({ healthz: 200, readyz: 200, metricsLabelled: true, exitCode: 0 });
    expect(await service.isHealthy()).toBe(false);
  });
});
