import type { Kysely, Transaction } from 'kysely';
import type { Database, Merchant } from '../database.js';

export type MerchantExecutor = Kysely<Database> | Transaction<Database>;

/** A merchant as onboarding reads it: never buyer_key (it stays with the api's buyer identity). */
export type MerchantRecord = Omit<Merchant, 'buyer_key'>;

const RECORD_COLUMNS = [
  'id',
  'name',
  'default_locale',
  'default_timezone',
  'settings',
  'support_email',
  'marketplace_shop_id',
  'marketplace_shop_cipher',
  'compensation_policy_version',
  'created_at',
  'updated_at',
] as const;

/** The profile columns onboarding writes; settings as a whole object (callers merge). */
export interface MerchantProfileRecord {
  name: string;
  defaultLocale: string;
  defaultTimezone: string;
  settings: Record<string, unknown>;
  supportEmail: string | null;
  marketplaceShopId: string | null;
  marketplaceShopCipher: string | null;
  compensationPolicyVersion: string | null;
}

const columnsOf = (profile: MerchantProfileRecord) => ({
  name: profile.name,
  default_locale: profile.defaultLocale,
  default_timezone: profile.defaultTimezone,
  settings: JSON.stringify(profile.settings),
  support_email: profile.supportEmail,
  marketplace_shop_id: profile.marketplaceShopId,
  marketplace_shop_cipher: profile.marketplaceShopCipher,
  compensation_policy_version: profile.compensationPolicyVersion,
});

/**
 * Inserts a merchant; undefined when the id exists already. Idempotent on the id: a caller with
 * a fixed id (the demo) may repeat it.
 */
export async function insertMerchant(db: MerchantExecutor, merchant: MerchantProfileRecord & { id: string; createdAt: Date }): Promise<MerchantRecord | undefined> {
  return db
    .insertInto('merchants')
    .values({ id: merchant.id, created_at: merchant.createdAt, ...columnsOf(merchant) })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning(RECORD_COLUMNS)
    .executeTakeFirst();
}

/** The merchant, locked for the rest of the transaction when `forUpdate` (a profile change reads, merges, writes). */
export async function findMerchant(db: MerchantExecutor, id: string, options: { forUpdate?: boolean } = {}): Promise<MerchantRecord | undefined> {
  let query = db.selectFrom('merchants').select(RECORD_COLUMNS).where('id', '=', id);
  if (options.forUpdate === true) query = query.forNoKeyUpdate();
  return query.executeTakeFirst();
}

/** Oldest first; `merchantIds` limits the list (null: every merchant). */
export async function listMerchants(db: MerchantExecutor, filter: { merchantIds: readonly string[] | null }): Promise<MerchantRecord[]> {
  if (filter.merchantIds !== null && filter.merchantIds.length === 0) return [];
  let query = db.selectFrom('merchants').select(RECORD_COLUMNS).orderBy('created_at').orderBy('id');
  if (filter.merchantIds !== null) query = query.where('id', 'in', [...filter.merchantIds]);
  return query.execute();
}

export async function updateMerchantProfile(db: MerchantExecutor, id: string, profile: MerchantProfileRecord, at: Date): Promise<MerchantRecord | undefined> {
  return db.updateTable('merchants').set({ ...columnsOf(profile), updated_at: at }).where('id', '=', id).returning(RECORD_COLUMNS).executeTakeFirst();
}

/** The merchant holding this marketplace shop, if any (a shop belongs to one merchant). */
export async function findMerchantIdByShop(db: MerchantExecutor, shopId: string): Promise<string | undefined> {
  const row = await db.selectFrom('merchants').select('id').where('marketplace_shop_id', '=', shopId).executeTakeFirst();
  return row?.id;
}

/** Every merchant id, in id order. */
export async function listMerchantIds(db: MerchantExecutor): Promise<string[]> {
  return (await db.selectFrom('merchants').select('id').orderBy('id').execute()).map((row) => row.id);
}
