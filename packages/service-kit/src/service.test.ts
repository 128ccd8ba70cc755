import { describe, expect, it, jest } from '@jest/globals';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle } from './lifecycle.js';
import { runService, type Service } from './service.js';
import { checkServiceLifecycle } from './service-check.js';

const logger = createLogger({ name: 'service-test', level: 'silent' });

function fakeService(overrides: Partial<Service> = {}): Service & { events: string[] } {
  const events: string[] = [];
  return {
    name: 'fake',
    events,
    start: async () => void events.push('start'),
    stop: async () => void events.push('stop'),
    isHealthy: () => true,
    ...overrides,
  };
}

describe('runService', () => {
  it('is ready once started, not ready while stopping, and stops the service before the health server', async () => {
    const exit = jest.fn<(code: number) => void>();
    const lifecycle = createLifecycle({ logger, exit, handleProcessEvents: false });
    let releaseStop!: () => void;
    const service = fakeService({ stop: () => new Promise<void>((resolve) => (releaseStop = resolve)) });
    const { url } = await runService(service, { logger, lifecycle, port: 0 });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    const stopped = lifecycle.stop();
    const whileStopping = await fetch(`${url}/readyz`);
    expect(whileStopping.status).toBe(503);
    expect(await whileStopping.json()).toMatchObject({ checks: { lifecycle: { status: 'fail', error: 'stopping' } } });
    releaseStop();
    await stopped;

    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('reports an unhealthy service on /readyz', async () => {
    const lifecycle = createLifecycle({ logger, exit: () => {}, handleProcessEvents: false });
    const { url } = await runService(fakeService({ isHealthy: async () => false }), { logger, lifecycle, port: 0 });
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ checks: { fake: { status: 'fail' } } });
    await lifecycle.stop();
  });

  it('stops with exit 1 and rethrows when start fails', async () => {
    const exit = jest.fn<(code: number) => void>();
    const lifecycle = createLifecycle({ logger, exit, handleProcessEvents: false });
    const failing = fakeService({ start: () => Promise.reject(new Error('broker unreachable')) });
    await expect(runService(failing, { logger, lifecycle, port: 0 })).rejects.toThrow('broker unreachable');
    expect(exit).toHaveBeenCalledWith(1);
    expect(failing.events).toEqual([]);
  });
});

describe('checkServiceLifecycle', () => {
  it('reports health, readiness, labelled metrics and the exit code of a clean stop', async () => {
    const service = fakeService();
    expect(await checkServiceLifecycle(service, logger)).toEqual({ healthz: 200, readyz: 200, metricsLabelled: true, exitCode: 0 });
    expect(service.events).toEqual(['start', 'stop']);
  });
});
