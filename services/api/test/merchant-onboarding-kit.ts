import type { Kysely } from 'kysely';
import { hashApiKey, type RateLimits } from '@parcelwatch/access';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock, type FixedClock } from '@parcelwatch/service-kit';
import { createApiService, type ApiDeps, type ApiService } from '../src/app.js';
import { NOW, type ResponseBody } from './api-test-kit.js';

const GENEROUS: RateLimits = { readsPerMinute: 100_000, writesPerMinute: 100_000, webhooksPerMinute: 100_000 };

/** The operator's key in these tests: PARCELWATCH_BOOTSTRAP_ADMIN_KEY as an operator would make it. */
export const BOOTSTRAP_KEY = 'bootstrap-operator-key-0123456789-abcdefghijkl';

/** A complete profile a seller would send. */
export function profile(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Shenzhen HomeTech',
    supportEmail: 'support@hometech.example',
    defaultLocale: 'de-DE',
    timeZone: 'Europe/Berlin',
    sender: { name: 'HomeTech', email: 'orders@hometech.example' },
    quietHours: { start: '22:00', end: '07:30' },
    marketplaceShop: { shopId: '7000714532876273420', cipher: 'GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3' },
    compensationPolicyVersion: '2026-11-23.1',
    ...overrides,
  };
}

export interface OnboardingApi {
  db: Kysely<Database>;
  clock: FixedClock;
  api: ApiService;
  call(method: string, path: string, key: string | null, body?: unknown): Promise<{ status: number; body: ResponseBody }>;
  close(): Promise<void>;
}

/** The api on a fresh, migrated PGlite with API keys on and the bootstrap key configured (unless `bootstrap: false`). */
export async function startOnboardingApi(options: { bootstrap?: boolean; overrides?: Partial<ApiDeps> } = {}): Promise<OnboardingApi> {
  const db = await createDb({ kind: 'pglite' });
  await migrateToLatest(db);
  const clock = fixedClock(NOW);
  const api = createApiService({
    db,
    clock,
    logger: createLogger({ name: 'merchants-test', level: 'silent' }),
    access: { enabled: true, rateLimits: GENEROUS, ...(options.bootstrap === false ? {} : { bootstrapKeyHash: hashApiKey(BOOTSTRAP_KEY) }) },
    ...options.overrides,
  });
  await api.start();
  const url = api.url();
  return {
    db,
    clock,
    api,
    async call(method, path, key, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : JSON.parse(text) };
    },
    async close() {
      await api.stop();
      await db.destroy();
    },
  };
}
