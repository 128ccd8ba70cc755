import { enqueuedOutboxIn, markProcessed } from '@parcelwatch/db';
import type { Envelope } from '@parcelwatch/contracts';
import type { DbTransaction, TransactionalDb } from './db-types.js';
import type { BatchContext, BatchHandler, ReceivedMessage } from './event-bus.js';
import { outboxCommitted } from './outbox-commits.js';

export interface IdempotentHandlerOptions<T, R = unknown> {
  db: TransactionalDb;
  /** The consumer group: dedupe is per group, since every group must apply every event once. */
  groupId: string;
  /** Applies the effects of messages not processed before, inside `trx`. */
  apply: (trx: DbTransaction, messages: ReceivedMessage<T>[], context: BatchContext) => Promise<R>;
  /**
   * Runs once the transaction has committed, with what `apply` resolved to (undefined when every
   * message had been processed before): to wake what should act on the committed work now.
   */
  afterCommit?: (applied: R | undefined) => void;
  /** The id to dedupe on. Default: the envelope id, else topic/partition/offset. */
  messageId?: (message: ReceivedMessage<T>) => string;
}

export function defaultMessageId<T>(message: ReceivedMessage<T>): string {
  const id = (message.event as Partial<Envelope> | null)?.id;
  return typeof id === 'string' && id.length > 0 ? id : `${message.topic}/${message.partition}/${message.offset}`;
}

/**
 * A batch handler that is safe under at-least-once delivery: in one transaction it records the
 * message ids in processed_messages, skips those already there, applies the rest and commits.
 * A redelivered message (consumer crashed before committing its offset) or a republished one
 * (outbox relay crashed before marking it sent) carries the same id, so its effects happen once.
 */
export function createIdempotentHandler<T = Envelope, R = unknown>(options: IdempotentHandlerOptions<T, R>): BatchHandler<T> {
  const messageId = options.messageId ?? defaultMessageId;
  return async (messages, context) => {
    let wroteOutbox = false;
    let applied: R | undefined;
    await options.db.transaction().execute(async (trx) => {
      const fresh = new Set(await markProcessed(trx, options.groupId, messages.map(messageId)));
      // A batch can hold the same id twice (a republished outbox row): apply the first only.
      const toApply = messages.filter((message) => fresh.delete(messageId(message)));
      if (toApply.length > 0) applied = await options.apply(trx, toApply, context);
      wroteOutbox = enqueuedOutboxIn(trx);
    });
    // Committed: a relay in this process publishes the new events now, not at its next poll.
    if (wroteOutbox) outboxCommitted();
    options.afterCommit?.(applied);
  };
}
