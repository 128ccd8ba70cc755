import { createHash, createHmac } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { newId } from '@parcelwatch/contracts';
import { createDb, insertApiKey, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock, type FixedClock } from '@parcelwatch/service-kit';
import { createApiService, type ApiDeps, type ApiService } from '../src/app.js';
import { generateApiKey } from '@parcelwatch/access';

/** The kit's key: every merchant made with createMerchant() is added to it. */
const KIT_KEY_NAME = 'api-test-kit';

export const NOW = '2026-03-02T10:00:00.000Z';
export const SECRETS = { aftership: 'as-secret-0123', '17track': '17-security-key' } as const;

/** Response bodies are asserted field by field with expect(); typing each shape would only repeat the assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ResponseBody = any;

export interface TestApi {
  db: Kysely<Database>;
  clock: FixedClock;
  api: ApiService;
  url: string;
  /** An ingest key's Authorization header; `post` sends it unless the headers given say otherwise. */
  headers: Record<string, string>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: ResponseBody }>;
  close(): Promise<void>;
}

/** An embedded PostgreSQL (PGlite), migrated, with the api listening on a loopback port. */
export async function startTestApi(overrides: Partial<ApiDeps> = {}, existingDb?: Kysely<Database>): Promise<TestApi> {
  const db = existingDb ?? (await createDb({ kind: 'pglite' }));
  if (!existingDb) await migrateToLatest(db);
  const clock = fixedClock(NOW);
  const api = createApiService({
    db,
    clock,
    logger: createLogger({ name: 'api-test', level: 'silent' }),
    webhookSecrets: { ...SECRETS },
    ...overrides,
  });
  await api.start();
  const url = api.url();
  const generated = generateApiKey();
  await insertApiKey(db, { id: newId(), name: KIT_KEY_NAME, keyHash: generated.hash, prefix: generated.prefix, role: 'ingest', merchantIds: [], createdAt: new Date(NOW) });
  const auth = { authorization: `Bearer ${generated.key}` };
  return {
    db,
    clock,
    api,
    url,
    headers: auth,
    async post(path, body, headers = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth, ...headers },
        body: raw,
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : JSON.parse(text) };
    },
    async close() {
      await api.stop();
      if (!existingDb) await db.destroy();
    },
  };
}

export async function createMerchant(db: Kysely<Database>): Promise<string> {
  const id = newId();
  await db.insertInto('merchants').values({ id, name: `merchant ${id.slice(-6)}` }).execute();
  await grantKitKey(db, id);
  return id;
}

/** Adds a merchant (existing or not) to the kit's key. */
export async function grantKitKey(db: Kysely<Database>, merchantId: string): Promise<void> {
  await sql`UPDATE api_keys SET merchant_ids = array_append(merchant_ids, ${merchantId}::uuid) WHERE name = ${KIT_KEY_NAME}`.execute(db);
}

export async function outboxRows(db: Kysely<Database>, topic?: string) {
  let query = db.selectFrom('outbox').select(['id', 'topic', 'message_key', 'event']).orderBy('id');
  if (topic) query = query.where('topic', '=', topic);
  return query.execute();
}

export async function countRows(db: Kysely<Database>, table: 'outbox' | 'webhook_receipts' | 'shipments' | 'buyer_contacts' | 'tracking_snapshots' | 'checkpoints'): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export const aftershipSignature = (raw: string, secret: string = SECRETS.aftership): string =>
  createHmac('sha256', secret).update(raw).digest('base64');
export const seventeenTrackSign = (raw: string, key: string = SECRETS['17track']): string =>
  createHash('sha256').update(`${raw}/${key}`).digest('hex');
