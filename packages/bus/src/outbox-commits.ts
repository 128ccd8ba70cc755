/*
 * An in-process signal: a transaction that enqueued outbox rows has committed. Relays in the
 * same process listen and publish at once instead of at their next poll; a relay in another
 * process still finds the rows by polling. A signal nobody hears costs nothing.
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
