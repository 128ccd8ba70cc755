import { collectDefaultMetrics, Registry } from 'prom-client';

export interface MetricsRegistryOptions {
  /** Becomes the `service` label on every metric of this registry. */
  service: string;
  /** Process metrics (CPU, memory, event loop lag, GC). Default true. */
  defaultMetrics?: boolean;
}

export const METRIC_PREFIX = 'parcelwatch_';

/**
 * A registry of one service, never prom-client's global one: the embedded mode runs every
 * service in one process, and a shared global registry would throw on the second
 * registration of the same metric name.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}
