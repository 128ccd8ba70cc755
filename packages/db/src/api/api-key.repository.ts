import { sql, type Kysely, type Transaction } from 'kysely';
import type { ApiKey, Database } from '../database.js';

export type ApiKeyExecutor = Kysely<Database> | Transaction<Database>;

export interface NewApiKeyRecord {
  id: string;
  name: string;
  /** SHA-256 (hex) of the whole key; the key itself is never stored. */
  keyHash: string;
  prefix: string;
  role: ApiKey['role'];
  merchantIds: readonly string[];
  createdAt: Date;
}

/** A key as ops see it: never the hash. */
export type ApiKeyView = Omit<ApiKey, 'key_hash'>;

const VIEW_COLUMNS = ['id', 'name', 'prefix', 'role', 'merchant_ids', 'created_at', 'last_used_at', 'revoked_at'] as const;

export async function insertApiKey(db: ApiKeyExecutor, key: NewApiKeyRecord): Promise<ApiKeyView> {
  return db
    .insertInto('api_keys')
    .values({
      id: key.id,
      name: key.name,
      key_hash: key.keyHash,
      prefix: key.prefix,
      role: key.role,
      merchant_ids: sql<string[]>`${[...key.merchantIds]}::uuid[]`,
      created_at: key.createdAt,
    })
    .returning(VIEW_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** The live key with this hash; a revoked key is as good as unknown. */
export async function findActiveApiKeyByHash(db: ApiKeyExecutor, keyHash: string): Promise<ApiKey | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).where('revoked_at', 'is', null).executeTakeFirst();
}

export async function findApiKey(db: ApiKeyExecutor, id: string): Promise<ApiKeyView | undefined> {
  return db.selectFrom('api_keys').select(VIEW_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/**
 * Records use at most once a minute per key: a busy key does not turn every read into a write.
 * Returns whether the row was written.
 */
export async function touchApiKey(db: ApiKeyExecutor, id: string, at: Date): Promise<boolean> {
  const minuteAgo = new Date(at.getTime() - 60_000);
  const result = await db
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', minuteAgo)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Revokes once; revoking again keeps the first time. Undefined when there is no such key. */
export async function revokeApiKey(db: ApiKeyExecutor, id: string, at: Date): Promise<ApiKeyView | undefined> {
  await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  return findApiKey(db, id);
}

/**
 * Keys whose merchants are all among `merchantIds` (all keys when null), newest first, revoked ones included
 * so ops see the history.
 */
export async function listApiKeys(db: ApiKeyExecutor, filter: { merchantIds: readonly string[] | null; limit?: number }): Promise<ApiKeyView[]> {
  let query = db.selectFrom('api_keys').select(VIEW_COLUMNS);
  if (filter.merchantIds !== null) {
    if (filter.merchantIds.length === 0) return [];
    query = query.where(sql<boolean>`merchant_ids <@ ${[...filter.merchantIds]}::uuid[]`);
  }
  return query.orderBy('created_at', 'desc').orderBy('id').limit(filter.limit ?? 500).execute();
}

/** Replaces a key's merchants (the embedded bootstrap admin key follows the merchants that exist). */
export async function setApiKeyMerchants(db: ApiKeyExecutor, id: string, merchantIds: readonly string[]): Promise<void> {
  await db.updateTable('api_keys').set({ merchant_ids: sql<string[]>`${[...merchantIds]}::uuid[]` }).where('id', '=', id).execute();
}
