import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../database.js';
import { deleteOldestRows } from '../api/retention.repository.js';

/**
 * Consumer-side deduplication. Delivery is at-least-once (a redelivered batch, a republished
 * outbox row), so a handler marks the message ids it processes in the same transaction as its
 * effects and applies effects only for the ids that were new.
 */
export type ProcessedMessageExecutor = Kysely<Database> | Transaction<Database>;

/**
 * Records `messageIds` as processed by `consumerGroup` and returns the ids that were not
 * recorded before, in input order. Call inside the handler's transaction: if it rolls back,
 * the marks roll back with the effects.
 */
export async function markProcessed(
  trx: ProcessedMessageExecutor,
  consumerGroup: string,
  messageIds: readonly string[],
): Promise<string[]> {
  const unique = [...new Set(messageIds)];
  if (unique.length === 0) return [];
  const inserted = await trx
    .insertInto('processed_messages')
    .values(unique.map((messageId) => ({ consumer_group: consumerGroup, message_id: messageId })))
    // Already processed (a redelivery): insert nothing, return nothing for it.
    .onConflict((oc) => oc.columns(['consumer_group', 'message_id']).doNothing())
    .returning('message_id')
    .execute();
  const fresh = new Set(inserted.map((row) => row.message_id));
  return unique.filter((id) => fresh.has(id));
}

/**
 * Deletes up to `limit` ids recorded before `processedBefore` (oldest first by the age index);
 * returns how many went. Ids older than any possible redelivery can go: keep at least the
 * longest retention of the topics the groups read.
 */
export async function pruneProcessedMessages(db: ProcessedMessageExecutor, processedBefore: Date, limit = 5_000): Promise<number> {
  return deleteOldestRows(db, 'processed_messages', ['consumer_group', 'message_id'], 'processed_at', processedBefore, limit);
}
