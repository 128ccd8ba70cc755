import type { claimOutboxBatch } from '@parcelwatch/db';

/**
 * The database as the bus needs it, derived from @parcelwatch/db's repositories so the bus
 * never names its own copy of kysely (two copies' `Kysely` classes would not be assignable).
 */
export type DbTransaction = Parameters<typeof claimOutboxBatch>[0];

/** Anything that runs a callback in a transaction: a `Kysely<Database>`. */
export interface TransactionalDb {
  transaction(): { execute<T>(work: (trx: DbTransaction) => Promise<T>): Promise<T> };
}
