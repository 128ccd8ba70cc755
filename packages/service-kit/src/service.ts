import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '@parcelwatch/logger';
import { createHealthServer, type ReadinessCheck } from './health-server.js';
import type { Lifecycle } from './lifecycle.js';
import { createMetricsRegistry, registerDeadLetterMetric, type DeadLetterTally } from './metrics.js';

/** What every parcelwatch service's app.ts builds: a small object, started and stopped by its main. */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  /** Stop taking work, finish what is in flight, release what start() opened. */
  stop(): Promise<void>;
  isHealthy(): boolean | Promise<boolean>;
}

export interface RunServiceOptions {
  logger: Logger;
  lifecycle: Lifecycle;
  port: number;
  host?: string;
  /** Defaults to a fresh per-service registry with process metrics. */
  registry?: Registry;
  /** Further readiness checks (database ping, broker connection...). */
  checks?: readonly ReadinessCheck[];
  /** Extra routes on the same listener as /healthz (see HealthServerOptions.routes). */
  routes?: (app: FastifyInstance) => void;
  /** The dead-letter store's tally (`countDeadLetters`): shown on /metrics as `parcelwatch_dead_letters`. */
  deadLetters?: () => Promise<readonly DeadLetterTally[]>;
}

export interface RunningService {
  /** Base URL of the health server, e.g. http://127.0.0.1:3001. */
  url: string;
  registry: Registry;
}

/**
 * Wires a service into a process: health server first (so /healthz answers while the
 * service starts, with /readyz at 503 until it has), then start(). The lifecycle closes
 * them in reverse: the service stops before the health server goes away, and /readyz
 * turns 503 as soon as stopping begins so traffic drains.
 */
export async function runService(service: Service, options: RunServiceOptions): Promise<RunningService> {
  const { logger, lifecycle } = options;
  const registry = options.registry ?? createMetricsRegistry({ service: service.name });
  if (options.deadLetters) registerDeadLetterMetric(registry, options.deadLetters);
  let started = false;
  const checks: ReadinessCheck[] = [
    {
      name: 'lifecycle',
      check: () => {
        if (lifecycle.stopping) throw new Error('stopping');
      },
    },
    {
      name: service.name,
      check: async () => {
        if (!started) throw new Error('not started');
        return service.isHealthy();
      },
    },
    ...(options.checks ?? []),
  ];
  const health = createHealthServer({ logger, checks, registry, port: options.port, host: options.host ?? '127.0.0.1', routes: options.routes });
  const url = await health.listen();
  lifecycle.register('health server', () => health.close());
  try {
    await service.start();
  } catch (err) {
    logger.error({ err }, 'service failed to start');
    await lifecycle.stop(err);
    throw err;
  }
  started = true;
  lifecycle.register(service.name, () => service.stop());
  logger.info({ url }, 'service started');
  return { url, registry };
}
