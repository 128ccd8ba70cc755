import { describe, expect, it } from '@jest/globals';
import { EmbeddedBus } from '@parcelwatch/bus';
import { createDb } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { checkServiceLifecycle, fixedClock, type Service } from '@parcelwatch/service-kit';
import { createNotifierService } from './app.js';
import type { MerchantWebhooks } from './webhooks/merchant-webhook.port.js';

describe('notifier service', () => {
  it('starts, answers /healthz, /readyz and /metrics, and stops cleanly, starting and stopping the merchant webhook worker with it', async () => {
    const logger = createLogger({ name: 'notifier', level: 'silent' });
    const db = await createDb({ kind: 'pglite' });
    const bus = new EmbeddedBus({ logger });
    const worker = { running: false, starts: 0, stops: 0 };
    const workerService: Service & { runOnce(): Promise<{ sent: number; failed: number; retryLater: number }>; wake(): void } = {
      name: 'merchant-webhooks',
      start: async () => void ((worker.running = true), (worker.starts += 1)),
      stop: async () => void ((worker.running = false), (worker.stops += 1)),
      isHealthy: () => worker.running,
      runOnce: async () => ({ sent: 0, failed: 0, retryLater: 0 }),
      wake: () => undefined,
    };
    const merchantWebhooks: MerchantWebhooks = { enqueue: async () => 0, enqueueMany: async () => 0, worker: workerService, registerRoutes: () => undefined };
    try {
      const service = createNotifierService({ logger, clock: fixedClock('2025-03-01T00:00:00Z'), db, bus, senders: [], merchantWebhooks, dispatchIntervalMs: 0 });
      expect(await service.isHealthy()).toBe(false);
      expect(await checkServiceLifecycle(service, logger)).toEqual({ healthz: 200, readyz: 200, metricsLabelled: true, exitCode: 0 });
      expect(await service.isHealthy()).toBe(false);
      expect(worker).toEqual({ running: false, starts: 1, stops: 1 });
    } finally {
      await bus.disconnect();
      await db.destroy();
    }
  });
});
