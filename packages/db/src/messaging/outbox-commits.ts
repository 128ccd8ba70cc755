import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../database.js';
import { enqueuedOutboxIn } from './outbox.repository.js';

/*
 * An in-process signal: a transaction that enqueued outbox rows has committed. Relays in the
 * same process listen and publish at once instead of at their next poll; a relay in another
 * process still finds the rows by polling. A signal nobody hears costs nothing. It lives beside
 * the outbox so that every writer (consumer handlers, api intake, the poller, dispatch rounds)
 * can raise it, not only the bus's idempotent handler.
 */
const listeners = new Set<() => void>();

/** Calls `listener` after each such commit; returns the unsubscribe. */
export function onOutboxCommitted(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** Call after a commit whose transaction enqueued outbox rows (`enqueuedOutboxIn`). */
export function outboxCommitted(): void {
  for (const listener of listeners) listener();
}

/**
 * `db.transaction().execute(work)` for a writer of outbox rows: once the transaction has
 * committed with rows enqueued, the relays of this process are woken, so the events leave now,
 * not after the rest of a poll interval. A rollback wakes nothing.
 */
export async function transactionWithOutbox<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  let wrote = false;
  const result = await db.transaction().execute(async (trx) => {
    const value = await work(trx);
    wrote = enqueuedOutboxIn(trx);
    return value;
  });
  if (wrote) outboxCommitted();
  return result;
}
