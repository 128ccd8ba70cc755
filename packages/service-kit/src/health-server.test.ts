import { afterEach, describe, expect, it } from '@jest/globals';
import { Counter } from 'prom-client';
import { createLogger } from '@parcelwatch/logger';
import { createHealthServer, type HealthServer, type ReadinessCheck } from './health-server.js';
import { createMetricsRegistry } from './metrics.js';

const logger = createLogger({ name: 'health-test', level: 'silent' });
const servers: HealthServer[] = [];

async function start(checks: ReadinessCheck[], service = 'poller') {
  const registry = createMetricsRegistry({ service });
  const server = createHealthServer({ logger, checks, registry, port: 0, host: '127.0.0.1', checkTimeoutMs: 50 });
  servers.push(server);
  return { url: await server.listen(), registry };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('createHealthServer', () => {
  it('answers /healthz with 200 while the process lives, whatever the checks say', async () => {
    const { url } = await start([{ name: 'database', check: () => false }]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 and each check when all pass', async () => {
    const { url } = await start([
      { name: 'database', check: async () => true },
      { name: 'kafka', check: () => undefined },
    ]);
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', checks: { database: { status: 'ok' }, kafka: { status: 'ok' } } });
  });

  it('answers /readyz with 503 naming the failing checks: false, thrown, or too slow', async () => {
    const { url } = await start([
      { name: 'database', check: async () => true },
      { name: 'kafka', check: () => false },
      { name: 's3', check: async () => Promise.reject(new Error('connect ECONNREFUSED')) },
      { name: 'carrier', check: () => new Promise<boolean>(() => {}) },
    ]);
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'fail',
      checks: {
        database: { status: 'ok' },
        kafka: { status: 'fail' },
        s3: { status: 'fail', error: 'connect ECONNREFUSED' },
        carrier: { status: 'fail', error: 'no answer within 50 ms' },
      },
    });
  });

  it('serves the service registry on /metrics in Prometheus text, labelled by service', async () => {
    const { url, registry } = await start([], 'detector');
    const detected = new Counter({ name: 'parcelwatch_exceptions_opened_total', help: 'Exceptions opened', registers: [registry] });
    detected.inc(3);
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const body = await response.text();
    expect(body).toContain('parcelwatch_exceptions_opened_total{service="detector"} 3');
    expect(body).toMatch(/^process_resident_memory_bytes\{service="detector"\} \d+/m);
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds\{service="detector"\} /m);
  });

  it('keeps two services in one process apart: separate registries, no clash', async () => {
    const a = await start([], 'notifier');
    const b = await start([], 'archiver');
    new Counter({ name: 'parcelwatch_messages_total', help: 'x', registers: [a.registry] }).inc();
    new Counter({ name: 'parcelwatch_messages_total', help: 'x', registers: [b.registry] }).inc(2);
    expect(await (await fetch(`${a.url}/metrics`)).text()).toContain('parcelwatch_messages_total{service="notifier"} 1');
    expect(await (await fetch(`${b.url}/metrics`)).text()).toContain('parcelwatch_messages_total{service="archiver"} 2');
  });
});
