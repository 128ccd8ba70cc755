import { createLogger } from '@parcelwatch/logger';
import { fixedClock, type FixedClock } from '@parcelwatch/service-kit';
import { createCarrierSandboxService, type CarrierSandboxOptions, type CarrierSandboxService } from '../src/app.js';

export interface SandboxUnderTest {
  service: CarrierSandboxService;
  clock: FixedClock;
  call(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<Answer>;
  stop(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary provider shapes
}

/** A sandbox on a free loopback port with a frozen clock, and a tiny fetch wrapper. */
export async function startSandbox(options: CarrierSandboxOptions = {}, at = '2025-03-20T00:00:00Z'): Promise<SandboxUnderTest> {
  const clock = fixedClock(at);
  const service = createCarrierSandboxService({ logger: createLogger({ name: 'carrier-sandbox', level: 'silent' }), clock, options: { seed: 5, ...options } });
  await service.start();
  return {
    service,
    clock,
    async call(method, path, { body, headers = {}, raw } = {}) {
      const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
      const response = await fetch(`${service.url}${path}`, {
        method,
        headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
        ...(payload === undefined ? {} : { body: payload }),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    stop: () => service.stop(),
  };
}
