import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export interface MetricsRegistryOptions {
  /** Becomes the `service` label on every metric of this registry. */
  service: string;
  /** Process metrics (CPU, memory, event loop lag, GC), unprefixed. Default true. */
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
  // Node's process metrics under their stock names (process_cpu_seconds_total, nodejs_heap_size_used_bytes, ...):
  // the community's Node.js dashboards and alert rules read them as they are; the service label tells services apart.
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

/** Dead letters by source topic, reason kind (parse, handler) and state (open, replayed). */
export interface DeadLetterTally {
  sourceTopic: string;
  reasonKind: string;
  state: string;
  count: number;
}

export const DEAD_LETTER_METRIC = `${METRIC_PREFIX}dead_letters`;

/**
 * `parcelwatch_dead_letters{source_topic, reason, state}`, read at scrape time from the dead-letter
 * store (`countDeadLetters` of @parcelwatch/db), so every service reports the same truth whichever
 * bus and instance dead-lettered the message. Registering twice on one registry is a no-op.
 */
export function registerDeadLetterMetric(registry: Registry, tally: () => Promise<readonly DeadLetterTally[]>): void {
  if (registry.getSingleMetric(DEAD_LETTER_METRIC)) return;
  new Gauge({
    name: DEAD_LETTER_METRIC,
    help: 'Messages a consumer group could not parse or handle, by source topic, reason (parse, handler) and state (open, replayed); see `parcelwatch dlq`',
    labelNames: ['source_topic', 'reason', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await tally()) this.set({ source_topic: row.sourceTopic, reason: row.reasonKind, state: row.state }, row.count);
    },
  });
}
