import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApi, type TestApi } from './api-test-kit.js';

describe('api service', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => t.close());

  it('serves /healthz, /readyz (database checked) and /metrics on its own listener, and stops cleanly', async () => {
    expect(await t.api.isHealthy()).toBe(true);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { api: { status: 'ok' }, database: { status: 'ok' } } });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('process_cpu_seconds_total{service="api"}');
    const missing = await fetch(`${t.url}/v1/nothing`);
    expect(missing.status).toBe(404);
    await t.api.stop();
    expect(await t.api.isHealthy()).toBe(false);
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
    await t.api.stop();
  });
});
