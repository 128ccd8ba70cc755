import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '@parcelwatch/logger';

/**
 * One readiness condition (database reachable, consumer joined its group...). Passing:
 * resolve to true or nothing. Failing: resolve to false or throw (the message is shown).
 */
export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean | void> | boolean | void;
}

export interface CheckResult {
  status: 'ok' | 'fail';
  error?: string;
}

export interface ReadinessReport {
  status: 'ok' | 'fail';
  checks: Record<string, CheckResult>;
}

export interface HealthRoutesOptions {
  checks: readonly ReadinessCheck[];
  registry: Registry;
  /** A check slower than this counts as failed, so a hung dependency cannot hang the probe. */
  checkTimeoutMs?: number;
}

export async function runReadinessChecks(checks: readonly ReadinessCheck[], timeoutMs = 2_000): Promise<ReadinessReport> {
  const entries = await Promise.all(checks.map(async (check) => [check.name, await runCheck(check, timeoutMs)] as const));
  const results = Object.fromEntries(entries);
  const failed = entries.some(([, result]) => result.status === 'fail');
  return { status: failed ? 'fail' : 'ok', checks: results };
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'fail', error: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const outcome = (async (): Promise<CheckResult> => {
    try {
      return (await check.check()) === false ? { status: 'fail' } : { status: 'ok' };
    } catch (err) {
      return { status: 'fail', error: err instanceof Error ? err.message : String(err) };
    }
  })();
  try {
    return await Promise.race([outcome, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * /healthz (the process answers), /readyz (dependencies answer; 503 otherwise) and
 * /metrics (Prometheus text). Exported apart from the server so the api can mount the
 * same routes on its own listener.
 */
export function registerHealthRoutes(app: FastifyInstance, options: HealthRoutesOptions): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const report = await runReadinessChecks(options.checks, options.checkTimeoutMs);
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
  app.get('/metrics', async (_request, reply) => {
    const body = await options.registry.metrics();
    return reply.type(options.registry.contentType).send(body);
  });
}

export interface HealthServerOptions extends HealthRoutesOptions {
  logger: Logger;
  /** A service's own small HTTP surface (e.g. compensation approvals), served next to the probes. */
  routes?: (app: FastifyInstance) => void;
  port: number;
  host?: string;
}

export interface HealthServer {
  /** Starts listening; resolves to the base URL (`http://127.0.0.1:<port>`), useful with port 0. */
  listen(): Promise<string>;
  close(): Promise<void>;
  readonly app: FastifyInstance;
}

export function createHealthServer(options: HealthServerOptions): HealthServer {
  // Probes every few seconds would drown the service's own lines: this server logs nothing per request.
  const app = Fastify({ logger: false });
  registerHealthRoutes(app, options);
  options.routes?.(app);
  const host = options.host ?? '127.0.0.1';
  return {
    app,
    async listen() {
      await app.listen({ port: options.port, host });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      options.logger.info({ url }, 'health server listening');
      return url;
    },
    async close() {
      await app.close();
    },
  };
}
