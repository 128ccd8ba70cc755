import { createLogger, type Logger } from '@parcelwatch/logger';
import { createLifecycle } from './lifecycle.js';
import { runService, type Service } from './service.js';

export interface ServiceCheckReport {
  healthz: number;
  readyz: number;
  /** Whether /metrics answered in Prometheus text with the service label on process metrics. */
  metricsLabelled: boolean;
  /** Exit code the lifecycle asked for after stop(). */
  exitCode: number | undefined;
}

/**
 * Starts a service on an ephemeral loopback port, probes it over real HTTP and stops it.
 * Shared by every service's smoke test so that wiring is written once; the test asserts
 * on the report.
 */
export async function checkServiceLifecycle(service: Service, logger: Logger = createLogger({ name: service.name, level: 'silent' })): Promise<ServiceCheckReport> {
  let exitCode: number | undefined;
  const lifecycle = createLifecycle({ logger, handleProcessEvents: false, exit: (code) => (exitCode = code) });
  try {
    const { url } = await runService(service, { logger, lifecycle, port: 0 });
    const healthz = (await fetch(`${url}/healthz`)).status;
    const readyz = (await fetch(`${url}/readyz`)).status;
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const metricsLabelled = metrics.includes(`process_cpu_seconds_total{service="${service.name}"}`);
    await lifecycle.stop();
    return { healthz, readyz, metricsLabelled, exitCode };
  } finally {
    await lifecycle.stop();
  }
}
