import { openServiceAdapters } from '@parcelwatch/bus';
import { describeAdapters, parseEnv, selectAdapters, serviceSettingsSchema } from '@parcelwatch/config';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, runService, systemClock } from '@parcelwatch/service-kit';
import { createDetectorService } from './app.js';
import { detectorSettingsSchema } from './detector.settings.js';
import { loadThresholdsFile } from './thresholds.config.js';

const DEFAULT_PORT = 3003;

async function main(): Promise<void> {
  const settings = parseEnv(serviceSettingsSchema({ defaultPort: DEFAULT_PORT }));
  const detector = parseEnv(detectorSettingsSchema);
  const logger = createLogger({ name: 'detector', level: settings.LOG_LEVEL, pretty: settings.NODE_ENV === 'development' });
  const lifecycle = createLifecycle({ logger, timeoutMs: settings.SHUTDOWN_TIMEOUT_MS });
  const adapters = selectAdapters(settings);
  logger.info({ adapters: describeAdapters(adapters) }, 'configuration loaded');
  // A bad thresholds file stops the start with its reason rather than detecting with wrong limits.
  const thresholdsFile = detector.DETECTOR_THRESHOLDS_FILE ? await loadThresholdsFile(detector.DETECTOR_THRESHOLDS_FILE) : null;
  // The events this service writes to the outbox leave through the relay opened here.
  const { db, bus } = await openServiceAdapters(adapters, logger, (name, close) => lifecycle.register(name, close));
  const service = createDetectorService({
    logger,
    clock: systemClock,
    db,
    bus,
    thresholdsFile,
    sweep: { intervalMs: detector.DETECTOR_SWEEP_INTERVAL_MS, batchSize: detector.DETECTOR_SWEEP_BATCH_SIZE, concurrency: detector.DETECTOR_SWEEP_CONCURRENCY },
  });
  await runService(service, { logger, lifecycle, port: settings.PORT, host: settings.HOST });
}

main().catch((err: unknown) => {
  // The logger may not exist yet (a ConfigError), so this goes straight to stderr.
  console.error(err);
  process.exit(1);
});
