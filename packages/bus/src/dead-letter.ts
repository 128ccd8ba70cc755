import { recordDeadLetters, type NewDeadLetter } from '@parcelwatch/db';
import type { TransactionalDb } from './db-types.js';
import type { OutgoingRecord, RawMessage } from './event-bus.js';

export const DLQ_HEADERS = {
  reason: 'dlq-reason',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  consumerGroup: 'dlq-consumer-group',
  failedAt: 'dlq-failed-at',
} as const;

/** `<topic>.dlq`: where the messages of `topic` that could not be parsed or handled go. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

export interface DeadLetter {
  message: RawMessage;
  reason: string;
}

/**
 * The DLQ record keeps the original key, value and headers untouched, so the message can be
 * replayed onto its topic once fixed; why and where it failed travels in `dlq-*` headers.
 */
export function deadLetterRecord(letter: DeadLetter, groupId: string, failedAt: Date): OutgoingRecord {
  const { message, reason } = letter;
  return {
    topic: deadLetterTopic(message.topic),
    key: message.key,
    value: message.value ?? Buffer.alloc(0),
    headers: {
      ...message.headers,
      [DLQ_HEADERS.reason]: reason,
      [DLQ_HEADERS.sourceTopic]: message.topic,
      [DLQ_HEADERS.sourcePartition]: String(message.partition),
      [DLQ_HEADERS.sourceOffset]: message.offset,
      [DLQ_HEADERS.consumerGroup]: groupId,
      [DLQ_HEADERS.failedAt]: failedAt.toISOString(),
    },
  };
}

/**
 * Where the dead-letter path also keeps each letter (the `dead_letters` table: `databaseDeadLetters`),
 * so they can be counted, listed and replayed the same way on either bus. Must resolve only once durable.
 */
export type DeadLetterStore = (letters: readonly NewDeadLetter[]) => Promise<void>;

export function storedLetter(letter: DeadLetter, groupId: string, failedAt: Date): NewDeadLetter {
  const { message, reason } = letter;
  return {
    consumerGroup: groupId,
    sourceTopic: message.topic,
    sourcePartition: message.partition,
    sourceOffset: message.offset,
    key: message.key,
    value: message.value,
    headers: { ...message.headers },
    reason,
    failedAt,
  };
}

/** The dead-letter store on the database, one transaction per write. */
export function databaseDeadLetters(db: TransactionalDb): DeadLetterStore {
  return (letters) => db.transaction().execute((trx) => recordDeadLetters(trx, letters));
}
