import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { CarrierAccountsTable, Database } from '../database.js';

/**
 * Merchants' carrier accounts. The api writes them (credentials already sealed), the poller reads
 * them and records the provider's quota. Nothing here ever sees a credential in the clear.
 */
export type CarrierAccountExecutor = Kysely<Database> | Transaction<Database>;
export type CarrierAccountRow = Selectable<CarrierAccountsTable>;
/** What may leave the database towards an api answer: no sealed value. */
export type CarrierAccountView = Omit<CarrierAccountRow, 'credentials_sealed'>;

const VIEW_COLUMNS = ['merchant_id', 'provider', 'key_id', 'hint', 'quota', 'quota_checked_at', 'created_at', 'updated_at'] as const;

export interface CarrierAccountWrite {
  merchantId: string;
  provider: string;
  credentialsSealed: string;
  keyId: string;
  hint: string;
  at: Date;
}

/** Creates or replaces the merchant's account for the provider; `created` says which. */
export async function upsertCarrierAccount(db: CarrierAccountExecutor, account: CarrierAccountWrite): Promise<{ view: CarrierAccountView; created: boolean }> {
  const row = await db
    .insertInto('carrier_accounts')
    .values({
      merchant_id: account.merchantId,
      provider: account.provider,
      credentials_sealed: account.credentialsSealed,
      key_id: account.keyId,
      hint: account.hint,
      created_at: account.at,
      updated_at: account.at,
    })
    .onConflict((oc) =>
      // A new credential makes the old quota figures someone else's.
      oc.columns(['merchant_id', 'provider']).doUpdateSet({
        credentials_sealed: account.credentialsSealed,
        key_id: account.keyId,
        hint: account.hint,
        quota: null,
        quota_checked_at: null,
        updated_at: account.at,
      }),
    )
    .returning([...VIEW_COLUMNS, sql<boolean>`(xmax = 0)`.as('inserted')])
    .executeTakeFirstOrThrow();
  const { inserted, ...view } = row;
  return { view, created: inserted };
}

/** Accounts of these merchants (null: all), by merchant then provider. */
export async function listCarrierAccounts(db: CarrierAccountExecutor, merchantIds: readonly string[] | null): Promise<CarrierAccountView[]> {
  let query = db.selectFrom('carrier_accounts').select(VIEW_COLUMNS);
  if (merchantIds !== null) {
    if (merchantIds.length === 0) return [];
    query = query.where('merchant_id', 'in', [...merchantIds]);
  }
  return query.orderBy('merchant_id').orderBy('provider').execute();
}

export async function deleteCarrierAccount(db: CarrierAccountExecutor, merchantId: string, provider: string): Promise<CarrierAccountView | undefined> {
  return db.deleteFrom('carrier_accounts').where('merchant_id', '=', merchantId).where('provider', '=', provider).returning(VIEW_COLUMNS).executeTakeFirst();
}

/** The sealed accounts of these merchants, for the poller to open. */
export async function findSealedCarrierAccounts(db: CarrierAccountExecutor, merchantIds: readonly string[]): Promise<CarrierAccountRow[]> {
  if (merchantIds.length === 0) return [];
  return db.selectFrom('carrier_accounts').selectAll().where('merchant_id', 'in', [...new Set(merchantIds)]).execute();
}

/** Every merchant's sealed account with one provider (the poller reads each 17TRACK account's quota). */
export async function findSealedAccountsOfProvider(db: CarrierAccountExecutor, provider: string): Promise<CarrierAccountRow[]> {
  return db.selectFrom('carrier_accounts').selectAll().where('provider', '=', provider).orderBy('merchant_id').execute();
}

/** Accounts sealed under a key other than `keyId` (a rotation in progress), locked for resealing. */
export async function claimAccountsSealedUnderOtherKeys(trx: Transaction<Database>, keyId: string, limit: number): Promise<CarrierAccountRow[]> {
  return trx.selectFrom('carrier_accounts').selectAll().where('key_id', '<>', keyId).orderBy('merchant_id').orderBy('provider').limit(limit).forUpdate().skipLocked().execute();
}

export async function countAccountsSealedUnderOtherKeys(db: CarrierAccountExecutor, keyId: string): Promise<number> {
  const row = await db.selectFrom('carrier_accounts').select((eb) => eb.fn.countAll<number>().as('n')).where('key_id', '<>', keyId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function resealCarrierAccount(db: CarrierAccountExecutor, row: { merchantId: string; provider: string; credentialsSealed: string; keyId: string }): Promise<void> {
  // updated_at stays: the seller's account did not change, only its envelope.
  await db
    .updateTable('carrier_accounts')
    .set({ credentials_sealed: row.credentialsSealed, key_id: row.keyId })
    .where('merchant_id', '=', row.merchantId)
    .where('provider', '=', row.provider)
    .execute();
}

export async function recordCarrierQuota(db: CarrierAccountExecutor, merchantId: string, provider: string, quota: Record<string, unknown>, at: Date): Promise<void> {
  await db.updateTable('carrier_accounts').set({ quota: JSON.stringify(quota), quota_checked_at: at }).where('merchant_id', '=', merchantId).where('provider', '=', provider).execute();
}

/**
 * Shipments that waited for this account are due now: the seller need not wait out their backoff.
 * Returns how many were woken.
 */
export async function wakeShipmentsWaitingForAccount(db: CarrierAccountExecutor, merchantId: string, provider: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('shipments')
    .set({ next_poll_at: now })
    .where('merchant_id', '=', merchantId)
    .where('provider', '=', provider)
    .where('poll_problem', 'is not', null)
    .where('active', '=', true)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Active shipments the poller cannot poll, by provider and problem (the poller's gauge). */
export async function countPollProblems(db: CarrierAccountExecutor): Promise<{ provider: string; problem: string; count: number }[]> {
  const rows = await db
    .selectFrom('shipments')
    .select(['provider', 'poll_problem', (eb) => eb.fn.countAll<number>().as('n')])
    .where('poll_problem', 'is not', null)
    .where('active', '=', true)
    .groupBy(['provider', 'poll_problem'])
    .execute();
  return rows.map((row) => ({ provider: row.provider, problem: row.poll_problem ?? '', count: Number(row.n) }));
}
